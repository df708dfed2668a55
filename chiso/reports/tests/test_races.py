"""Check-then-act in report actions (issue 9): a page's stale copy never saves over a submitted report, and
two compilations or corrections at once make one draft (threads on the real database, 20 tries, counts
printed)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from chiso.periods.calendar import resolve
from chiso.reports import actions
from chiso.reports.models import AgencyReport, UnitReport
from chiso.tests.races import backend, race

TODAY = date(2026, 3, 20)
TRIES = 20


@pytest.mark.django_db
def test_a_stale_copy_does_not_save_over_a_submitted_report(world):
    period = resolve(world.home, "2026-Q1")
    draft = actions.do_draft_unit_report(world.people.staff, world.home, world.civil, period, TODAY)
    stale = UnitReport.objects.get(pk=draft.pk)
    actions.do_submit_unit_report(world.people.staff, draft, TODAY)
    with pytest.raises(ValidationError):
        actions.do_save_unit_report(world.people.staff, stale, {"results": "Ghi đè từ trang cũ"})
    with pytest.raises(ValidationError):
        actions.do_redraft_unit_report(world.people.staff, stale, TODAY, texts=True)
    stored = UnitReport.objects.get(pk=draft.pk)
    assert stored.submitted_at is not None and stored.results != "Ghi đè từ trang cũ"


@pytest.fixture
def tworld(transactional_db):
    from conftest import make_world

    return make_world()


@pytest.mark.django_db(transaction=True)
def test_two_compilations_at_once_make_one_draft(tworld):
    period = resolve(tworld.home, "2026-Q1")
    failures = 0
    for _n in range(TRIES):
        AgencyReport.objects.all().delete()
        outcomes = race(*[lambda: actions.do_compile_agency_report(tworld.people.office, tworld.home, period, TODAY)
                          for _ in range(2)])
        ok = all(isinstance(o, AgencyReport) for o in outcomes) and AgencyReport.objects.count() == 1
        failures += not ok
    print(f"\n[{backend()}] compile twice at once: {TRIES} tries, {failures} failures")
    assert failures == 0


@pytest.mark.django_db(transaction=True)
def test_two_corrections_at_once_make_one_new_version(tworld):
    period = resolve(tworld.home, "2026-Q1")
    failures = 0
    for _n in range(TRIES):
        UnitReport.objects.all().delete()
        draft = actions.do_draft_unit_report(tworld.people.staff, tworld.home, tworld.civil, period, TODAY)
        actions.do_submit_unit_report(tworld.people.staff, draft, TODAY)
        copies = [UnitReport.objects.get(pk=draft.pk) for _ in range(2)]
        outcomes = race(*[lambda c=c: actions.do_correct_unit_report(tworld.people.staff, c) for c in copies])
        ok = all(isinstance(o, UnitReport) for o in outcomes) and outcomes[0].pk == outcomes[1].pk \
            and UnitReport.objects.filter(unit=tworld.civil).count() == 2
        failures += not ok
    print(f"\n[{backend()}] correct twice at once: {TRIES} tries, {failures} failures")
    assert failures == 0
