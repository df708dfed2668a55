"""Reads for plan pages: a fixed number of queries however many tasks a plan has."""

from dataclasses import dataclass, field
from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet
from django.utils.translation import gettext

from chiso.frameworks.models import IndexCode
from chiso.lib.numbers import id_or_none
from chiso.lib.text import fold, squash
from chiso.org.models import Unit
from chiso.periods.calendar import today as calendar_today
from chiso.statements import Statement, padded

from .figures import active_q
from .models import Plan, PlanReference, PlanTarget, ReportingObligation, Task
from .permissions import access_of, agencies_readable, plans_readable, readable_args, statement_args
from .status import overdue_q

# Each order ends on a unique key: the pages of a list neither repeat nor skip a plan between ties.
SORTS = {
    "year": ("-year", "agency__name", "id"),
    "agency": ("agency__name", "-year", "id"),
    "title": ("title", "id"),
    "issued": ("-issued_on", "-id"),
    "tasks": ("-task_count", "-year", "id"),
}
def today() -> date:
    return calendar_today()


def filter_plans(user, params) -> QuerySet:
    """The plan list for `user`, filtered by agency, year, index, status and folded search text."""
    return plans_filtered(readable_args(access_of(user)), params)


def plans_filtered(readable: dict, params) -> QuerySet:
    """`filter_plans` from a person's `accounts.access.readable_args`."""
    qs = _annotated(plans_readable(readable["is_admin"], readable["read_ids"], readable["provinces"]), today())
    if agency := params.get("agency"):
        qs = qs.filter(agency__code=agency)
    if (year := id_or_none(str(params.get("year") or ""))) is not None:
        qs = qs.filter(year=year)
    if status := params.get("status"):
        qs = qs.filter(status=status)
    if index := params.get("index"):
        # JSON containment is not portable to SQLite; indices are few, so match the stored text.
        qs = qs.filter(indices__icontains=f'"{index}"')
    if q := squash(params.get("q")):
        for word in fold(q).split():
            qs = qs.filter(search_text__contains=word)
    return qs.order_by(*SORTS.get(params.get("sort") or "", SORTS["year"]))


def _annotated(plans: QuerySet, now: date) -> QuerySet:
    return plans.select_related("agency").annotate(
        task_count=Count("tasks", distinct=True),
        # a draft's tasks are not at work yet: never counted overdue (plans.figures.active_q)
        overdue_count=Count("tasks", filter=active_q() & overdue_q(now, "tasks__"), distinct=True),
    )


def _plan_ids(is_admin, sort, read_ids, provinces, agency=None, year=None, status=None) -> QuerySet:
    """The ids of `filter_plans` without its text filters, in its order (tasks counted only to sort by them)."""
    qs = plans_readable(is_admin, read_ids, provinces)
    if sort == "tasks":
        qs = qs.annotate(task_count=Count("tasks", distinct=True))
    for name, value in (("agency__code", agency), ("year", year), ("status", status)):
        if value is not None:
            qs = qs.filter(**{name: value})
    return qs.order_by(*SORTS[sort]).values_list("pk")


_PLAN_IDS = Statement("plans.list_ids", _plan_ids)
_PLAN_ROWS = Statement("plans.list_rows", lambda ids, now: _annotated(Plan.objects.filter(pk__in=ids), now))
_YEARS = Statement("plans.years", lambda is_admin, read_ids, provinces: plans_readable(is_admin, read_ids, provinces)
                   .order_by("-year").values_list("year").distinct())


def plan_list_page(readable: dict, params, size: int) -> tuple[Page, list[int]]:
    """A page of `filter_plans` and the years the person's plans cover. Without a text filter (search, index)
    the reads are held statements: the page's ids in the list's order, then those plans with their counts."""
    shape, who = statement_args(readable)
    years = [r[0] for r in _YEARS.rows(shape, **who)]
    sort = params.get("sort") or ""
    sort = sort if sort in SORTS else "year"
    now = today()
    if squash(params.get("q")) or params.get("index"):
        return Paginator(plans_filtered(readable, params), size).get_page(params.get("page")), years
    values = {"agency": params.get("agency") or None, "year": id_or_none(str(params.get("year") or "")),
              "status": params.get("status") or None}
    shape, who = statement_args(readable, sort=sort)
    ids = [r[0] for r in _PLAN_IDS.rows(shape, **who, **{k: v for k, v in values.items() if v is not None})]
    page = Paginator(ids, size).get_page(params.get("page"))
    at = {pk: i for i, pk in enumerate(page.object_list)}
    page.object_list = sorted(_PLAN_ROWS.objects(ids=padded(at), now=now), key=lambda p: at[p.pk]) if at else []
    return page, years


@dataclass
class FieldGroup:
    name: str
    tasks: list = field(default_factory=list)


@dataclass
class IndexGroup:
    code: str
    label: str
    fields: list[FieldGroup] = field(default_factory=list)

    @property
    def task_count(self) -> int:
        return sum(len(f.tasks) for f in self.fields)


