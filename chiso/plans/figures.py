"""One source for figures (issue 10): which plans are at work, and how many of their tasks are in each status.

- **Active plans.** `active_q` / `active_tasks` is the one filter of every work list ("Việc của tôi", the home
  page), dashboard, reminder and report: a draft plan is never counted, listed or chased. A report of a
  period also counts plans that closed since (`closed=True`): their tasks were at work in the period.
- **Status counts.** `count_statuses(tasks, as_of, by=...)` is the one query every page, export and report
  counts with: the status rule of `plans.status` as an SQL CASE (`status_case`), grouped in the database
  (GROUP BY), never by loading the tasks. `tally` turns a status -> number mapping into the one shape of a
  count everywhere (total, each status, completed, rates rounded half-up by `lib.numbers.percent`).
  `plans/tests/test_figures.py` proves `status_case` gives every generated task the status `derive` gives.
"""

from collections.abc import Iterable, Mapping
from datetime import date

from django.db.models import Case, CharField, Count, Exists, F, Q, QuerySet, Value, When

from chiso.lib.numbers import percent

from .models import Plan, Task
from .status import STATUS_ORDER, Proposed, Status

WORKING = (Plan.Status.IN_FORCE,)
REPORTED = (Plan.Status.IN_FORCE, Plan.Status.CLOSED)


def active_q(prefix: str = "", closed: bool = False) -> Q:
    """Plans at work (in force; with `closed`, also those closed since: a report of a past period counts
    them). `prefix` reaches the plan from another model: "plan__" from a task, "task__plan__" from an update."""
    return Q(**{f"{prefix}status__in": REPORTED if closed else WORKING})


def active_plans(plans: QuerySet | None = None, closed: bool = False) -> QuerySet:
    return (Plan.objects.all() if plans is None else plans).filter(active_q(closed=closed))


def active_tasks(tasks: QuerySet | None = None, closed: bool = False) -> QuerySet:
    """Tasks of active plans (never of a draft): the one query of every work list, dashboard and reminder."""
    return (Task.objects.all() if tasks is None else tasks).filter(active_q("plan__", closed))


# --- statuses counted in the database ----------------------------------------------------------------

def status_case(as_of: date, updated: Q | Exists | None = None) -> Case:
    """The status of a task on `as_of` as an SQL expression over the task and its TaskState: the rule of
    `plans.status.derive`, including "finished after that day is not finished on it". `updated` replaces
    "has updates" (a report counts only the updates made by its cut-off)."""
    has_updates = Q(tracking__has_updates=True)
    if updated is not None:
        has_updates = has_updates & updated
    closed_then = Q(tracking__done_on__isnull=True) | Q(tracking__done_on__lte=as_of)
    done = Q(tracking__reported=Proposed.DONE) & closed_then
    late = Q(due__isnull=False, tracking__done_on__isnull=False, tracking__done_on__gt=F("due"))
    return Case(
        When(done & late, then=Value(Status.DONE_LATE.value)),
        When(done, then=Value(Status.DONE.value)),
        When(Q(tracking__reported=Proposed.FAILED) & closed_then, then=Value(Status.FAILED.value)),
        When(due__lt=as_of, then=Value(Status.OVERDUE.value)),
        When(has_updates, then=Value(Status.IN_PROGRESS.value)),
        default=Value(Status.NOT_STARTED.value),
        output_field=CharField(),
    )


_ORDER_KEYS = [str(s) for s in STATUS_ORDER]


def tally(by_status: Mapping[str, int]) -> dict:
    """The one shape of a count: total, each status, completed (on time + late), `rate_done` (completed of
    all) and `rate_on_time` (on time of those whose outcome is known: done, late, overdue, failed)."""
    out = {k: by_status.get(k, 0) for k in _ORDER_KEYS}
    out = {"total": sum(out.values()), **out}
    out["completed"] = out[Status.DONE] + out[Status.DONE_LATE]
    out["open"] = out[Status.NOT_STARTED] + out[Status.IN_PROGRESS]
    out["rate_done"] = percent(out["completed"], out["total"])
    decided = out["completed"] + out[Status.OVERDUE] + out[Status.FAILED]
    out["decided"] = decided
    out["rate_on_time"] = percent(out[Status.DONE], decided)
    return out


def count_statuses(tasks: QuerySet, as_of: date, by: Iterable[str] = (), updated: Q | Exists | None = None
                   ) -> dict[tuple, dict]:
    """{(values of `by`...): tally} for the tasks, counted in ONE query grouped by `by` and the status.
    `by` names task fields or paths ("plan__agency_id", "index", "field_name", "lead_units"); grouping by a
    many-to-many path counts a task once per unit. With no `by` the one key is ()."""
    return tally_rows(status_rows(tasks, as_of, by, updated), not tuple(by))


def status_rows(tasks: QuerySet, as_of: date, by: Iterable[str] = (), updated: Q | Exists | None = None
                ) -> QuerySet:
    """The query of `count_statuses`: (values of `by`..., status, number of tasks) rows. A page that holds
    it in a `statements.Statement` runs it without building and compiling it again."""
    by = tuple(by)
    grouped = tasks.order_by().annotate(_status=status_case(as_of, updated)).values(*by, "_status")
    # DISTINCT only when a join fans a task out: otherwise a temporary B-tree per group for nothing
    return grouped.annotate(_n=Count("pk", distinct=_fans_out(grouped.query))).values_list(*by, "_status", "_n")


def tally_rows(rows: Iterable[tuple], whole: bool = False) -> dict[tuple, dict]:
    """{key: tally} of `status_rows`' rows; `whole` (no grouping): the one key () even with no task."""
    raw: dict[tuple, dict[str, int]] = {}
    for *key, status, n in rows:  # plain tuples: thousands of groups at a province's size
        raw.setdefault(tuple(key), {})[status] = n
    out = {key: tally(c) for key, c in raw.items()}
    if whole and not out:
        out[()] = tally({})
    return out


def _fans_out(query) -> bool:
    """Whether a query joins a task to several rows (a many-to-many or reverse foreign key, in its filters
    or in the grouping), so that counting tasks needs DISTINCT."""
    for join in query.alias_map.values():
        field = getattr(join, "join_field", None)
        if field is not None and (field.one_to_many or field.many_to_many):
            return True
    return False


def total_counts(tasks: QuerySet, as_of: date, updated: Q | Exists | None = None) -> dict:
    """The tally of all the tasks (one query)."""
    return count_statuses(tasks, as_of, (), updated)[()]
