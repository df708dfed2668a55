"""Reports pick the updates of a recurring task by their check-in period, not by the day they were sent:
a unit on time for tracking ("Quý I" is due 31/03) is never late for reporting (2026-Q1 closes its data 14/03)."""

from datetime import date

import pytest

from chiso.periods.calendar import resolve
from chiso.reports import queries
from chiso.tracking import actions
from chiso.tracking.models import Period
from chiso.tracking.tests.helpers import report

from .helpers import backdate

pytestmark = pytest.mark.django_db


@pytest.fixture
def quarterly(world):
    task = world.laws_task
    task.recurrence, task.due = "quarterly", date(2026, 12, 31)
    task.save()
    actions.ensure_periods(task)
    return task


def _send(world, task, label: str, sent_on: date, narrative: str):
    period = Period.objects.get(task=task, label=label)
    update = actions.do_post_update(world.people.laws_staff, task, report(30, narrative=narrative), period=period,
                                    today=sent_on)
    backdate(update, sent_on)
    return update


def _narrative(world, code: str, now: date) -> str:
    [row] = queries.unit_figures(world.home, world.laws, resolve(world.home, code), now)["tasks"]
    return row["narrative"]


def test_a_quarter_one_check_in_sent_after_the_cut_off_counts_in_quarter_one(world, quarterly):
    _send(world, quarterly, "Quý I/2026", date(2026, 3, 25), "Báo cáo quý I, gửi ngày 25/03")
    assert _narrative(world, "2026-Q1", date(2026, 3, 30)) == "Báo cáo quý I, gửi ngày 25/03"
    assert _narrative(world, "2026-H1", date(2026, 6, 30)) == "Báo cáo quý I, gửi ngày 25/03"  # H1 is cumulative
    assert _narrative(world, "2026-Q3", date(2026, 9, 30)) == ""


def test_a_check_in_of_the_next_quarter_does_not_count_early(world, quarterly):
    _send(world, quarterly, "Quý I/2026", date(2026, 3, 10), "Quý I")
    _send(world, quarterly, "Quý II/2026", date(2026, 3, 12), "Quý II, gửi sớm")  # sent inside Q1's window
    assert _narrative(world, "2026-Q1", date(2026, 3, 20)) == "Quý I"
    assert _narrative(world, "2026-H1", date(2026, 6, 20)) == "Quý II, gửi sớm"


def test_updates_of_once_tasks_still_count_on_the_day_they_were_sent(world):
    update = actions.do_post_update(world.people.staff, world.civil_task, report(20, narrative="Đợt 1"),
                                    today=date(2026, 3, 25))
    backdate(update, date(2026, 3, 25))
    assert queries.unit_figures(world.home, world.civil, resolve(world.home, "2026-Q1"),
                                date(2026, 3, 30))["tasks"][0]["narrative"] == ""
    assert queries.unit_figures(world.home, world.civil, resolve(world.home, "2026-H1"),
                                date(2026, 6, 30))["tasks"][0]["narrative"] == "Đợt 1"