_PLAN = Statement("plans.plan", lambda pk: Plan.objects.filter(pk=pk).select_related("agency", "parent"))
_PLAN_TASKS = Statement("plans.plan_tasks", lambda plan_id: Task.objects.filter(plan_id=plan_id)
                        .select_related("node", "tracking").order_by("order", "id"))
_LINK_COLUMNS = ("task_id", "unit_id", "unit__name", "unit__short_name", "unit__agency_id")
_LINK_ORDER = ("unit__agency_id", "unit__name", "unit_id")
_PLAN_LINKS = {attr: Statement(f"plans.plan_{attr}", lambda plan_id, through=through: through.objects.filter(
    task__plan_id=plan_id).order_by(*_LINK_ORDER).values_list(*_LINK_COLUMNS))
    for attr, through in (("leads", Task.lead_units.through), ("supports", Task.support_units.through))}
_PLAN_PARTS = {name: Statement(f"plans.plan_{name}", lambda plan_id, model=model: model.objects.filter(
    plan_id=plan_id)) for name, model in (("targets", PlanTarget), ("references", PlanReference),
                                          ("reporting", ReportingObligation))}


def plan_or_none(pk: int) -> Plan | None:
    """The plan with its agency and parent (a held statement: every plan page reads it)."""
    found = _PLAN.objects(pk=pk)
    return found[0] if found else None


def plan_tasks(plan: Plan) -> list[Task]:
    """The plan's tasks in order, with their lead and support units as lists (`leads`, `supports`): three held
    statements."""
    return _attach(_PLAN_TASKS.objects(plan_id=plan.pk),
                   {attr: statement.rows(plan_id=plan.pk) for attr, statement in _PLAN_LINKS.items()})


def plan_parts(plan: Plan) -> dict[str, list]:
    """The plan's targets, references and reporting obligations, in their usual order."""
    return {name: statement.objects(plan_id=plan.pk) for name, statement in _PLAN_PARTS.items()}


def _attach(tasks: list[Task], links: dict) -> list[Task]:
    """Set `leads` and `supports` (units in their usual order) on each task from the link tables' rows, where
    prefetch_related built a manager and a filtered queryset for every task (a tenth of a plan page's CPU).
    Each unit is one shared object however many tasks name it."""
    units: dict[int, Unit] = {}
    found: dict[str, dict[int, list]] = {}
    for attr, link_rows in links.items():
        rows = found[attr] = {}
        for task_id, unit_id, name, short, agency_id in link_rows:
            unit = units.get(unit_id)
            if unit is None:
                unit = units[unit_id] = Unit(pk=unit_id, name=name, short_name=short, agency_id=agency_id)
            rows.setdefault(task_id, []).append(unit)
    for task in tasks:
        task.leads = found["leads"].get(task.pk, [])
        task.supports = found["supports"].get(task.pk, [])
    return tasks


def group_tasks(tasks: list[Task]) -> list[IndexGroup]:
    """Tasks grouped by index, then by field as printed, in the plan's order."""
    labels = dict(IndexCode.choices)
    groups: dict[str, IndexGroup] = {}
    for task in tasks:
        code = task.index or ""
        group = groups.setdefault(code, IndexGroup(code, labels.get(code, "") or gettext("Khác")))
        name = task.field_name or (task.node.name if task.node else "")
        if not group.fields or group.fields[-1].name != name:
            existing = next((f for f in group.fields if f.name == name), None)
            if existing is None:
                existing = FieldGroup(name)
                group.fields.append(existing)
            existing.tasks.append(task)
        else:
            group.fields[-1].tasks.append(task)
    order = {c: i for i, c in enumerate(IndexCode.values)}
    return sorted(groups.values(), key=lambda g: order.get(g.code, 99))


def unit_summary(tasks: list[Task]) -> list[dict]:
    """Each unit named in the plan with how many tasks it leads and supports."""
    rows: dict[int, dict] = {}
    for task in tasks:
        for unit in task.linked_units("lead_units"):
            rows.setdefault(unit.pk, {"unit": unit, "lead": 0, "support": 0})["lead"] += 1
        for unit in task.linked_units("support_units"):
            rows.setdefault(unit.pk, {"unit": unit, "lead": 0, "support": 0})["support"] += 1
    return sorted(rows.values(), key=lambda r: (-r["lead"], r["unit"].name))


_RECENT = Statement("plans.recent", lambda is_admin, limit, read_ids, provinces: plans_readable(
    is_admin, read_ids, provinces).select_related("agency").order_by("-updated_at")[:limit])


def recent_plans(readable: dict, limit: int) -> list[Plan]:
    """The plans the person may read (their `accounts.access.readable_args`), the latest changed first."""
    shape, who = statement_args(readable, limit=limit)
    return _RECENT.objects(shape, **who)


_AGENCIES = Statement("plans.agencies", lambda is_admin, read_ids, provinces: agencies_readable(
    is_admin, read_ids, provinces).order_by("name").only("code", "name"))


def agencies_of(readable: dict) -> list:
    """The agencies the person may read, by name (the plan list's filter)."""
    shape, who = statement_args(readable)
    return _AGENCIES.objects(shape, **who)
