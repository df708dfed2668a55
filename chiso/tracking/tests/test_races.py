"""The races of issue 9 (withdraw against confirm, two revisions of one returned update), each tried 20
times in threads against the real database, SQLite or PostgreSQL. Counts are printed (`pytest -s`)."""

from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from chiso.tests.races import backend, race
from chiso.tracking import actions
from chiso.tracking.models import Evidence, ProgressUpdate

from .helpers import pdf, report

TODAY = date(2026, 3, 20)
TRIES = 20

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def tworld(transactional_db):
    from conftest import make_world

    return make_world()


def test_withdraw_racing_confirm_never_deletes_a_confirmed_update(tworld):
    p, task = tworld.people, tworld.civil_task
    failures = confirmed = withdrawn = 0
    for n in range(TRIES):
        update = actions.do_post_update(p.staff, task, report(10 + n, files=[pdf()]), today=TODAY)
        path = Path(update.evidence.get(file__gt="").file.path)
        # each side holds the copy its page loaded before the other acted, as the views do
        as_author = ProgressUpdate.objects.get(pk=update.pk)
        as_office = ProgressUpdate.objects.get(pk=update.pk)
        withdraw, confirm = race(lambda u=as_author: actions.do_delete_update(p.staff, u, today=TODAY),
                                 lambda u=as_office: actions.do_confirm_update(p.office, u, today=TODAY))
        for outcome in (withdraw, confirm):
            assert outcome is None or isinstance(outcome, ProgressUpdate | ValidationError), repr(outcome)
        survived = ProgressUpdate.objects.filter(pk=update.pk).first()
        if isinstance(confirm, ProgressUpdate):
            confirmed += 1
            # the confirmed update, its evidence row and its file are all still there
            ok = (survived is not None and survived.review == "confirmed" and isinstance(withdraw, ValidationError)
                  and Evidence.objects.filter(update_id=update.pk, file__gt="").exists() and path.exists())
        else:
            withdrawn += 1
            ok = survived is None and withdraw is None and not path.exists()
        failures += not ok
    print(f"\n[{backend()}] withdraw vs confirm: {TRIES} tries, {confirmed} confirmed first, "
          f"{withdrawn} withdrawn first, {failures} failures")
    assert confirmed + withdrawn == TRIES and failures == 0


def test_two_revisions_of_one_returned_update_are_never_both_pending(tworld):
    p, task = tworld.people, tworld.civil_task
    failures = 0
    for n in range(TRIES):
        update = actions.do_post_update(p.staff, task, report(10 + n), today=TODAY)
        actions.do_return_update(p.office, update, "Bổ sung tài liệu", today=TODAY)
        stale = [ProgressUpdate.objects.get(pk=update.pk) for _ in range(2)]
        outcomes = race(*[lambda u=u, k=k: actions.do_revise_update(p.staff, u, report(40 + k), today=TODAY)
                          for k, u in enumerate(stale)])
        made = [o for o in outcomes if isinstance(o, ProgressUpdate)]
        refused = [o for o in outcomes if isinstance(o, ValidationError)]
        assert len(made) + len(refused) == 2, outcomes
        pending = ProgressUpdate.objects.filter(supersedes_id=update.pk, review="submitted").count()
        failures += not (len(made) == 1 and pending == 1)
        # the next try starts from no pending revision
        for revision in made:
            actions.do_confirm_update(p.office, ProgressUpdate.objects.get(pk=revision.pk), today=TODAY)
    print(f"\n[{backend()}] double revision: {TRIES} tries, {failures} with two pending revisions or none")
    assert failures == 0


def test_two_confirmations_write_one_history_line_each_way(tworld):
    """The office confirms twice at once (a double click): one wins, the other is told why."""
    p, task = tworld.people, tworld.civil_task
    failures = 0
    for n in range(TRIES):
        update = actions.do_post_update(p.staff, task, report(5 + n), today=TODAY)
        copies = [ProgressUpdate.objects.get(pk=update.pk) for _ in range(2)]
        outcomes = race(*[lambda u=u: actions.do_confirm_update(p.office, u, today=TODAY) for u in copies])
        failures += sum(isinstance(o, ProgressUpdate) for o in outcomes) != 1
    print(f"\n[{backend()}] double confirm: {TRIES} tries, {failures} failures")
    assert failures == 0
