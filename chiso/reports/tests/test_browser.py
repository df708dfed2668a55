"""End to end in headless Chromium: a unit drafts and submits its report, the office sees it, compiles
the agency report and downloads it in the three formats."""

import io
from datetime import date

import pytest
from docx import Document

from chiso.jobs.api import run_pending
from chiso.periods.calendar import periods_of_year
from chiso.reports.queries import today
from chiso.web.tests.browser import browser_page, sign_in
from conftest import make_world

from .helpers import confirmed_done

pytestmark = pytest.mark.django_db(transaction=True)


def test_unit_submits_office_compiles_and_downloads(live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = make_world()
    now = today()
    confirmed_done(world, world.civil_task, done_on=min(now, date(2026, 6, 20)))
    period = next(p for p in periods_of_year(world.home, 2026) if p.code == "2026-Y")
    base = live_server.url
    unit_url = f"{base}/bao-cao/{world.home.code}/{period.code}/don-vi/{world.civil.pk}/"
    with browser_page() as page:
        sign_in(page, base, "staff")
        page.click("nav.mainnav >> text=Báo cáo")
        page.wait_for_selector("#calendar")
        page.click(f"#calendar tr[data-code='{period.code}'] a")
        page.click(f"#submissions tr[data-unit='{world.civil.pk}'] a")
        assert page.url == unit_url
        page.click("[data-testid=draft]")
        page.wait_for_selector("#unit-report-form")
        assert "Giải quyết hồ sơ đúng hạn đạt 98%" in page.input_value("#id_results")
        page.fill("#id_proposals", "Đề nghị tổ chức tập huấn nghiệp vụ một cửa.")
        page.click("[data-testid=submit]")
        page.wait_for_selector("text=Đã gửi báo cáo đến Văn phòng")
        assert page.inner_text("[data-testid=state]").startswith("Đã gửi")
        page.context.clear_cookies()

        sign_in(page, base, "office")
        page.goto(f"{base}/bao-cao/{world.home.code}/{period.code}/")
        assert page.inner_text("[data-testid=submitted]") == "1/2"
        assert "Phòng Hành chính tư pháp" in page.inner_text("#submissions")
        page.click("[data-testid=compile]")
        page.wait_for_selector("#agency-report-form")
        assert "Đề nghị tổ chức tập huấn nghiệp vụ một cửa." in page.input_value("#id_proposals")
        files = {}
        for fmt in ("docx", "xlsx", "pdf"):
            with page.expect_download() as info:
                if fmt == "pdf":  # made by a background job: the page starts it, follows it, then downloads
                    page.click(f"[data-testid=download-{fmt}]")
                    page.click("[data-testid=build-file]")
                    page.wait_for_selector(".job-progress")
                    assert [job.state for job in run_pending()] == ["done"]
                else:
                    page.click(f"[data-testid=download-{fmt}]")
            download = info.value
            target = tmp_path / download.suggested_filename
            download.save_as(target)
            files[fmt] = target
        assert files["pdf"].name == "BC-STP-2026-Y-v1.pdf"
        assert files["docx"].name == "BC-STP-2026-Y-v1.docx"
        doc = Document(io.BytesIO(files["docx"].read_bytes()))
        assert doc.tables[0].rows[0].cells[1].paragraphs[0].text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
        assert any("Đề nghị tổ chức tập huấn nghiệp vụ một cửa." in p.text for p in doc.paragraphs)
        assert files["xlsx"].read_bytes()[:2] == b"PK" and files["pdf"].read_bytes()[:4] == b"%PDF"


def test_sign_off_from_submission_to_the_coordinators_roll_up(live_server, settings, tmp_path):
    """Issue 10: the office submits, the leader approves, the office numbers the report and attaches the
    signed scan, sends it; the coordinator is notified and opens it from the roll-up."""
    from chiso.reports import actions

    from .helpers import SCAN

    settings.MEDIA_ROOT = tmp_path / "media"
    world = make_world()
    period = next(p for p in periods_of_year(world.home, 2026) if p.code == "2026-Y")
    report = actions.do_compile_agency_report(world.people.office, world.home, period)
    base = live_server.url
    report_url = f"{base}/bao-cao/van-ban/{report.pk}/"
    scan_file = tmp_path / "bao-cao-da-ky.pdf"
    scan_file.write_bytes(SCAN)

    def step(page, slug):
        page.click(f"[data-testid=step-{slug}]")
        page.wait_for_selector("#step-confirm")

    with browser_page() as page:
        sign_in(page, base, "office")
        page.goto(report_url)
        assert page.locator("[data-testid=issue]").count() == 0  # no one-click numbering any more
        step(page, "trinh")
        assert "Phòng Hành chính tư pháp" in page.inner_text("[data-testid=missing-units]")
        page.click("[data-testid=confirm]")
        page.wait_for_selector("text=Đã trình lãnh đạo duyệt.")
        assert page.inner_text("[data-testid=state]") == "Chờ lãnh đạo duyệt"
        page.context.clear_cookies()

        sign_in(page, base, "leader")
        page.goto(report_url)
        step(page, "duyet")
        page.fill("#id_comment", "Đồng ý ban hành.")
        page.click("[data-testid=confirm]")
        page.wait_for_selector("text=Đã duyệt báo cáo.")
        page.context.clear_cookies()

        sign_in(page, base, "office")
        page.goto(report_url)
        step(page, "cap-so")
        page.click("[data-testid=confirm]")
        page.wait_for_selector("text=Đã cấp số.")
        assert "01/BC-STP" in page.inner_text("#sign-off")
        step(page, "ban-ky")
        page.set_input_files("#id_scan", str(scan_file))
        page.click("[data-testid=confirm]")
        page.wait_for_selector("text=Đã đính kèm bản ký.")
        step(page, "gui")
        page.click("[data-testid=confirm]")
        page.wait_for_selector("text=Đã gửi báo cáo.")
        assert page.inner_text("[data-testid=state]") == "Đã gửi"
        page.context.clear_cookies()

        sign_in(page, base, "coordinator")
        page.goto(f"{base}/theo-doi/thong-bao/")
        page.click("text=Sở Tư pháp đã gửi báo cáo số 01/BC-STP")
        page.wait_for_url(report_url)
        page.goto(f"{base}/bao-cao/toan-tinh/2026-Y/")
        page.click("tr[data-code=STP] [data-testid=open-report]")
        page.wait_for_url(report_url)
        assert page.inner_text("[data-testid=scan]") == "bao-cao-da-ky.pdf"
