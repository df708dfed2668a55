"""End to end in headless Chromium: sign in, find a plan, open it."""

import pytest

from conftest import make_world

from .browser import browser_page, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_office_signs_in_searches_and_opens_a_plan(live_server):
    world = make_world()
    with browser_page() as page:
        sign_in(page, live_server.url, "office")
        assert "Xin chào" in page.content()
        page.click("nav.mainnav >> text=Kế hoạch")
        page.fill("input[name=q]", "cai cach")  # htmx narrows the list as one types
        page.wait_for_selector("#results >> text=Kế hoạch cải cách hành chính năm 2026")
        assert "Kế hoạch của Sở Xây dựng" not in page.inner_text("#results")
        page.click("text=Kế hoạch cải cách hành chính năm 2026")
        page.wait_for_url(f"{live_server.url}/ke-hoach/{world.plan.pk}/")
        body = page.inner_text("main")
        assert "Giải quyết hồ sơ đúng hạn đạt 98%" in body and "Phòng Hành chính tư pháp" in body


def test_outsider_sees_the_refusal_page(live_server):
    world = make_world()
    with browser_page() as page:
        sign_in(page, live_server.url, "outsider")
        response = page.goto(f"{live_server.url}/ke-hoach/{world.plan.pk}/")
        assert response.status == 403
        assert "Bạn không có quyền thực hiện thao tác này" in page.inner_text("main")


def test_phone_layout_has_a_menu_button(live_server):
    make_world()
    with browser_page(viewport={"width": 390, "height": 844}) as page:
        sign_in(page, live_server.url, "staff")
        assert not page.is_visible("nav.mainnav")
        page.click("label.nav-toggle-label")
        assert page.is_visible("nav.mainnav")
