"""Issue 12's acceptance walked in headless Chromium on the demo data (what `chiso demo` loads), on a desktop
screen and on a 390 px phone: the office sees the indicator table with points, opens the late dossiers behind
the on-time figure, drafts an apology letter and records that it was sent; a task whose target is "≥ 98%"
shows its measured value; the coordinator sees the agencies ranked by points."""

import io
import re
import zipfile

import pytest

from chiso.web.tests.browser import ARGS, CHROMIUM, require_chromium, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "chiso2025"  # the demo's accounts (chiso/demo/content.py)
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def fits(page) -> bool:
    """Nothing pushes the page sideways, and no table is cut off inside its scrolling frame (a phone's cards
    and a desktop table alike show every column)."""
    return page.evaluate("""() => document.documentElement.scrollWidth <= window.innerWidth &&
        [...document.querySelectorAll('.table-wrap')].every(w => w.scrollWidth <= w.clientWidth + 1)""")


def docx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return re.sub(r"<[^>]+>", "", z.read("word/document.xml").decode("utf-8"))


def test_the_office_and_the_coordinator_walk_the_service_kpis(live_server, settings, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    from chiso.demo.load import load_demo
    from chiso.dossiers.models import Apology
    from chiso.plans.models import Task

    require_chromium()
    load_demo()
    base = live_server.url
    task = Task.objects.filter(plan__agency__code="STP", title__contains="98%").first()
    assert task is not None, "the demo plan has a task with a 98% target"
    letters_before = Apology.objects.filter(agency__code="STP").count()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            for viewport in (DESKTOP, PHONE):
                context = browser.new_context(viewport=viewport, locale="vi-VN", accept_downloads=True,
                                              is_mobile=viewport is PHONE, has_touch=viewport is PHONE)
                page = context.new_page()
                page.set_default_timeout(20_000)
                sign_in(page, base, "stp.vanphong", PASSWORD)

                # The office lands on its agency's indicator table, with points.
                page.goto(f"{base}/chi-so-phuc-vu/")
                expect(page.get_by_role("heading", level=1)).to_contain_text("Sở Tư pháp")
                table = page.locator("#kpi-table")
                on_time = table.locator("tr[data-code='2.1']")
                expect(on_time).to_contain_text("hồ sơ")
                assert re.search(r"\d+,\d\d%", on_time.inner_text()), on_time.inner_text()
                assert re.search(r"\d+(,\d+)? / \d+", on_time.locator("td").nth(4).inner_text())
                expect(page.get_by_test_id("points")).to_contain_text("/")
                expect(page.get_by_test_id("score")).not_to_be_empty()
                assert fits(page), f"dashboard wider than {viewport['width']} px"

                # The late dossiers behind the on-time figure.
                page.get_by_test_id("miss-2.1").click()
                expect(page.get_by_role("heading", level=1)).to_contain_text("Hồ sơ không đạt")
                expect(page.get_by_role("heading", level=1)).to_contain_text("2.1")
                total = int(re.sub(r"\D", "", page.get_by_test_id("total").inner_text()))
                assert total > 0
                rows = page.locator("#dossiers tbody tr[data-code]")
                assert rows.count() == min(total, 50)
                assert fits(page), f"drill-down wider than {viewport['width']} px"

                # The apology letter of a late dossier without one: the draft, then recorded as sent.
                row = rows.filter(has=page.get_by_role("link", name="Dự thảo thư (DOCX)")).first
                code = row.get_attribute("data-code")
                applicant = row.locator("td").nth(3).inner_text().strip()
                with page.expect_download() as download:
                    row.get_by_role("link", name="Dự thảo thư (DOCX)").click()
                text = docx_text(open(download.value.path(), "rb").read())
                assert "THƯ XIN LỖI" in text and code in text and applicant in text
                row.get_by_role("link", name="Ghi nhận đã gửi").click()
                expect(page.get_by_role("heading", level=1)).to_contain_text("thư xin lỗi")
                assert fits(page), f"apology form wider than {viewport['width']} px"
                number = f"{viewport['width']}/TXL-STP"
                page.get_by_label("Số, ký hiệu thư").fill(number)
                page.get_by_label("Ngày gửi").fill(page.evaluate(
                    "(() => { const d = new Date(); return String(d.getDate()).padStart(2, '0') + '/' + "
                    "String(d.getMonth() + 1).padStart(2, '0') + '/' + d.getFullYear(); })()"))
                page.get_by_role("button", name="Ghi nhận").click()
                expect(page.locator("body")).to_contain_text(f"Đã ghi nhận thư xin lỗi số {number}")
                expect(page.locator(f"#dossiers tr[data-code='{code}']")).to_contain_text(number)

                # The task whose target is "≥ 98%" shows the value measured from the dossiers.
                page.goto(f"{base}/ke-hoach/nhiem-vu/{task.pk}/")
                measure = page.get_by_test_id("task-measure")
                expect(measure).to_contain_text("≥ 98%")
                expect(page.get_by_test_id("measured-value")).to_have_text(re.compile(r"^\d+,\d\d%$"))
                assert fits(page), f"task panel wider than {viewport['width']} px"
                context.close()

                # The coordinator sees the agencies ranked by points.
                context = browser.new_context(viewport=viewport, locale="vi-VN")
                page = context.new_page()
                page.set_default_timeout(20_000)
                sign_in(page, base, "snv.cchc", PASSWORD)
                page.goto(f"{base}/chi-so-phuc-vu/")
                expect(page.get_by_role("heading", level=1)).to_contain_text("Xếp hạng")
                ranked = page.locator("#ranking tbody tr")
                expect(ranked.first).to_contain_text("1")
                names = [ranked.nth(i).locator("td").nth(1).inner_text() for i in range(ranked.count())]
                assert {"Sở Tư pháp", "Sở Văn hóa, Thể thao và Du lịch"} <= set(names), names
                scores = [ranked.nth(i).locator("td").nth(3).inner_text() for i in range(ranked.count())]
                numbers = [float(s.replace(",", ".")) for s in scores if s != "N/A"]
                assert len(numbers) >= 2 and numbers == sorted(numbers, reverse=True), scores
                assert fits(page), f"ranking wider than {viewport['width']} px"
                context.close()
        finally:
            browser.close()
    assert Apology.objects.filter(agency__code="STP").count() == letters_before + 2
