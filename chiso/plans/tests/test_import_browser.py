"""End to end in a real browser: upload a DOCX, fix a unit in the preview, confirm, see the tasks."""

import os
from pathlib import Path

import pytest

from .importdocs import plan_docx

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"), reason="Debian chromium is not installed"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


def test_it_imports_a_docx_fixing_a_unit_in_the_preview(live_server, browser, settings, tmp_path):
    from playwright.sync_api import expect

    from chiso.plans.models import Plan
    from conftest import make_world

    settings.MEDIA_ROOT = tmp_path / "media"
    world = make_world()
    document = plan_docx(tmp_path / "ke-hoach-25.docx")

    page = browser.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("#id_username", "office")
    page.fill("#id_password", "pw-test-123")
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/ke-hoach/")
    page.get_by_role("link", name="Nhập từ văn bản").click()
    page.set_input_files("#id_file", str(document))
    page.get_by_role("button", name="Đọc văn bản").click()

    expect(page.get_by_role("heading", name="Xem lại trước khi lưu")).to_be_visible()
    expect(page.locator("#import-rows tbody tr")).to_have_count(3)
    unknown = page.locator("tr", has_text="Phòng Tiếp dân lưu động")
    expect(unknown.locator(".unmatched")).to_have_text("⚠ Phòng Tiếp dân lưu động")

    unknown.get_by_role("link", name="Sửa").click()
    lead = page.locator("tr.editing textarea[name$='-lead']")
    expect(lead).to_have_value("Phòng Tiếp dân lưu động")
    lead.fill("Phòng Hành chính tư pháp")
    page.get_by_role("button", name="Lưu dòng").click()
    expect(page.locator("tr.editing")).to_have_count(0)
    expect(page.locator(".unmatched")).to_have_count(0)
    expect(page.locator("#import-summary")).not_to_contain_text("chưa khớp")

    page.locator("#import-confirm").click()
    expect(page.get_by_role("heading", name="Kế hoạch cải thiện Chỉ số CCHC năm 2026")).to_be_visible()
    tasks = page.locator("table.tasks")
    expect(tasks).to_contain_text("Tổ chức đối thoại với người dân về giải quyết thủ tục hành chính")
    expect(tasks).to_contain_text("Kiểm tra việc thi hành văn bản quy phạm pháp luật tại các xã")
    expect(page.locator("table.tasks tbody tr")).to_have_count(3)

    plan = Plan.objects.get(number="25/KH-STP")
    assert plan.agency == world.home and plan.status == "draft"
    fixed = plan.tasks.get(title__startswith="Tổ chức đối thoại")
    assert list(fixed.lead_units.all()) == [world.civil]
    assert page.url.endswith(f"/ke-hoach/{plan.pk}/")
