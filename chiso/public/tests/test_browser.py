"""The published agency page at phone width: its tables scroll inside their card, the page never scrolls
sideways (it was 583 px wide at 390 px, the header covering only the first 390)."""

from datetime import datetime

from django.utils import timezone

from chiso.public import actions
from chiso.survey import actions as survey_actions
from chiso.survey.tests.helpers import open_survey
from chiso.web.tests.browser import browser_page
from conftest import make_world


def test_the_published_agency_page_fits_a_phone(live_server):
    world = make_world()
    q, (counter,) = open_survey(world)
    survey_actions.do_submit(survey_actions.Submission(
        questionnaire=q, agency=world.home, counter=counter, channel="qr", values={x.pk: 4 for x in q.questions.all()},
        when=timezone.make_aware(datetime.combine(timezone.localdate(), datetime.min.time().replace(hour=9)))))
    actions.do_set_public_page(world.people.leader, world.home, enabled=True, show_survey=True, show_services=True)
    with browser_page(viewport={"width": 390, "height": 844}) as page:
        page.goto(f"{live_server.url}/cong-khai/co-quan/{world.home.code}/")
        assert "Số nhiệm vụ theo chỉ số và lĩnh vực" in page.inner_text("main")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert page.evaluate("document.querySelector('header.pub').getBoundingClientRect().width") == 390
