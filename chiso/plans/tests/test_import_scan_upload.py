"""A scanned plan uploaded on the site is read by a background job: the request only stores the file, the
waiting page shows page n of N, and the review opens when the job is done (issue 15 item 2, issue 9 item 4)."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chiso.importing.tests import scandocs
from chiso.jobs.api import run_pending
from chiso.jobs.models import Job
from chiso.plans.models import ImportSession

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def scan_upload(tmp_path, pages):
    path = scandocs.to_pdf(pages, tmp_path / "ban-quet.pdf", 150)
    return SimpleUploadedFile("ban-quet.pdf", path.read_bytes(), content_type="application/pdf")


def test_a_scan_is_queued_then_read_with_page_progress(world, login, tmp_path):
    scandocs.require_ocr()
    client = login(world.people.office)
    pages = [scandocs.scanned(scandocs.table_page(150)), scandocs.scanned(scandocs.table_page(150), seed=2)]
    response = client.post(reverse("plan_import"), {"agency": world.home.pk, "file": scan_upload(tmp_path, pages)})
    job = Job.objects.get()
    assert response["Location"] == reverse("plan_import_wait", args=[job.pk])
    assert not ImportSession.objects.exists()  # nothing parsed inside the request
    waiting = client.get(response["Location"]).content.decode()
    assert f'hx-get="{reverse("job_progress", args=[job.pk])}"' in waiting and "<progress" in waiting
    [done] = run_pending()
    assert done.state == Job.State.DONE, done.error
    assert (done.done, done.total, done.message) == (2, 2, "Đã đọc 2/2 trang")
    session = ImportSession.objects.get()
    assert session.agency == world.home and session.created_by == world.people.office
    assert len(session.rows) == 6 and session.result["plan"]["_source"]["ocr"] is True
    assert session.result["plan"]["_sha256"]
    assert client.get(reverse("plan_import_wait", args=[job.pk]))["Location"] == reverse(
        "plan_import_preview", args=[session.pk])
    assert client.get(reverse("job_progress", args=[job.pk]), headers={"HX-Request": "true"})["HX-Redirect"] == \
        reverse("plan_import_preview", args=[session.pk])


def test_a_scan_that_cannot_be_read_fails_with_its_reason_and_keeps_nothing(world, login, tmp_path):
    scandocs.require_ocr()
    from PIL import Image

    client = login(world.people.office)
    blank = scandocs.scanned(Image.new("L", (1240, 1754), 255), grain=0.0005)
    client.post(reverse("plan_import"), {"agency": world.home.pk, "file": scan_upload(tmp_path, [blank])})
    job = Job.objects.get()
    stored = job.arguments["stored_name"]
    assert default_storage.exists(stored)
    [done] = run_pending()
    assert done.state == Job.State.FAILED and "không nhận dạng được chữ" in done.error
    assert not default_storage.exists(stored) and not ImportSession.objects.exists()
    page = client.get(reverse("plan_import_wait", args=[job.pk])).content.decode()
    assert "không nhận dạng được chữ" in page and "hx-trigger" not in page


def test_only_the_uploader_follows_the_job(world, login, tmp_path):
    from chiso.jobs.api import enqueue

    job = enqueue("plan_import", {"stored_name": "x.pdf", "filename": "x.pdf"}, user=world.people.office,
                  agency_id=world.home.pk)
    assert login(world.people.outsider).get(reverse("plan_import_wait", args=[job.pk])).status_code == 403
    assert login(world.people.leader).get(reverse("job_progress", args=[job.pk])).status_code == 404
    assert login(world.people.office).get(reverse("plan_import_wait", args=[job.pk])).status_code == 200


def test_a_typed_document_is_read_within_the_inline_time_limit(world, login, tmp_path, settings, monkeypatch):
    from chiso.importing import budget

    seen = {}
    real = budget.limits

    def spy(seconds=None, progress=None, max_mb=None):
        seen.update(seconds=seconds, max_mb=max_mb)
        return real(seconds, progress, max_mb)

    monkeypatch.setattr(budget, "limits", spy)
    settings.CHISO_IMPORT_INLINE_SECONDS, settings.CHISO_MAX_UPLOAD_MB = 7, 12
    from .importdocs import plan_docx

    path = plan_docx(tmp_path / "k.docx")
    login(world.people.office).post(reverse("plan_import"), {"agency": world.home.pk, "file": SimpleUploadedFile(
        "k.docx", path.read_bytes(), content_type="application/octet-stream")})
    assert seen == {"seconds": 7, "max_mb": 12} and not Job.objects.exists()
