"""Issue 14: the roll-up's DOCX and XLSX are made by a background job (kind "rollup_file"), never in the
request. GET shows the person's latest file or the job's progress and writes nothing; POST queues one job;
the file holds what the download made in the request before; only the person who asked downloads it."""

import io
from datetime import date

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from chiso.jobs.api import run_pending
from chiso.jobs.models import Job
from chiso.reports import file_jobs, queries
from chiso.reports.documents.docx import province_docx
from chiso.reports.documents.xlsx import province_xlsx
from chiso.reports.permissions import rollup_coordinator

from .helpers import sent
from .test_views import drafted  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db
CODE = "2026-Y"


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _texts_docx(content: bytes) -> list[str]:
    doc = Document(io.BytesIO(content))
    return [p.text for p in doc.paragraphs] + [c.text for t in doc.tables for row in t.rows for c in row.cells]


def _cells_xlsx(content: bytes) -> list[list]:
    wb = load_workbook(io.BytesIO(content))
    return [[ws.title, *[c.value for c in row]] for ws in wb.worksheets for row in ws.iter_rows()]


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_the_job_makes_the_file_the_request_used_to_make(world, login, drafted, media_in_tmp, fmt):  # noqa: F811
    _unit, agency = drafted
    sent(world, agency, date(2026, 12, 17))
    run_pending()  # the issued report's own PDF
    client = login(world.people.coordinator)
    page_url = reverse("reports:rollup_file", args=[CODE, fmt])
    assert client.get(f"/bao-cao/toan-tinh/{CODE}/?tai={fmt}")["Location"] == page_url  # the old link
    page = client.get(page_url)
    assert page.status_code == 200 and b'data-testid="build-rollup-file"' in page.content
    assert not Job.objects.filter(kind=file_jobs.ROLLUP_KIND).exists()  # GET writes nothing

    for _ in range(2):  # asked twice while it waits: one job
        assert client.post(page_url)["Location"] == page_url
    job = Job.objects.get(kind=file_jobs.ROLLUP_KIND)
    assert job.kind == file_jobs.ROLLUP_KIND and job.state == "queued"
    assert f'id="job-{job.pk}"'.encode() in client.get(page_url).content  # the progress, refreshed by HTMX

    [done] = run_pending()
    assert done.state == "done", done.error
    download = reverse("reports:rollup_download", args=[CODE, fmt, job.pk])
    assert done.result["url"] == download
    page = client.get(page_url).content.decode()
    assert f'href="{download}"' in page and 'data-testid="build-rollup-file"' in page  # and "make it again"
    response = client.get(download)
    assert response.status_code == 200 and response["Content-Type"] == file_jobs_content_type(fmt)
    assert f'filename="BC-tong-hop-{CODE}.{fmt}"' in response["Content-Disposition"]
    body = _body(response)

    coordinator = rollup_coordinator(world.people.coordinator)
    data = queries.province_rollup(world.province, CODE, queries.today(), overdue_limit=None)
    if fmt == "docx":
        from chiso.reports.actions import default_place

        before = province_docx(data, coordinator, default_place(coordinator))
        assert _texts_docx(body) == _texts_docx(before)
        assert any("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in t for t in _texts_docx(body))
        assert any("Sở Tư pháp" in t for t in _texts_docx(body))
    else:
        assert _cells_xlsx(body) == _cells_xlsx(province_xlsx(data))
        assert any("Rà soát văn bản quy phạm pháp luật" in str(v) for row in _cells_xlsx(body) for v in row)

    # made again: the new file replaces this person's older one
    client.post(page_url)
    [again] = run_pending()
    assert client.get(download)["Location"] == page_url
    assert client.get(reverse("reports:rollup_download", args=[CODE, fmt, again.pk])).status_code == 200
    kept = list((media_in_tmp / "reports" / "rollup" / coordinator.code).iterdir())
    assert [p.name for p in kept] == [f"{CODE}-{again.pk}.{fmt}"]


def file_jobs_content_type(fmt: str) -> str:
    from chiso.reports.documents import CONTENT_TYPES

    return CONTENT_TYPES[fmt]


def test_only_the_person_who_asked_downloads(world, login, media_in_tmp):
    from chiso.accounts.models import Role, RoleGrant, User

    coordinator = rollup_coordinator(world.people.coordinator)
    colleague = User.objects.create_user(username="nv2", password="pw-test-123")  # noqa: S106
    RoleGrant.objects.create(user=colleague, role=Role.COORDINATOR, agency=coordinator)
    client = login(world.people.coordinator)
    client.post(reverse("reports:rollup_file", args=[CODE, "xlsx"]))
    [job] = run_pending()
    download = reverse("reports:rollup_download", args=[CODE, "xlsx", job.pk])
    assert login(colleague).get(download).status_code == 404
    assert login(world.people.admin).get(download).status_code == 200
    for who in (world.people.office, world.people.outsider):
        assert login(who).get(download).status_code == 403
        assert login(who).post(reverse("reports:rollup_file", args=[CODE, "xlsx"])).status_code == 403
    assert Job.objects.count() == 1


def test_unknown_format_or_period_is_404(world, login):
    client = login(world.people.coordinator)
    assert client.get(reverse("reports:rollup_file", args=[CODE, "pdf"])).status_code == 404
    assert client.get(reverse("reports:rollup_file", args=["2026-Q9", "xlsx"])).status_code == 404
