"""Issue 14, item 4: a PDF (or a long report's file) is made by a background job, never in the request; the
page that asks for it shows the job's progress, then the download serves the kept file. A draft's file is
kept under the moment of its last change, so a file made before a change is never served after it; an issued
report's PDF is queued when its number is issued."""

from datetime import date

import pytest
from django.urls import reverse

from chiso.jobs.api import run_pending
from chiso.jobs.models import Job
from chiso.periods.calendar import resolve
from chiso.reports import actions, documents, file_jobs, queries

pytestmark = pytest.mark.django_db


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def compiled(world):
    period = resolve(world.home, "2026-Y")
    return actions.do_compile_agency_report(world.people.office, world.home, period, date(2026, 12, 16))


def test_a_draft_pdf_is_made_by_a_job_and_then_served_from_storage(world, login, media_in_tmp):
    report = compiled(world)
    client = login(world.people.office)
    download = reverse("reports:download", args=[report.pk, "pdf"])
    build = reverse("reports:build_file", args=[report.pk, "pdf"])
    response = client.get(download)
    assert response.status_code == 302 and response["Location"] == build  # never rendered in the request
    page = client.get(build)
    assert page.status_code == 200 and b'data-testid="build-file"' in page.content
    assert not Job.objects.exists()  # GET only shows the button

    for _ in range(2):  # asked twice: one job
        assert client.post(build).status_code == 302
    job = Job.objects.get()
    assert job.kind == file_jobs.KIND and job.created_by == world.people.office and job.state == "queued"
    page = client.get(build)
    assert f'id="job-{job.pk}"'.encode() in page.content  # the progress, refreshed by HTMX

    [done] = run_pending()
    assert done.state == "done", done.error
    assert done.result["url"] == download
    response = client.get(download)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert _body(response)[:5] == b"%PDF-"
    kept = list((media_in_tmp / "reports" / world.home.code / "drafts").iterdir())
    assert [p.name for p in kept] == [documents.stored_path(report, "pdf").name]
    assert client.get(build)["Location"] == download  # the kept file: straight to the download

    # the draft changes: its old file is never served again; the next one replaces it
    report.refresh_from_db()
    texts = {f: getattr(report, f) for f in actions.AGENCY_TEXT}
    report = actions.do_save_agency_report(world.people.office, report, {**texts, "direction": "Đã chỉ đạo."})
    assert client.get(download)["Location"] == build
    client.post(build)
    assert Job.objects.count() == 2
    run_pending()
    assert client.get(download).status_code == 200
    kept = list((media_in_tmp / "reports" / world.home.code / "drafts").iterdir())
    assert [p.name for p in kept] == [documents.stored_path(report, "pdf").name]


def test_short_docx_and_xlsx_are_still_rendered_in_the_request(world, login):
    report = compiled(world)
    client = login(world.people.office)
    for fmt in ("docx", "xlsx"):
        response = client.get(reverse("reports:download", args=[report.pk, fmt]))
        assert response.status_code == 200 and _body(response)[:2] == b"PK"
    assert not Job.objects.exists()


def test_a_long_report_makes_every_format_in_the_background(world, login, monkeypatch):
    report = compiled(world)
    monkeypatch.setattr(file_jobs, "LONG_REPORT", -1)  # any report counts as long
    response = login(world.people.office).get(reverse("reports:download", args=[report.pk, "docx"]))
    assert response["Location"] == reverse("reports:build_file", args=[report.pk, "docx"])


def test_issuing_queues_the_pdf_so_its_first_download_is_from_storage(world, login, monkeypatch):
    report = compiled(world)
    submitted = actions.do_submit_agency_report(world.people.office, report, date(2026, 12, 17))
    approved = actions.do_approve_agency_report(world.people.leader, submitted, now=date(2026, 12, 17))
    issued = actions.do_issue_agency_report(world.people.office, approved, date(2026, 12, 17))
    job = Job.objects.get(kind=file_jobs.KIND)
    assert job.arguments == {"report": issued.pk, "fmt": "pdf", "stamp": issued.updated_at.isoformat()}
    assert run_pending()[0].state == "done"
    rendered = []
    monkeypatch.setattr(documents, "render", lambda fmt, r: rendered.append(fmt) or b"")
    response = login(world.people.leader).get(reverse("reports:download", args=[issued.pk, "pdf"]))
    assert response.status_code == 200 and _body(response)[:5] == b"%PDF-"
    assert rendered == []  # served from storage


def test_the_job_of_a_removed_report_fails_with_a_sentence(world):
    from chiso.jobs.api import enqueue

    enqueue(file_jobs.KIND, {"report": 999999, "fmt": "pdf", "stamp": ""}, user=world.people.office)
    [job] = run_pending()
    assert job.state == "failed" and job.error == "Báo cáo không còn tồn tại."


def test_the_build_page_refuses_an_unknown_format_and_an_outsider(world, login):
    report = compiled(world)
    assert login(world.people.office).get(reverse("reports:build_file", args=[report.pk, "odt"])).status_code == 404
    assert login(world.people.outsider).post(reverse("reports:build_file", args=[report.pk, "pdf"])).status_code == 403
    assert not Job.objects.exists()


def test_many_overdue_tasks_give_causes_grouped_not_one_line_each():
    overdue = [{"title": f"Nhiệm vụ {i}", "cause": "thiếu kinh phí" if i % 3 else "chờ hướng dẫn", "due": None,
                "units": []} for i in range(12)]
    assert queries._causes(overdue[:2]) == ["- Nhiệm vụ 0: Chờ hướng dẫn;", "- Nhiệm vụ 1: Thiếu kinh phí."]
    lines = queries._causes(overdue)
    assert lines[0] == "- Thiếu kinh phí: 8 nhiệm vụ (Nhiệm vụ 1; Nhiệm vụ 2; Nhiệm vụ 4; …);"
    assert lines[1] == "- Chờ hướng dẫn: 4 nhiệm vụ (Nhiệm vụ 0; Nhiệm vụ 3; Nhiệm vụ 6; …)."
    assert lines[2].endswith("Phụ lục II.)")
    unit_text = ("- Nhiệm vụ 5 (quá hạn, hạn 01/03/2026). Nguyên nhân: Thiếu kinh phí.\n"
                 "Đơn vị thiếu cán bộ chuyên trách.")
    assert queries._uncovered(unit_text, {"Nhiệm vụ 5"}) == "Đơn vị thiếu cán bộ chuyên trách."
    assert queries._uncovered(unit_text, set()) == unit_text
