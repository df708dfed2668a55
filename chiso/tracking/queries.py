"""Reads for the tracking pages: task rows with their status, counts, per-unit and per-agency tables.
A fixed number of queries whatever the number of tasks; the status rule is chiso.plans.status."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import QuerySet

from chiso.frameworks.models import IndexCode
from chiso.org.models import Unit
from chiso.periods.calendar import today
from chiso.plans import status as rules
from chiso.plans.models import Plan
from chiso.plans.status import NEAR_DAYS, STATUS_LABELS, STATUS_ORDER, Status, loaded_state

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
    c = Counter(t.status for t in rows)
    return {"total": len(rows), **{s: c.get(s, 0) for s in STATUS_ORDER}}


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


def by_index_and_field(rows) -> list[Line]:
    labels = dict(IndexCode.choices)
    groups: dict[tuple[str, str], list] = defaultdict(list)
    for t in rows:
        groups[(t.index or "", t.field_name or "")].append(t)
    order = {c: i for i, c in enumerate(IndexCode.values)}
    items = sorted(groups.items(), key=lambda kv: (order.get(kv[0][0], 99), kv[0][1]))
    return [Line(str(labels.get(idx) or "Khác"), fld or "—", counts(ts)) for (idx, fld), ts in items]


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
        return round(100 * self.done_on_time / self.decided, 1) if self.decided else None


def unit_table(rows) -> list[UnitLine]:
    """Per lead unit, for emulation (thi đua): best on-time rate first."""
    lines: dict[int, UnitLine] = {}
    for t in rows:
        for unit in t.leads:
            line = lines.setdefault(unit.pk, UnitLine(unit))
            line.tasks += 1
            if t.status == Status.DONE:
                line.done_on_time += 1
            elif t.status == Status.DONE_LATE:
                line.done_late += 1
            elif t.status == Status.OVERDUE:
                line.overdue += 1
            elif t.status == Status.FAILED:
                line.failed += 1
            else:
                line.open += 1
    return sorted(lines.values(), key=lambda x: (-(x.on_time_rate if x.on_time_rate is not None else -1),
                                                 x.overdue, x.unit.name))


def overdue(rows) -> list:
    return sorted((t for t in rows if t.status == Status.OVERDUE), key=lambda t: t.due)


def near_due(rows, days: int = NEAR_DAYS) -> list:
    return sorted((t for t in rows if t.status not in rules.CLOSED_STATUSES and t.status != Status.OVERDUE
                   and t.days_left is not None and 0 <= t.days_left <= days), key=lambda t: t.due)


def completion_by_month(rows, year: int) -> list[tuple[str, int, int]]:
    """(month label, tasks completed that month, cumulative) from the confirmed completion dates."""
    per_month = Counter()
    for t in rows:
        state = loaded_state(t)
        if t.status in (Status.DONE, Status.DONE_LATE) and state and state.done_on and state.done_on.year == year:
            per_month[state.done_on.month] += 1
    out, running = [], 0
    for m in range(1, 13):
        running += per_month.get(m, 0)
        out.append((f"{m:02d}/{year}", per_month.get(m, 0), running))
    return out


def agency_tasks(agency, year: int | None = None) -> QuerySet:
    from chiso.plans.models import Task

    qs = Task.objects.filter(plan__agency=agency, plan__status=Plan.Status.IN_FORCE)
    if year:
        qs = qs.filter(plan__year=year)
    return qs


def province_lines(agencies, now: date | None = None) -> list[dict]:
    """Every agency side by side: counts by status, on-time rate, pending reviews."""
    from chiso.plans.models import Task

    rows = task_rows(Task.objects.filter(plan__agency__in=agencies, plan__status=Plan.Status.IN_FORCE), now)
    per: dict[int, list] = defaultdict(list)
    for t in rows:
        per[t.plan.agency_id].append(t)
    out = []
    for agency in agencies:
        ts = per.get(agency.pk, [])
        c = counts(ts)
        decided = c[Status.DONE] + c[Status.DONE_LATE] + c[Status.OVERDUE] + c[Status.FAILED]
        out.append({"agency": agency, "counts": c, "pending": sum(t.pending for t in ts),
                    "line": Line(agency.name, "", c),
                    "rate": round(100 * c[Status.DONE] / decided, 1) if decided else None})
    return out


def week_ahead(now: date) -> date:
    return now + timedelta(days=NEAR_DAYS)
