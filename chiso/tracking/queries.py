"""Reads for the tracking pages: task rows with their status, counts, per-unit and per-agency tables.
A fixed number of queries whatever the number of tasks; the status rule is chiso.plans.status."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Case, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import ExtractMonth

from chiso.frameworks.models import IndexCode
from chiso.lib.numbers import percent
from chiso.org.models import Unit
from chiso.periods.calendar import today
from chiso.plans import status as rules
from chiso.plans.figures import active_tasks, count_statuses, tally
from chiso.plans.models import Plan
from chiso.plans.status import NEAR_DAYS, STATUS_LABELS, STATUS_ORDER, Status

# What the lists, dashboards and exports read of a task (the rest of its columns stays in the database).
ROW_FIELDS = ("id", "plan_id", "index", "field_name", "ref", "title", "due", "timeframe", "recurrence", "lead_text",
              "order", "tracking__progress", "tracking__reported", "tracking__done_on", "tracking__has_updates",
              "tracking__pending", "tracking__fail_reason")


def task_rows(tasks: QuerySet, now: date | None = None) -> list:
    """Tasks with .status, .status_label, .progress, .pending, .days_left, .plan and .leads (lead units).
    Three queries: the tasks with their state, their plans with agencies, their lead units; plans and
    units are shared objects, not one per row (the 500-task dashboard renders in well under 200 ms)."""
    from chiso.plans.models import Task

    now = now or today()
    rows = list(tasks.select_related("tracking").only(*ROW_FIELDS).order_by("plan_id", "order", "id"))
    if not rows:
        return rows
    plans = {p.pk: p for p in Plan.objects.filter(pk__in={t.plan_id for t in rows}).select_related("agency")
             .only("id", "number", "title", "year", "agency_id", "agency__name", "agency__code")}
    units: dict[int, Unit] = {}
    leads: dict[int, list] = defaultdict(list)
    for task_id, unit_id, name, short in Task.lead_units.through.objects.filter(
            task_id__in=tasks.values("pk")).values_list("task_id", "unit_id", "unit__name", "unit__short_name"
                                                         ).order_by("unit__name"):
        unit = units.get(unit_id)
        if unit is None:
            unit = units[unit_id] = Unit(pk=unit_id, name=name, short_name=short)
        leads[task_id].append(unit)
    for t in rows:
        t.plan = plans[t.plan_id]
        t.leads = leads.get(t.pk, [])
    return rules.with_status(rows, now)


def status_labels() -> dict[str, str]:
    """The status labels in the request's language as plain text: a lazy label is translated again each time
    a template prints it (a dashboard prints them ~170 times)."""
    return {s: str(label) for s, label in STATUS_LABELS.items()}


def urgency_key(task):
    """Overdue first (most late first), then open tasks by due date, tasks without a date, then closed."""
    if task.status == Status.OVERDUE:
        return (0, task.days_left or 0, task.pk)
    if task.status in rules.CLOSED_STATUSES:
        return (3, 0, task.pk)
    if task.days_left is None:
        return (2, 0, task.pk)
    return (1, task.days_left, task.pk)


def counts(rows) -> dict:
    """The tally of rows in hand (plans.figures.tally: the shape of every count)."""
    return tally(Counter(str(t.status) for t in rows))


def add(tallies) -> dict:
    """One tally of several (their statuses summed)."""
    total: Counter = Counter()
    for t in tallies:
        total.update({str(s): t[str(s)] for s in STATUS_ORDER})
    return tally(total)


@dataclass
class Line:
    label: str
    sub: str = ""
    counts: dict = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.counts.get("total", 0)

    def bars(self) -> list[tuple[str, str, int, float]]:
        """(status, label, count, percent of the line) for the inline bar."""
        total = self.total or 1
        return [(s, STATUS_LABELS[s], self.counts.get(s, 0), 100 * self.counts.get(s, 0) / total)
                for s in STATUS_ORDER if self.counts.get(s, 0)]


def field_counts(tasks: QuerySet, now: date) -> dict[tuple, dict]:
    """{(index, field): tally}: one grouped query (plans.figures.count_statuses)."""
    return count_statuses(tasks, now, by=("index", "field_name"))


def by_index_and_field(groups: dict[tuple, dict]) -> list[Line]:
    labels = dict(IndexCode.choices)
    merged: dict[tuple[str, str], list] = defaultdict(list)
    for (idx, fld), c in groups.items():
        merged[(idx or "", fld or "")].append(c)
    order = {c: i for i, c in enumerate(IndexCode.values)}
    items = sorted(merged.items(), key=lambda kv: (order.get(kv[0][0], 99), kv[0][1]))
    return [Line(str(labels.get(idx) or "Khác"), fld or "—", add(cs)) for (idx, fld), cs in items]


@dataclass
class UnitLine:
    unit: object
    tasks: int = 0
    done_on_time: int = 0
    done_late: int = 0
    overdue: int = 0
    failed: int = 0
    open: int = 0

    @property
    def decided(self) -> int:
        return self.done_on_time + self.done_late + self.overdue + self.failed

    @property
    def on_time_rate(self) -> float | None:
        """Done on time among the tasks whose outcome is known (done, late, overdue, failed)."""
        return percent(self.done_on_time, self.decided)


def unit_table(tasks: QuerySet, now: date) -> list[UnitLine]:
    """Per lead unit, for emulation (thi đua): best on-time rate first. Two queries (the counts grouped by
    lead unit, the units' names)."""
    per_unit = {key[0]: c for key, c in count_statuses(tasks, now, by=("lead_units",)).items() if key[0]}
    units = Unit.objects.filter(pk__in=list(per_unit)).only("id", "name", "short_name")
    lines = [UnitLine(u, tasks=c["total"], done_on_time=c[Status.DONE], done_late=c[Status.DONE_LATE],
                      overdue=c[Status.OVERDUE], failed=c[Status.FAILED], open=c["open"])
             for u in units for c in (per_unit[u.pk],)]
    return sorted(lines, key=lambda x: (-(x.on_time_rate if x.on_time_rate is not None else -1),
                                                 x.overdue, x.unit.name))


def overdue_tasks(tasks: QuerySet, now: date) -> QuerySet:
    """The overdue tasks, most late first (a filter: the page lists the first ones, the export all)."""
    return tasks.filter(rules.overdue_q(now)).order_by("due", "id")


def near_due_tasks(tasks: QuerySet, now: date, days: int = NEAR_DAYS) -> QuerySet:
    """Open tasks due within `days` (not yet overdue), the nearest first."""
    return tasks.filter(rules.open_q(today=now), due__gte=now, due__lte=now + timedelta(days=days)
                        ).order_by("due", "id")


def rows_of(tasks: QuerySet, now: date, limit: int | None = None, urgent: bool = True) -> list:
    """task_rows of a filter cut in SQL at `limit` (by the filter's order, as a subquery: no extra round
    trip), the most urgent first (`urgency_key`, which is the order of overdue_tasks, near_due_tasks and
    urgency_order), or in the plan's order."""
    from chiso.plans.models import Task

    chosen = tasks.values("pk")[:limit] if limit else tasks.values("pk")
    rows = task_rows(Task.objects.filter(pk__in=chosen), now)
    return sorted(rows, key=urgency_key) if urgent else rows


def late_and_near_rows(late: QuerySet, near: QuerySet, now: date, limit: int) -> tuple[list, list]:
    """rows_of(late, now, limit) and rows_of(near, now, limit) in one set of three queries (the dashboard's two
    lists), split by status: a task of `late` is overdue by the Python rule too (overdue_q and the rule agree:
    plans' agreement test), and a task of `near` is due today or later, so never overdue."""
    from chiso.plans.models import Task

    rows = task_rows(Task.objects.filter(Q(pk__in=late.values("pk")[:limit]) | Q(pk__in=near.values("pk")[:limit])),
                     now)
    rows.sort(key=urgency_key)
    return [t for t in rows if t.status == Status.OVERDUE], [t for t in rows if t.status != Status.OVERDUE]


def overdue(rows) -> list:
    return sorted((t for t in rows if t.status == Status.OVERDUE), key=lambda t: t.due)


def near_due(rows, days: int = NEAR_DAYS) -> list:
    return sorted((t for t in rows if t.status not in rules.CLOSED_STATUSES and t.status != Status.OVERDUE
                   and t.days_left is not None and 0 <= t.days_left <= days), key=lambda t: t.due)


def completion_by_month(tasks: QuerySet, year: int, now: date) -> list[tuple[str, int, int]]:
    """(month label, tasks completed that month, cumulative) from the confirmed completion dates: one
    grouped query over a date range the index can use."""
    done = tasks.filter(rules.status_q(Status.DONE, now) | rules.status_q(Status.DONE_LATE, now),
                        tracking__done_on__gte=date(year, 1, 1), tracking__done_on__lt=date(year + 1, 1, 1))
    per_month = dict(done.order_by().annotate(m=ExtractMonth("tracking__done_on")).values("m")
                     .annotate(n=Sum(Value(1))).values_list("m", "n"))
    out, running = [], 0
    for m in range(1, 13):
        running += per_month.get(m, 0)
        out.append((f"{m:02d}/{year}", per_month.get(m, 0), running))
    return out


def agency_tasks(agency, year: int | None = None) -> QuerySet:
    """The tasks of the agency's active plans (plans.figures.active_tasks: never a draft)."""
    from chiso.plans.models import Task

    qs = active_tasks(Task.objects.filter(plan__agency=agency))
    if year:
        qs = qs.filter(plan__year=year)
    return qs


def pending_total(tasks: QuerySet) -> int:
    return tasks.aggregate(n=Sum("tracking__pending"))["n"] or 0


def province_lines(agencies, now: date | None = None) -> list[dict]:
    """Every agency side by side: counts by status, on-time rate, pending reviews. Two grouped queries
    however many agencies and tasks."""
    from chiso.plans.models import Task

    now = now or today()
    tasks = active_tasks(Task.objects.filter(plan__agency__in=agencies))
    per = {key[0]: c for key, c in count_statuses(tasks, now, by=("plan__agency_id",)).items()}
    pending = dict(tasks.order_by().values("plan__agency_id").annotate(n=Sum("tracking__pending"))
                   .values_list("plan__agency_id", "n"))
    out = []
    for agency in agencies:
        c = per.get(agency.pk) or tally({})
        out.append({"agency": agency, "counts": c, "pending": pending.get(agency.pk) or 0,
                    "line": Line(agency.name, "", c), "rate": c["rate_on_time"]})
    return out


def urgency_order(now: date):
    """ORDER BY of `urgency_key` in SQL (for paging): overdue first (most late first), then open tasks by due
    date, tasks without a date, then closed ones."""
    open_then = rules.open_q(today=now)
    return [Case(When(open_then & Q(due__isnull=False, due__lt=now), then=Value(0)),
                 When(open_then & Q(due__isnull=False), then=Value(1)),
                 When(open_then, then=Value(2)), default=Value(3), output_field=IntegerField()),
            Case(When(open_then, then="due"), default=None), "id"]


def week_ahead(now: date) -> date:
    return now + timedelta(days=NEAR_DAYS)
