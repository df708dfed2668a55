"""GET never writes: the survey's pages, public and internal, read and change nothing."""

from django.db import connection
from django.urls import reverse

from chiso.public import actions as public_actions
from chiso.web.tests.test_get_writes_nothing import WriteSpy

from .helpers import open_survey


def test_no_survey_page_writes(world, client):
    q, (counter,) = open_survey(world)
    public_actions.do_set_public_page(world.people.leader, world.home, enabled=True, show_survey=True,
                                      show_services=True)
    code = world.home.code
    public = [reverse("survey_agency", args=[code]), reverse("survey_counter", args=[code, counter.slug]),
              reverse("survey_thanks", args=[code]), reverse("public_home"), reverse("public_agency", args=[code]),
              reverse("public_province", args=[world.province.code])]
    internal = [reverse("survey_index"), reverse("survey_dashboard", args=[code]),
                reverse("survey_dashboard", args=[code]) + "?xuat=xlsx", reverse("survey_comments", args=[code]),
                reverse("survey_counters", args=[code]), reverse("survey_poster", args=[code]),
                reverse("survey_ranking"), reverse("survey_questionnaires"),
                reverse("survey_questionnaire", args=[q.pk]), reverse("public_manage", args=[code])]
    spy = WriteSpy()
    with connection.execute_wrapper(spy):
        for url in public:
            assert client.get(url).status_code == 200, url
    client.force_login(world.people.admin)
    client.get(reverse("home"))
    with connection.execute_wrapper(spy):
        for url in internal:
            assert client.get(url).status_code in (200, 302), url
    assert spy.writes == []
