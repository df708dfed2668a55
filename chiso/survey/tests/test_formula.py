"""The index formula against a hand-computed example, on counts and through stored answers."""

from datetime import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from chiso.survey import actions, formula, queries
from chiso.survey.models import Answer

from .helpers import open_survey


def test_it_follows_the_hand_computed_example():
    # A: A1 = 3/4 = 75 %, A2 = 1/2 = 50 % -> A = 62.5 %; B: B1 = 9/10 = 90 % -> B = 90 %;
    # C1 has no valid answer: no value, and C does not count. Overall = (62.5 + 90) / 2 = 76.25 %.
    counts = {"A1": (3, 4), "A2": (1, 2), "B1": (9, 10), "C1": (0, 0)}
    aspect_of = {"A1": "A", "A2": "A", "B1": "B", "C1": "C"}
    s = formula.score(counts, aspect_of)
    assert s.questions == {"A1": 75.0, "A2": 50.0, "B1": 90.0, "C1": None}
    assert s.aspects == {"A": 62.5, "B": 90.0}
    assert s.overall == pytest.approx(76.25)
    assert s.answers == 16
    # weights are data: B counted twice -> (62.5 + 2 * 90) / 3 = 80.8333…
    assert formula.score(counts, aspect_of, {"B": Decimal(2)}).overall == pytest.approx(80.8333333)
    assert formula.show(76.25) == "76,25" and formula.show(None) == "–"


def test_it_computes_the_same_from_stored_answers(world):
    q, (counter,) = open_survey(world)
    by_code = {x.code: x for x in q.questions.all()}
    when = timezone.make_aware(datetime(2026, 3, 10, 9, 0))
    # A1 answered 4 times (levels 5, 4, 3, 1 -> 2 satisfied of 4) and A2 twice (5, 2 -> 1 of 2): A = (50+50)/2
    # B1 answered 5, 5 -> 100 %. Overall = (50 + 100) / 2 = 75 %.
    sheets = [{"A1": 5, "A2": 5, "B1": 5}, {"A1": 4, "A2": 2, "B1": 5}, {"A1": 3}, {"A1": 1}]
    for sheet in sheets:
        actions.do_submit(actions.Submission(questionnaire=q, agency=world.home, counter=counter, channel="paper",
                                             values={by_code[c].pk: v for c, v in sheet.items()}, when=when))
    assert Answer.objects.filter(agency=world.home).count() == 8
    meta = queries.meta_for(world.home)
    month = 2026 * 12 + 2
    s = queries.grouped([world.home.pk], month, month, meta=meta)[None]
    assert s.questions["A1"] == 50.0 and s.questions["A2"] == 50.0 and s.questions["B1"] == 100.0
    assert s.aspects == {"A": 50.0, "B": 100.0}
    assert s.overall == 75.0
    # another month holds nothing
    assert queries.grouped([world.home.pk], month + 1, month + 1, meta=meta) == {}


def test_the_satisfied_levels_of_the_version_apply(world):
    """A version that counts only "rất hài lòng" stores a 4 as not satisfied; older answers keep their rule."""
    q, (counter,) = open_survey(world)
    first = q.questions.first()
    actions.do_submit(actions.Submission(questionnaire=q, agency=world.home, counter=counter, channel="paper",
                                         values={first.pk: 4}))
    draft = actions.do_new_version(world.people.admin, q.pk)
    draft.satisfied_levels = [5]
    draft.save()
    actions.do_activate(world.people.admin, draft.pk)
    q2 = actions.active_questionnaire(world.home)
    same = q2.questions.get(code=first.code)
    actions.do_submit(actions.Submission(questionnaire=q2, agency=world.home, counter=counter, channel="paper",
                                         values={same.pk: 4}))
    assert list(Answer.objects.order_by("pk").values_list("satisfied", flat=True)) == [True, False]
