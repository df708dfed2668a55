"""The period rule: a check-in period counts in the reporting period of the same last month, at the
reporting cut-off of that month; `period_of` answers for any day. See docs/architecture.md."""

from datetime import date

import pytest

from chiso.periods.calendar import cutoff_day_for, period_of, resolve
from chiso.periods.checkins import checkins
from chiso.periods.codes import PeriodError, counting_day
from chiso.periods.models import ReportingRule

pytestmark = pytest.mark.django_db


def test_a_check_in_counts_at_the_cut_off_of_its_last_month():
    quarter_one_end = date(2026, 3, 31)
    assert counting_day(date(2026, 3, 25), quarter_one_end, recurring=True, cutoff_day=14) == date(2026, 3, 14)
    assert counting_day(date(2026, 4, 2), quarter_one_end, recurring=True, cutoff_day=11) == date(2026, 3, 11)
    # once and on-event tasks (and ad hoc periods, which have no cut-off day) count on the day they were made
    assert counting_day(date(2026, 3, 25), quarter_one_end, recurring=False) == date(2026, 3, 25)
    assert counting_day(date(2026, 3, 25), quarter_one_end, recurring=True, cutoff_day=None) == date(2026, 3, 25)


@pytest.mark.parametrize("day,cycle,code", [
    (date(2026, 3, 10), "quarter", "2026-Q1"), (date(2026, 3, 14), "quarter", "2026-Q1"),
    (date(2026, 3, 20), "quarter", "2026-H1"), (date(2026, 6, 20), "quarter", "2026-Q3"),
    (date(2026, 9, 20), "quarter", "2026-Y"), (date(2026, 12, 20), "quarter", "2027-Q1"),
    (date(2026, 3, 20), "month", "2026-04"), (date(2026, 1, 1), "month", "2026-01"),
    (date(2026, 6, 20), "half", "2026-Y"), (date(2026, 6, 1), "half", "2026-H1"),
    (date(2026, 12, 20), "year", "2027-Y"), (date(2026, 12, 14), "year", "2026-Y"),
])
def test_which_period_a_day_belongs_to(world, day, cycle, code):
    assert period_of(world.home, day, cycle).code == code


def test_an_agencys_own_calendar_decides_for_its_days(world):
    ReportingRule.objects.create(agency=world.home, kind="q1", start_months_before=3, start_day=12, end_day=11,
                                 unit_day=12, office_day=14, agency_day=18, province_day=20)
    assert period_of(world.home, date(2026, 3, 12), "quarter").code == "2026-H1"
    assert period_of(world.other, date(2026, 3, 12), "quarter").code == "2026-Q1"
    with pytest.raises(PeriodError):
        period_of(world.home, date(2026, 3, 12), "week")


@pytest.mark.parametrize("recurrence,cycle,codes", [
    ("quarterly", "quarter", ["2026-Q1", "2026-H1", "2026-Q3", "2026-Y"]),
    ("continuous", "quarter", ["2026-Q1", "2026-H1", "2026-Q3", "2026-Y"]),
    ("semiannual", "half", ["2026-H1", "2026-Y"]),
    ("annual", "year", ["2026-Y"]),
    ("monthly", "month", [f"2026-{m:02d}" for m in range(1, 13)]),
])
@pytest.mark.parametrize("own_rule", [False, True])
def test_every_check_in_lands_in_the_reporting_period_of_the_same_name(world, recurrence, cycle, codes, own_rule):
    if own_rule:  # the demo's Sở Tư pháp closes its data on the 11th
        for kind, before in (("q1", 3), ("h1", 6), ("q3", 3), ("year", 12), ("month", 1)):
            ReportingRule.objects.create(agency=world.home, kind=kind, start_months_before=before, start_day=12,
                                         end_day=11, unit_day=12, office_day=14, agency_day=18, province_day=20)
    got = []
    for c in checkins(recurrence, date(2026, 12, 31), 2026):
        # an update sent late, after the quarter ended, still counts in the period of its check-in
        day = counting_day(c.end.replace(day=28), c.end, recurring=True, cutoff_day=cutoff_day_for(world.home, c.end))
        period = period_of(world.home, day, cycle)
        got.append(period.code)
        assert resolve(world.home, period.code).contains(day)
    assert got == codes
