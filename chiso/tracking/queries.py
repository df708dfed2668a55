"""Reads for the tracking pages: task rows with their status, counts, per-unit and per-agency tables.
A fixed number of queries whatever the number of tasks; the status rule is chiso.plans.status."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Case, IntegerField, Max, Q, QuerySet, Sum, Value, When
from django.db.models.functions import ExtractMonth

from chiso.frameworks.models import IndexCode
from chiso.lib.numbers import percent
from chiso.org.models import Unit
from chiso.periods.calendar import today
from chiso.plans import status as rules
from chiso.plans import task_list
from chiso.plans.figures import active_tasks, count_statuses, status_rows, tally, tally_rows
from chiso.plans.models import Plan, Task
from chiso.plans.permissions import plans_readable, statement_args, tasks_readable
from chiso.plans.status import NEAR_DAYS, STATUS_LABELS, STATUS_ORDER, Status
from chiso.statements import Statement, padded

from .models import ProgressUpdate

# What the lists, dashboards and exports read of a task (the rest of its columns stays in the database).
ROW_FIELDS = ("id", "plan_id", "index", "field_name", "ref", "title", "due", "timeframe", "recurrence", "lead_text",
              "order", "tracking__progress", "tracking__reported", "tracking__done_on", "tracking__has_updates",
              "tracking__pending", "tracking__fail_reason")


PLAN_FIELDS = ("id", "number", "title", "year", "agency_id", "agency__name", "agency__code")
LEAD_FIELDS = ("task_id", "unit_id", "unit__name", "unit__short_name")  # a row's lead units, by name


def task_rows(tasks: QuerySet, now: date | None = None) -> list:
    """Tasks with .status, .status_label, .progress, .pending, .days_left, .plan and .leads (lead units).
    Three queries: the tasks with their state, their plans with agencies, their lead units; plans and
    units are shared objects, not one per row (the 500-task dashboard renders in well under 200 ms)."""
    now = now or today()
    rows = list(tasks.select_related("tracking").only(*ROW_FIELDS).order_by("plan_id", "order", "id"))
    if not rows:
        return rows
    plans = Plan.objects.filter(pk__in={t.plan_id for t in rows}).select_related("agency").only(*PLAN_FIELDS)
    leads = Task.lead_units.through.objects.filter(task_id__in=tasks.values("pk")).values_list(
        *LEAD_FIELDS).order_by("unit__name")
    return _joined(rows, plans, leads, now)


def _joined(rows: list, plans, leads, now: date) -> list:
    plan_of = {p.pk: p for p in plans}
    units: dict[int, Unit] = {}
    lead_units: dict[int, list] = defaultdict(list)
    for task_id, unit_id, name, short in leads:
        unit = units.get(unit_id)
        if unit is None:
            unit = units[unit_id] = Unit(pk=unit_id, name=name, short_name=short)
        lead_units[task_id].append(unit)
    for t in rows:
        t.plan = plan_of[t.plan_id]
        t.leads = lead_units.get(t.pk, [])
    return rules.with_status(rows, now)


# --- a page's reads held as Statements ---------------------------------------------------------------
# The pages read the most (dashboards, "Việc của tôi", the home page) run the same few queries on every
# request; building and compiling them cost several times what SQLite takes to run them. Each is written
# once as a queryset below and held compiled (chiso.statements); a list of ids is `padded` so that a page of
# any length reuses one of a few compiled forms.

_ROWS = Statement("tracking.rows", lambda ids: Task.objects.filter(pk__in=ids).select_related("tracking")
                  .only(*ROW_FIELDS).order_by("plan_id", "order", "id"))
_ROW_PLANS = Statement("tracking.row_plans", lambda ids: Plan.objects.filter(pk__in=ids).select_related("agency")
                       .only(*PLAN_FIELDS))
_ROW_LEADS = Statement("tracking.row_leads", lambda ids: Task.lead_units.through.objects.filter(task_id__in=ids)
                       .values_list(*LEAD_FIELDS).order_by("unit__name"))


def rows_by_ids(ids, now: date) -> list:
    """task_rows of the tasks with these ids (a page's worth), from held statements: three queries."""
    ids = padded(ids)
    if not ids:
        return []
    rows = _ROWS.objects(ids=ids)
    if not rows:
        return rows
    return _joined(rows, _ROW_PLANS.objects(ids=padded(t.plan_id for t in rows)), _ROW_LEADS.rows(ids=ids), now)


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


def _scope(agency_id: int, year: int | None) -> dict:
    """The parameters of an agency's dashboard statements (every year, or one)."""
    return {"agency_id": agency_id, "year": year} if year else {"agency_id": agency_id}


def agency_tasks(agency, year: int | None = None) -> QuerySet:
    """The tasks of the agency's (or agency id's) active plans (plans.figures.active_tasks: never a draft)."""
    qs = active_tasks(Task.objects.filter(plan__agency_id=getattr(agency, "pk", agency)))
    if year:
        qs = qs.filter(plan__year=year)
    return qs


_FIELD_COUNTS = Statement("tracking.field_counts", lambda agency_id, now, year=None: status_rows(
    agency_tasks(agency_id, year), now, by=("index", "field_name")))


def field_counts(agency_id: int, year: int | None, now: date) -> dict[tuple, dict]:
    """{(index, field): tally} of the agency's tasks: one grouped query (plans.figures.count_statuses)."""
    return tally_rows(_FIELD_COUNTS.rows(now=now, **_scope(agency_id, year)))


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


_UNIT_COUNTS = Statement("tracking.unit_counts", lambda agency_id, now, year=None: status_rows(
    agency_tasks(agency_id, year), now, by=("lead_units",)))
_UNITS = Statement("tracking.units", lambda ids: Unit.objects.filter(pk__in=ids).only("id", "name", "short_name"))


def unit_table(agency_id: int, year: int | None, now: date) -> list[UnitLine]:
    """Per lead unit of the agency's tasks, for emulation (thi đua): best on-time rate first. Two queries (the
    counts grouped by lead unit, the units' names)."""
    per_unit = {key[0]: c for key, c in tally_rows(_UNIT_COUNTS.rows(now=now, **_scope(agency_id, year))).items()
                if key[0]}
    units = _UNITS.objects(ids=padded(per_unit)) if per_unit else []
    lines = [UnitLine(u, tasks=c["total"], done_on_time=c[Status.DONE], done_late=c[Status.DONE_LATE],
                      overdue=c[Status.OVERDUE], failed=c[Status.FAILED], open=c["open"])
             for u in units for c in (per_unit[u.pk],)]
    return sorted(lines, key=lambda x: (-(x.on_time_rate if x.on_time_rate is not None else -1),
                                                 x.overdue, x.unit.name))


def overdue_tasks(tasks: QuerySet, now: date) -> QuerySet:
    """The overdue tasks, most late first (a filter: the page lists the first ones, the export all)."""
    return tasks.filter(rules.overdue_q(now)).order_by("due", "id")


def near_due_tasks(tasks: QuerySet, now: date, until: date | None = None) -> QuerySet:
    """Open tasks due from `now` to `until` (a week ahead: NEAR_DAYS) — not yet overdue — the nearest first."""
    return tasks.filter(rules.open_q(today=now), due__gte=now, due__lte=until or week_ahead(now)).order_by("due", "id")


def rows_of(tasks: QuerySet, now: date, limit: int | None = None, urgent: bool = True) -> list:
    """task_rows of a filter cut in SQL at `limit` (by the filter's order, as a subquery: no extra round
    trip), the most urgent first (`urgency_key`, which is the order of overdue_tasks, near_due_tasks and
    urgency_order), or in the plan's order."""
    chosen = tasks.values("pk")[:limit] if limit else tasks.values("pk")
    rows = task_rows(Task.objects.filter(pk__in=chosen), now)
    return sorted(rows, key=urgency_key) if urgent else rows


_LATE_IDS = Statement("tracking.late_ids", lambda limit, agency_id, now, year=None: overdue_tasks(
    agency_tasks(agency_id, year), now).values_list("pk")[:limit])
_NEAR_IDS = Statement("tracking.near_ids", lambda agency_id, now, until, year=None: near_due_tasks(
    agency_tasks(agency_id, year), now, until).values_list("pk"))


def late_and_near(agency_id: int, year: int | None, now: date, limit: int) -> tuple[list, list, int]:
    """The dashboard's two lists: the first `limit` overdue tasks (most late first) and near-due tasks
    (nearest first) as task rows, and how many tasks are near due. The overdue ones are overdue by the Python
    rule too (overdue_q and the rule agree: plans' agreement test); a near-due one is due today or later."""
    scope = _scope(agency_id, year)
    late = [r[0] for r in _LATE_IDS.rows({"limit": limit}, now=now, **scope)]
    near = [r[0] for r in _NEAR_IDS.rows(now=now, until=week_ahead(now), **scope)]  # ids only: a week's worth
    rows = sorted(rows_by_ids(late + near[:limit], now), key=urgency_key)
    return ([t for t in rows if t.status == Status.OVERDUE], [t for t in rows if t.status != Status.OVERDUE],
            len(near))


def overdue(rows) -> list:
    return sorted((t for t in rows if t.status == Status.OVERDUE), key=lambda t: t.due)


def near_due(rows, days: int = NEAR_DAYS) -> list:
    return sorted((t for t in rows if t.status not in rules.CLOSED_STATUSES and t.status != Status.OVERDUE
                   and t.days_left is not None and 0 <= t.days_left <= days), key=lambda t: t.due)


def _completed(agency_id, now, start, end, year=None) -> QuerySet:
    done = agency_tasks(agency_id, year).filter(
        rules.status_q(Status.DONE, now) | rules.status_q(Status.DONE_LATE, now),
        tracking__done_on__gte=start, tracking__done_on__lt=end)
    return (done.order_by().annotate(m=ExtractMonth("tracking__done_on")).values("m").annotate(n=Sum(Value(1)))
            .values_list("m", "n"))


_COMPLETED = Statement("tracking.completed", _completed)


def completion_by_month(agency_id: int, year: int | None, plan_year: int, now: date) -> list[tuple[str, int, int]]:
    """(month label, tasks completed that month, cumulative) in `plan_year` from the confirmed completion dates:
    one grouped query over a date range the index can use."""
    per_month = dict(_COMPLETED.rows(now=now, start=date(plan_year, 1, 1), end=date(plan_year + 1, 1, 1),
                                     **_scope(agency_id, year)))
    out, running = [], 0
    for m in range(1, 13):
        running += per_month.get(m, 0)
        out.append((f"{m:02d}/{plan_year}", per_month.get(m, 0), running))
    return out


_TOTALS = Statement("tracking.totals", lambda agency_id, year=None: agency_tasks(agency_id, year).order_by()
                    .values("plan__agency_id").annotate(pending=Sum("tracking__pending"), latest=Max("plan__year"))
                    .values_list("pending", "latest"))


def totals(agency_id: int, year: int | None) -> tuple[int, int | None]:
    """(updates waiting for review, the latest plan year) of the agency's tasks."""
    found = _TOTALS.rows(**_scope(agency_id, year))
    return (found[0][0] or 0, found[0][1]) if found else (0, None)


_WAITING = Statement("tracking.waiting", lambda limit, agency_id: ProgressUpdate.objects.filter(
    task__plan__agency_id=agency_id, review=ProgressUpdate.Review.SUBMITTED).select_related(
    "task", "author", "unit").order_by("created_at")[:limit])


def waiting_updates(agency_id: int, limit: int) -> list:
    """The agency's updates waiting for review, oldest first."""
    return _WAITING.objects({"limit": limit}, agency_id=agency_id)


def province_lines(agencies, now: date | None = None) -> list[dict]:
    """Every agency side by side: counts by status, on-time rate, pending reviews. Two grouped queries
    however many agencies and tasks."""
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


# --- "Việc của tôi": the tasks a unit leads or supports --------------------------------------------------

def unit_tasks(unit_id: int, is_admin: bool, read_ids: list[int], provinces: list[int]) -> QuerySet:
    """Tasks of active plans the unit leads or supports, among those the person may read (their
    `accounts.access.readable_args`)."""
    led = Task.lead_units.through.objects.filter(unit_id=unit_id).values("task_id")
    supported = Task.support_units.through.objects.filter(unit_id=unit_id).values("task_id")
    return active_tasks(tasks_readable(is_admin, read_ids, provinces)).filter(Q(pk__in=led) | Q(pk__in=supported))


def _unit_counts(is_admin, unit_id, read_ids, provinces, now):
    return status_rows(unit_tasks(unit_id, is_admin, read_ids, provinces), now)


def _unit_page(is_admin, bottom, top, unit_id, read_ids, provinces, now):
    return unit_tasks(unit_id, is_admin, read_ids, provinces).order_by(*urgency_order(now)).values_list("pk")[
        bottom:top]


_MINE_COUNTS = Statement("tracking.mine_counts", _unit_counts)
_MINE_PAGE = Statement("tracking.mine_page", _unit_page)
_MINE_UNITS = Statement("tracking.mine_units", lambda is_admin, unit_id, read_ids, provinces: task_list.choice_units(
    unit_tasks(unit_id, is_admin, read_ids, provinces)))
_MINE_PAIRS = Statement("tracking.mine_pairs", lambda is_admin, unit_id, read_ids, provinces: task_list.choice_pairs(
    unit_tasks(unit_id, is_admin, read_ids, provinces)))
_LED = Statement("tracking.led", lambda unit_id, ids: Task.lead_units.through.objects.filter(
    unit_id=unit_id, task_id__in=ids).values_list("task_id"))


class UnitTasks:
    """One person's "Việc của tôi" read through held statements: counts, filter choices, a page of ids."""

    def __init__(self, unit_id: int, readable: dict, now: date):
        self.shape, who = statement_args(readable)
        self.params = {"unit_id": unit_id, **who}
        self.now = now

    def counts(self) -> dict:
        return tally_rows(_MINE_COUNTS.rows(self.shape, now=self.now, **self.params), whole=True)[()]

    def choices(self) -> dict:
        return task_list.choices_from(_MINE_UNITS.rows(self.shape, **self.params),
                                      _MINE_PAIRS.rows(self.shape, **self.params))

    def page_ids(self, bottom: int, top: int) -> list[int]:
        """Ids of the rows bottom..top in the order of urgency (urgency_order)."""
        return [r[0] for r in _MINE_PAGE.rows({**self.shape, "bottom": bottom, "top": top}, now=self.now,
                                              **self.params)]

    def led(self, ids) -> set[int]:
        """Which of these tasks the unit leads (the others it supports)."""
        ids = padded(ids)
        return {r[0] for r in _LED.rows(unit_id=self.params["unit_id"], ids=ids)} if ids else set()


# --- the home page ------------------------------------------------------------------------------------

def _home_led(is_admin, unit_id, read_ids, provinces) -> QuerySet:
    """Tasks of active plans the unit leads, among the plans the person may read."""
    return active_tasks(Task.objects.filter(lead_units=unit_id, plan__in=plans_readable(is_admin, read_ids,
                                                                                           provinces)))


def _upcoming(is_admin, read_ids, provinces, now, until) -> QuerySet:
    """Open tasks past due or due by `until`, of the plans the person may read."""
    return active_tasks(Task.objects.filter(plan__in=plans_readable(is_admin, read_ids, provinces),
                                            due__isnull=False, due__lte=until)).filter(rules.open_q(today=now))


_HOME_LED_IDS = Statement("tracking.home_led_ids", lambda is_admin, limit, now, **who: _home_led(
    is_admin, **who).order_by(*urgency_order(now)).values_list("id")[:limit])
_HOME_LED_COUNTS = Statement("tracking.home_led_counts", lambda is_admin, now, **who: status_rows(
    _home_led(is_admin, **who), now))
# All of these are open, so the earliest due date is the most urgent: cut in SQL, not in Python.
_UPCOMING_IDS = Statement("tracking.upcoming_ids", lambda is_admin, limit, now, until, **who: _upcoming(
    is_admin, now=now, until=until, **who).order_by("due", "id").values_list("id")[:limit])


def home_unit_tasks(unit_id: int, readable: dict, now: date, limit: int) -> tuple[list, dict]:
    """The home page of a unit's people: the `limit` most urgent tasks the unit leads, and the tally of all."""
    shape, who = statement_args(readable)
    who["unit_id"] = unit_id
    ids = [r[0] for r in _HOME_LED_IDS.rows({**shape, "limit": limit}, now=now, **who)]
    counted = tally_rows(_HOME_LED_COUNTS.rows(shape, now=now, **who), whole=True)[()]
    return sorted(rows_by_ids(ids, now), key=urgency_key), counted


def home_upcoming(readable: dict, now: date, limit: int) -> list:
    """The `limit` most urgent open tasks past due or due within a week, of the plans the person may read."""
    shape, who = statement_args(readable, limit=limit)
    ids = [r[0] for r in _UPCOMING_IDS.rows(shape, now=now, until=week_ahead(now), **who)]
    return sorted(rows_by_ids(ids, now), key=urgency_key)
