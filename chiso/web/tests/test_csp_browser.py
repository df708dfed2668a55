"""In headless Chromium, under the Content-Security-Policy: htmx loads and swaps, a data-confirm button
asks before its form is sent, and the browser reports no CSP violation (issue 9)."""

import pytest

from chiso.web.tests.browser import browser_page, sign_in
from conftest import make_world

pytestmark = pytest.mark.django_db(transaction=True)


def test_pages_work_under_the_csp(live_server):
    world = make_world()
    violations = []
    with browser_page() as page:
        page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
        sign_in(page, live_server.url, "office")
        page.goto(f"{live_server.url}/ke-hoach/nhiem-vu/{world.civil_task.pk}/")
        assert page.evaluate("typeof htmx") == "object"
        page.goto(f"{live_server.url}/tai-khoan/")
        # data-confirm (static/chiso/confirm.js): dismissed, nothing is sent; accepted, everyone is signed out
        page.once("dialog", lambda d: d.dismiss())
        page.click("form[action$='dang-xuat-moi-noi/'] button")
        assert page.url.endswith("/tai-khoan/")
        page.once("dialog", lambda d: d.accept())
        page.click("form[action$='dang-xuat-moi-noi/'] button")
        page.wait_for_url("**/dang-nhap/**")
    assert violations == []
