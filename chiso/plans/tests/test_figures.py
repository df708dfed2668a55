"""One source for figures: the SQL status (`status_case`) every count uses agrees with the Python rule
(`derive`) on a task of every combination, on several days; counts group in the database; drafts are never
active."""

import itertools
from collections import Counter
from datetime import date, timedelta

import pytest
from django.db.models import Q

from chiso.plans.figures import active_plans, active_tasks, count_statuses, status_case, tally, total_counts
from chiso.plans.models import Plan, Task, TaskState
from chiso.plans.status import STATUS_ORDER, Status, derive, status_q

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)
DAYS = [TODAY, TODAY - timedelta(days=3), TODAY + timedelta(days=10)]


def _generate(plan) -> dict[int, tuple]:
    """One task per combination of due date, confirmed report, completion date and updates, and one per due
    date without a TaskState; task id -> the arguments of derive() but the day."""
    dues = [None, TODAY - timedelta(days=10), TODAY - timedelta(days=1), TODAY, TODAY + timedelta(days=1),
            TODAY + timedelta(days=30)]
    reported = ["", "in_progress", "done", "failed"]
    done_ons = [None, TODAY - timedelta(days=20), TODAY - timedelta(days=5), TODAY - timedelta(days=1), TODAY,
                TODAY + timedelta(days=5)]
    args: dict[int, tuple] = {}
    n = 0
    for due, rep, done_on, updated in itertools.product(dues, reported, done_ons, (False, True)):
        n += 1
        task = Task.objects.create(plan=plan, title=f"Sinh {n}", due=due, order=n, index=["PAR_INDEX", "SIPAS"][n % 2])
        TaskState.objects.create(task=task, reported=rep, done_on=done_on, has_updates=updated)
        args[task.pk] = (rep, done_on, due, updated)
    for due in dues:
        n += 1
        task = Task.objects.create(plan=plan, title=f"Không báo cáo {n}", due=due, order=n, index="PAPI")
        args[task.pk] = ("", None, due, False)
    return args


@pytest.mark.parametrize("day", DAYS)
def test_the_sql_status_is_the_python_rule(world, day):
    plan = Plan.objects.create(agency=world.home, title="Sinh dữ liệu", year=2026, status=Plan.Status.IN_FORCE)
    args = _generate(plan)
    expected = {pk: derive(*a, day) for pk, a in args.items()}
    assert set(expected.values()) == set(STATUS_ORDER)
    tasks = Task.objects.filter(plan=plan)
    in_sql = dict(tasks.annotate(s=status_case(day)).values_list("pk", "s"))
    assert in_sql == expected
    # the filters of plans.status select the same tasks
    for status in STATUS_ORDER:
        assert set(tasks.filter(status_q(status, day)).values_list("pk", flat=True)) == \
            {pk for pk, s in expected.items() if s == status}, status
    # counted in one grouped query: the same numbers, in total and per index
    assert total_counts(tasks, day) == tally(Counter(expected.values()))
    per_index = count_statuses(tasks, day, by=("index",))
    index_of = dict(tasks.values_list("pk", "index"))
    for (index,), counted in per_index.items():
        assert counted == tally(Counter(s for pk, s in expected.items() if index_of[pk] == index))


def test_updated_replaces_has_updates(world):
    """A report counts only the updates made by its cut-off: `updated` narrows "has updates"."""
    plan = Plan.objects.create(agency=world.home, title="Cắt", year=2026, status=Plan.Status.IN_FORCE)
    a = Task.objects.create(plan=plan, title="A", due=TODAY + timedelta(days=9))
    b = Task.objects.create(plan=plan, title="B", due=TODAY + timedelta(days=9))
    for t in (a, b):
        TaskState.objects.create(task=t, has_updates=True)
    tasks = Task.objects.filter(plan=plan)
    assert total_counts(tasks, TODAY)[Status.IN_PROGRESS] == 2
    counted = total_counts(tasks, TODAY, updated=Q(pk=a.pk))
    assert (counted[Status.IN_PROGRESS], counted[Status.NOT_STARTED]) == (1, 1)


def test_a_tally_has_every_status_and_half_up_rates():
    c = tally({Status.DONE: 2, Status.NOT_STARTED: 30})
    assert c["total"] == 32 and c["completed"] == 2 and c["open"] == 30
    assert c["rate_done"] == 6.3  # 6,25 rounds half-up
    assert c["rate_on_time"] == 100.0 and c[Status.FAILED] == 0
    assert tally({})["rate_done"] is None


def test_drafts_are_never_active(world):
    draft = Plan.objects.create(agency=world.home, title="Dự thảo", year=2026)
    live = Plan.objects.create(agency=world.home, title="Đang làm", year=2026, status=Plan.Status.IN_FORCE)
    closed = Plan.objects.create(agency=world.home, title="Xong", year=2025, status=Plan.Status.CLOSED)
    for p in (draft, live, closed):
        Task.objects.create(plan=p, title=f"Việc của {p.title}")
    mine = Plan.objects.filter(pk__in=[draft.pk, live.pk, closed.pk])
    assert set(active_plans(mine)) == {live}
    assert set(active_plans(mine, closed=True)) == {live, closed}
    tasks = Task.objects.filter(plan__in=mine)
    assert {t.plan for t in active_tasks(tasks)} == {live}
    assert {t.plan for t in active_tasks(tasks, closed=True)} == {live, closed}


def test_a_task_is_counted_once_however_the_query_joins(world):
    """Counts skip DISTINCT when no join fans a task out; a filter or a grouping through the lead units does
    fan out, and each task still counts once (per unit when grouped by unit)."""
    day = date(2026, 12, 1)
    both = Task.objects.create(plan=world.plan, title="Việc hai phòng cùng chủ trì", order=50)
    both.lead_units.set([world.civil, world.laws])
    mine = Task.objects.filter(plan=world.plan)
    n = mine.count()
    assert total_counts(mine, day)["total"] == n
    assert total_counts(mine.filter(lead_units__in=[world.civil, world.laws]), day)["total"] == n
    per_unit = count_statuses(mine, day, by=("lead_units",))
    assert per_unit[(world.civil.pk,)]["total"] == 2 and per_unit[(world.laws.pk,)]["total"] == 2
    per_agency = count_statuses(mine, day, by=("plan__agency_id", "index", "field_name"))
    assert sum(c["total"] for c in per_agency.values()) == n
