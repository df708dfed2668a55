"""End to end in headless Chromium: a unit attaches evidence from its task to a sub-criterion, the office
submits, the leader approves, the coordinator reviews, the agency sees the reviewed score and the ranking."""

from datetime import timedelta
from decimal import Decimal

import pytest

from chiso.periods.calendar import today
from chiso.web.tests.browser import browser_page, sign_in
from conftest import make_world

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_assessment_loop_in_the_browser(live_server, settings, tmp_path):
    from chiso.assessment import actions
    from chiso.assessment.models import Score
    from chiso.assessment.tests.conftest import make_catalog
    from chiso.plans import actions as plan_actions
    from chiso.tracking.actions import do_post_update
    from chiso.tracking.tests.helpers import pdf, report

    settings.MEDIA_ROOT = tmp_path / "media"
    world = make_world()
    catalog = make_catalog(world.province)
    nodes = {n.code: n for n in catalog.nodes.all()}
    world.civil_task.node = nodes["1.1"]
    plan_actions.do_save_task(world.people.office, world.civil_task, [world.civil], [world.laws])
    do_post_update(world.people.staff, world.civil_task,
                   report(files=[pdf("ke-hoach-cchc.pdf")], cause="Chờ ký", remedy="Đôn đốc"))
    now = today()
    rnd = actions.do_open_round(world.people.coordinator, world.province, catalog, actions.Deadlines(
        now + timedelta(days=5), now + timedelta(days=10), now + timedelta(days=15), now + timedelta(days=20)))
    sub = rnd.submissions.get(agency=world.home)
    url = f"{live_server.url}/danh-gia/ho-so/{sub.pk}/"
    first = Score.objects.get(submission=sub, node__code="1.1.1")

    with browser_page() as page:
        page.on("dialog", lambda dialog: dialog.accept())
        sign_in(page, live_server.url, "staff")
        page.goto(url)
        page.click("[data-testid=pick-1\\.1\\.1]")  # the task's PDF is proposed for its sub-criterion
        page.wait_for_selector("text=Đã thêm tài liệu cho tiêu chí 1.1.1")
        assert "ke-hoach-cchc.pdf" in page.inner_text(f"#tc-{first.pk}")
        page.select_option(f"#tc-{first.pk} select[name=yes]", "co")
        page.click(f"#tc-{first.pk} .score-form button[type=submit]")
        page.wait_for_selector("text=Đã lưu tiêu chí 1.1.1")
        assert page.inner_text("[data-testid=self-1\\.1\\.1]").strip() == "2"
        assert page.locator("[data-testid=submit]").count() == 0  # units do not submit
        page.context.clear_cookies()

        sign_in(page, live_server.url, "office")
        page.goto(url)
        page.click("[data-testid=submit]")
        page.wait_for_selector("text=Đã gửi lãnh đạo duyệt")
        page.context.clear_cookies()

        sign_in(page, live_server.url, "leader")
        page.goto(url)
        page.click("[data-testid=approve]")
        page.wait_for_selector("text=Đã duyệt và gửi Sở Nội vụ")
        page.context.clear_cookies()

        sign_in(page, live_server.url, "coordinator")
        page.goto(url)
        row = f"#tc-{first.pk}"
        page.fill(f"{row} input[name=reviewed_score]", "1,5")
        page.fill(f"{row} input[name=reason]", "Ban hành chậm 3 ngày")
        page.click(f"{row} button[value=adjust]")
        page.wait_for_selector("text=Đã thẩm định tiêu chí 1.1.1")
        for code in ("1.1.2", "1.1.3", "2.1.1", "2.1.2"):
            page.click(f"[data-testid=accept-{code.replace('.', chr(92) + '.')}]")
            page.wait_for_selector(f"text=Đã thẩm định tiêu chí {code}")
        page.click("[data-testid=send-review]")
        page.wait_for_selector("text=Đã gửi kết quả thẩm định")
        page.context.clear_cookies()

        sign_in(page, live_server.url, "office")
        page.goto(url)
        assert page.inner_text("[data-testid=reviewed-1\\.1\\.1]").strip() == "1,5"
        assert "Ban hành chậm 3 ngày" in page.inner_text(f"#tc-{first.pk}")
        assert page.inner_text("[data-testid=reviewed-total]").strip() == "1,5"
        page.goto(f"{live_server.url}/danh-gia/xep-hang/?nam={now.year}")
        mine = page.inner_text("#ranking-table tr.mine")
        assert "Sở Tư pháp" in mine and "1,5" in mine
    assert Score.objects.get(pk=first.pk).reviewed_score == Decimal("1.500")
