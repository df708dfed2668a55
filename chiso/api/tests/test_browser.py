"""End to end in Chromium: the agency leader finds "Kết nối API" in the menu, makes a token on the page (shown
once), the token reads that agency's tasks and not the other agency's; the documentation opens with nothing
requested from another host; an update posted through the API shows on the task page with its history;
revoking asks first, and the revoked token is refused. The token page fits a phone's width."""

import json
import urllib.error
import urllib.request
from datetime import date

from django.urls import reverse

from chiso.plans import actions as plans
from chiso.plans.models import Task
from chiso.web.tests.browser import ARGS, CHROMIUM, require_chromium, sign_in
from conftest import make_world

from .helpers import token_for


def _get(url: str, raw: str) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {raw}"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 (the test's own server)
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_a_leader_makes_a_token_on_the_page_and_it_reads_only_that_agency(live_server):
    from playwright.sync_api import sync_playwright

    require_chromium()
    world = make_world()
    other_task = plans.do_save_task(world.people.outsider, Task(plan=world.other_plan, ref="1", title="Việc SXD",
                                                                due=date(2026, 12, 31)), [world.other_unit], [])
    base = live_server.url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN").new_page()
            page.set_default_timeout(15000)
            # the documentation works offline: every request stays on this server, and the operations render
            hosts, errors = [], []
            page.on("request", lambda r: hosts.append(r.url))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(f"{base}/api/v1/docs")
            page.locator(".opblock").first.wait_for()
            assert page.locator(".opblock").count() > 20
            assert hosts and all(u.startswith(base) for u in hosts), [u for u in hosts if not u.startswith(base)]
            assert not errors, errors

            sign_in(page, base, "leader")
            page.get_by_role("navigation").get_by_role("link", name="Kết nối API").click()
            page.wait_for_url(f"{base}/ket-noi-api/")
            page.fill("#id_name", "iOffice")
            page.get_by_label("Đọc nhiệm vụ").check()
            page.get_by_role("button", name="Tạo mã").click()
            raw = page.get_by_test_id("raw-token").input_value()
            assert raw.startswith("chiso_") and "chỉ hiện một lần" in page.inner_text("[data-testid=new-token]")
            page.goto(f"{base}/ket-noi-api/")
            assert raw not in page.content()

            status, body = _get(f"{base}/api/v1/tasks", raw)
            assert status == 200 and {t["agency_id"] for t in body["items"]} == {world.home.pk}
            assert {t["id"] for t in body["items"]} == {world.civil_task.pk, world.laws_task.pk}
            status, body = _get(f"{base}/api/v1/tasks/{other_task.pk}", raw)
            assert status == 404 and body["error"]["code"] == "not_found"
            assert _get(f"{base}/api/v1/tasks?agency=SXD", raw)[0] == 404

            # an update posted through the API (an administrator's token: the leader reports on no task)
            writer = token_for(world.people.admin, "updates:write", name="Cổng LGSP")
            request = urllib.request.Request(  # noqa: S310 (the test's own server)
                f"{base}/api/v1/tasks/{world.civil_task.pk}/updates", method="POST",
                data=json.dumps({"narrative": "Đã số hóa 120 hồ sơ qua LGSP", "percent": 40,
                                 "cause": "Thiếu máy quét", "remedy": "Mượn máy"}).encode(),
                headers={"Authorization": f"Bearer {writer}", "Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
                assert answer.status == 201
            page.goto(base + reverse("task_detail", args=[world.civil_task.pk]))
            main = page.inner_text("main")
            assert "Đã số hóa 120 hồ sơ qua LGSP" in main and "[API: Cổng LGSP]" in main

            # revoking asks first; afterwards the token is refused
            page.goto(f"{base}/ket-noi-api/")
            page.get_by_role("row", name="iOffice").get_by_role("link", name="Thu hồi…").click()
            assert "Không hoàn tác" in page.inner_text("main")
            assert _get(f"{base}/api/v1/tasks", raw)[0] == 200  # the question changed nothing
            page.get_by_role("button", name="Thu hồi").click()
            page.wait_for_url(f"{base}/ket-noi-api/")
            assert "Đã thu hồi" in page.inner_text("main")
            status, body = _get(f"{base}/api/v1/tasks", raw)
            assert status == 401 and "thu hồi" in body["error"]["message"]

            # at a phone's width: no sideways scrolling, the menu behind its button still has the link
            phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", is_mobile=True,
                                        has_touch=True).new_page()
            sign_in(phone, base, "leader")
            phone.goto(f"{base}/ket-noi-api/")
            assert phone.evaluate("document.documentElement.scrollWidth") <= 390
            phone.locator("label.nav-toggle-label").click()
            assert phone.get_by_role("navigation").get_by_role("link", name="Kết nối API").is_visible()
        finally:
            browser.close()


def test_the_menu_link_shows_only_to_those_who_may_make_tokens(world, client):
    for who, shown in (("admin", True), ("leader", True), ("office", False), ("staff", False),
                       ("coordinator", False), ("outsider", False), ("nobody", False)):
        client.force_login(getattr(world.people, who))
        page = client.get("/").content.decode()
        assert ('href="/ket-noi-api/"' in page) is shown, who
