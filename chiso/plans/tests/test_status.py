"""The status rule: Python (`derive`) and SQL (`status_q`) side by side, proven to agree on generated tasks
of every status, and through the prefix a plan uses to count its tasks."""

import itertools
from datetime import date, timedelta

import pytest
from django.db.models import Count

from chiso.plans.models import Plan, Task, TaskState
from chiso.plans.status import STATUS_ORDER, Status, derive, overdue_q, status_of, status_q, with_status

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)


def test_it_derives_every_status():
    due = date(2026, 6, 30)
    assert derive("", None, due, False, date(2026, 3, 1)) == Status.NOT_STARTED
    assert derive("", None, due, True, date(2026, 3, 1)) == Status.IN_PROGRESS
    assert derive("", None, due, True, date(2026, 7, 1)) == Status.OVERDUE
    assert derive("done", date(2026, 6, 30), due, True, date(2026, 8, 1)) == Status.DONE
    assert derive("done", date(2026, 7, 2), due, True, date(2026, 8, 1)) == Status.DONE_LATE
    assert derive("failed", None, due, True, date(2026, 8, 1)) == Status.FAILED
    assert derive("", None, None, False, date(2030, 1, 1)) == Status.NOT_STARTED


def _generate(plan) -> dict[int, str]:
    """One task per combination of due date, confirmed report, completion date and updates (and one per due
    date without any TaskState); returns task id -> the status derive() gives it."""
    dues = [None, TODAY - timedelta(days=10), TODAY - timedelta(days=1), TODAY, TODAY + timedelta(days=1),
            TODAY + timedelta(days=30)]
    reported = ["", "in_progress", "done", "failed"]
    done_ons = [None, TODAY - timedelta(days=20), TODAY - timedelta(days=1), TODAY, TODAY + timedelta(days=5)]
    expected: dict[int, str] = {}
    n = 0
    for due, rep, done_on, updated in itertools.product(dues, reported, done_ons, (False, True)):
        n += 1
        task = Task.objects.create(plan=plan, title=f"Sinh {n}", due=due, order=n)
        TaskState.objects.create(task=task, reported=rep, done_on=done_on, has_updates=updated)
        expected[task.pk] = derive(rep, done_on, due, updated, TODAY)
    for due in dues:
        n += 1
        task = Task.objects.create(plan=plan, title=f"Không báo cáo {n}", due=due, order=n)
        expected[task.pk] = derive("", None, due, False, TODAY)
    return expected


def test_sql_and_python_agree_on_every_status(world):
    plan = Plan.objects.create(agency=world.home, title="Sinh dữ liệu", year=2026, status=Plan.Status.IN_FORCE)
    expected = _generate(plan)
    assert set(expected.values()) == set(STATUS_ORDER)  # every status is generated
    tasks = Task.objects.filter(plan=plan)
    for status in STATUS_ORDER:
        in_sql = set(tasks.filter(status_q(status, TODAY)).values_list("pk", flat=True))
        in_python = {pk for pk, s in expected.items() if s == status}
        assert in_sql == in_python, status
    # the statuses partition the tasks: each in exactly one
    assert sum(tasks.filter(status_q(s, TODAY)).count() for s in STATUS_ORDER) == len(expected)
    # the tasks as pages load them say the same
    rows = with_status(list(tasks.select_related("tracking")), TODAY)
    assert {t.pk: t.status for t in rows} == expected
    assert all(status_of(t, TODAY) == expected[t.pk] for t in rows)


def test_the_sql_rule_counts_from_the_plan_too(world):
    plan = Plan.objects.create(agency=world.home, title="Đếm", year=2026, status=Plan.Status.IN_FORCE)
    expected = _generate(plan)
    counted = Plan.objects.filter(pk=plan.pk).annotate(
        overdue=Count("tasks", filter=overdue_q(TODAY, "tasks__"), distinct=True),
        done=Count("tasks", filter=status_q(Status.DONE, TODAY, "tasks__"), distinct=True)).get()
    assert counted.overdue == sum(1 for s in expected.values() if s == Status.OVERDUE)
    assert counted.done == sum(1 for s in expected.values() if s == Status.DONE)
