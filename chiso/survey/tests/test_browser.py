"""End to end at phone width: open the QR link, answer with touch-sized choices, see the thanks page; the
office sees its index move. Nothing is requested from another host, and the page weighs under 50 KB."""

from django.utils import timezone

from chiso.survey.models import Response
from chiso.web.tests.browser import ARGS, CHROMIUM, require_chromium, sign_in
from conftest import make_world

from .helpers import open_survey


def test_a_citizen_answers_from_a_phone_and_the_office_sees_it(live_server):
    from playwright.sync_api import sync_playwright

    require_chromium()
    world = make_world()
    q, (counter,) = open_survey(world)
    n_questions = q.questions.count()
    month = timezone.localdate().strftime("%Y-%m")
    link = f"{live_server.url}/cong-khai/khao-sat/{world.home.code}/{counter.slug}/"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            office = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN").new_page()
            sign_in(office, live_server.url, "office")
            office.goto(f"{live_server.url}/khao-sat/co-quan/{world.home.code}/?ky={month}")
            assert "Chưa có phiếu trả lời nào" in office.inner_text("main")

            phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", has_touch=True,
                                        is_mobile=True).new_page()
            hosts, sizes = [], []
            phone.on("request", lambda r: hosts.append(r.url))
            phone.on("response", lambda r: sizes.append(len(r.body())) if r.request.method == "GET" else None)
            phone.goto(link)
            assert all(u.startswith(live_server.url) for u in hosts), hosts
            assert sum(sizes) < 50 * 1024
            # every choice is a labelled radio (a screen reader reads "Rất hài lòng" in its statement's group)
            choices = phone.get_by_role("radio", name="Rất hài lòng")
            assert choices.count() == n_questions
            assert phone.locator("fieldset legend").count() == n_questions
            box = phone.locator(".scale label").first.bounding_box()
            assert box["height"] >= 44  # a touch target
            assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
            # submitting with nothing chosen: the summary says what is missing, nothing is stored
            phone.get_by_role("button", name="Gửi đánh giá").click()
            assert "Phiếu chưa gửi được" in phone.inner_text("[role=alert]")
            assert Response.objects.count() == 0
            for i in range(n_questions):
                choices.nth(i).tap()
            phone.fill("#comment", "Cán bộ hướng dẫn tận tình")
            phone.get_by_role("button", name="Gửi đánh giá").click()
            phone.wait_for_url("**/cam-on/**")
            assert "Cảm ơn Ông/Bà" in phone.inner_text("main")

            office.reload()
            main = office.inner_text("main")
            assert "100,00%" in main and "1 phiếu" in main
        finally:
            browser.close()
    assert Response.objects.get().comment == "Cán bộ hướng dẫn tận tình"


def test_the_office_types_paper_sheets_with_the_keyboard_only(live_server):
    """The cursor starts in the answers field; digits, Enter, and the next sheet starts there again with the
    counter and date kept."""
    from chiso.web.tests.browser import browser_page

    world = make_world()
    q, (counter,) = open_survey(world)
    digits = "".join("4" if x.required else "-" for x in q.questions.order_by("aspect__order", "order"))
    with browser_page() as page:
        sign_in(page, live_server.url, "office")
        page.goto(f"{live_server.url}/khao-sat/co-quan/{world.home.code}/phieu-giay/?quay={counter.pk}")
        for n in range(2):
            assert page.evaluate("document.activeElement.id") == "day-tra-loi"
            page.keyboard.type(digits)
            with page.expect_navigation():
                page.keyboard.press("Enter")
            assert "Đã ghi phiếu giấy" in page.inner_text("body")
            assert Response.objects.filter(channel="paper", counter=counter).count() == n + 1
        assert page.input_value("select[name=quay]") == str(counter.pk)
