"""End to end in headless Chromium: unit staff post an update with a PDF, the office confirms it,
the agency dashboard counts change."""

from datetime import timedelta

import pytest
from django.utils import timezone

from chiso.web.tests.browser import browser_page, sign_in
from conftest import make_world

from .helpers import PDF

pytestmark = pytest.mark.django_db(transaction=True)


def count(page, status):
    return page.inner_text(f"[data-testid=count-{status}]").strip()


def test_staff_report_office_confirms_dashboard_changes(live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = make_world()
    today = timezone.localdate()
    task = world.civil_task
    task.due = today + timedelta(days=10)
    task.save()
    pdf = tmp_path / "bien-ban-kiem-tra.pdf"
    pdf.write_bytes(PDF)
    dashboard = f"{live_server.url}/theo-doi/co-quan/{world.home.code}/"
    task_url = f"{live_server.url}/ke-hoach/nhiem-vu/{task.pk}/"
    with browser_page() as page:
        sign_in(page, live_server.url, "office")
        page.goto(dashboard)
        assert count(page, "done") == "0" and count(page, "total") == "2"
        page.context.clear_cookies()

        sign_in(page, live_server.url, "staff")
        page.goto(task_url)
        page.fill("#id_narrative", "Đã giải quyết đúng hạn 99% hồ sơ trong quý.")
        page.fill("#id_percent", "100")
        page.select_option("#id_proposed_status", "done")
        page.fill("#id_done_on", today.isoformat())
        page.set_input_files("#id_files", str(pdf))
        page.fill("#id_doc_number", "15/BC-PHCTP")
        page.click("[data-testid=post-update]")
        page.wait_for_selector("text=Đã gửi báo cáo tiến độ")
        assert "bien-ban-kiem-tra.pdf" in page.inner_text("#theo-doi")
        page.context.clear_cookies()

        sign_in(page, live_server.url, "office")
        assert page.inner_text("[data-testid=bell] .bell-count") == "1"
        page.goto(task_url)
        page.fill("#theo-doi .review-form input[name=comment]", "Đạt yêu cầu")
        page.click("[data-testid=confirm]")  # htmx swaps the panel in place
        page.wait_for_selector("#theo-doi .review-confirmed")
        assert page.inner_text("[data-testid=progress]") == "100%"
        page.goto(dashboard)
        assert count(page, "done") == "1" and count(page, "total") == "2"
        page.goto(task_url)
        history = page.inner_text("main")
        assert "Xác nhận báo cáo tiến độ 100%" in history and "Hoàn thành" in history


def test_office_returns_an_update_with_a_comment(live_server, settings, tmp_path):
    from chiso.tracking import actions

    from .helpers import report

    settings.MEDIA_ROOT = tmp_path / "media"
    world = make_world()
    update = actions.do_post_update(world.people.staff, world.civil_task, report(30, cause="c", remedy="r"))
    with browser_page() as page:
        sign_in(page, live_server.url, "office")
        page.goto(f"{live_server.url}/ke-hoach/nhiem-vu/{world.civil_task.pk}/")
        page.click("#theo-doi .review-form .btn-danger")  # no comment: refused inside the panel
        page.wait_for_selector("#theo-doi >> text=Hãy nêu lý do trả lại")
        page.fill("#theo-doi .review-form input[name=comment]", "Thiếu tài liệu kiểm chứng")
        page.click("#theo-doi .review-form .btn-danger")
        page.wait_for_selector("#theo-doi .review-returned")
        assert "Thiếu tài liệu kiểm chứng" in page.inner_text("#theo-doi")
    update.refresh_from_db()
    assert update.review == "returned"
