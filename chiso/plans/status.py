"""The status of a task: ONE rule, written twice side by side — in Python (`derive`, for rows in hand) and
in SQL (`status_q`, for counts and filters in the database) — and a test (plans/tests/test_status.py) proves
on generated tasks of every status that both always agree.

The inputs are the task's due date and its TaskState, which tracking keeps from the confirmed progress
updates: `reported` (the confirmed proposal: done / failed, "" while in progress), `done_on` and
`has_updates`. A task without a TaskState row has no report at all."""

from datetime import date

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    """The status of a task, derived from its confirmed updates and the date."""

    NOT_STARTED = "not_started", _("Chưa thực hiện")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    DONE = "done", _("Hoàn thành")
    DONE_LATE = "done_late", _("Hoàn thành quá hạn")
    OVERDUE = "overdue", _("Quá hạn")
    FAILED = "failed", _("Không thực hiện được")


class Proposed(models.TextChoices):
    """What an update says about the task (and, once confirmed, TaskState.reported)."""

    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    DONE = "done", _("Hoàn thành")
    FAILED = "failed", _("Không thực hiện được")


CLOSED_STATUSES = {Status.DONE, Status.DONE_LATE, Status.FAILED}
# The order statuses are counted and shown in, on every page, export and report.
STATUS_ORDER = [Status.NOT_STARTED, Status.IN_PROGRESS, Status.DONE, Status.DONE_LATE, Status.OVERDUE,
                Status.FAILED]
STATUS_LABELS = dict(Status.choices)
NEAR_DAYS = 7  # "sắp đến hạn": due within a week


# --- the rule in Python -----------------------------------------------------------------------------

def derive(reported: str, done_on: date | None, due: date | None, has_updates: bool, today: date) -> str:
    """The status on `today` from the confirmed report and the date. A task finished after `today` was not
    finished on it (a report of a past period reads the task as it was at its cut-off)."""
    if reported and done_on and done_on > today:
        reported = ""
    if reported == Proposed.DONE:
        return Status.DONE_LATE if due and done_on and done_on > due else Status.DONE
    if reported == Proposed.FAILED:
        return Status.FAILED
    if due and today > due:
        return Status.OVERDUE
    return Status.IN_PROGRESS if has_updates else Status.NOT_STARTED


# --- the same rule in SQL ---------------------------------------------------------------------------

def open_q(prefix: str = "", today: date | None = None) -> Q:
    """Tasks not closed by a confirmed report (done or failed) — on `today`, when given, a task finished
    after it is still open; `prefix` reaches tasks from another model, e.g. "tasks__" from a plan."""
    q = Q(**{f"{prefix}tracking__isnull": True}) | ~Q(**{f"{prefix}tracking__reported__in": [
        Proposed.DONE, Proposed.FAILED]})
    if today is not None:
        q |= Q(**{f"{prefix}tracking__done_on__gt": today})
    return q


def status_q(status: str, today: date, prefix: str = "") -> Q:
    """The tasks whose `derive(...)` is `status` on `today`, as a filter."""
    p = prefix
    due, done_on = F(f"{p}due"), f"{p}tracking__done_on"
    late = Q(**{f"{p}due__isnull": False, f"{done_on}__isnull": False, f"{done_on}__gt": due})
    closed_then = Q(**{f"{done_on}__isnull": True}) | Q(**{f"{done_on}__lte": today})
    done = Q(**{f"{p}tracking__reported": Proposed.DONE}) & closed_then
    not_yet_due = Q(**{f"{p}due__isnull": True}) | Q(**{f"{p}due__gte": today})
    updated = Q(**{f"{p}tracking__has_updates": True})
    if status == Status.DONE:
        return done & ~late
    if status == Status.DONE_LATE:
        return done & late
    if status == Status.FAILED:
        return Q(**{f"{p}tracking__reported": Proposed.FAILED}) & closed_then
    if status == Status.OVERDUE:
        return open_q(p, today) & Q(**{f"{p}due__lt": today})
    if status == Status.IN_PROGRESS:
        return open_q(p, today) & not_yet_due & updated
    if status == Status.NOT_STARTED:
        return open_q(p, today) & not_yet_due & (Q(**{f"{p}tracking__isnull": True}) | ~updated)
    raise ValueError(f"unknown status {status!r}")


def overdue_q(today: date, prefix: str = "") -> Q:
    """Tasks past their due date and not closed by a confirmed report ("quá hạn")."""
    return status_q(Status.OVERDUE, today, prefix)


# --- the rule on tasks in hand ----------------------------------------------------------------------

_NO_STATE = object()


def loaded_state(task):
    """The task's TaskState when it was loaded with it (select_related("tracking")), else None."""
    try:
        return task.tracking
    except ObjectDoesNotExist:
        return None


def status_of(task, today: date, state=_NO_STATE) -> str:
    """The status of one task, from the given TaskState (None: no report) or the one loaded with it."""
    state = loaded_state(task) if state is _NO_STATE else state
    if state is None:
        return derive("", None, task.due, False, today)
    return derive(state.reported, state.done_on, task.due, state.has_updates, today)


def with_status(tasks, now: date):
    """Set .status, .status_label, .progress, .pending, .days_left, .days_late and .deadline_state on tasks
    loaded with select_related("tracking"): every page shows the same status (no extra query)."""
    for t in tasks:
        state = loaded_state(t)
        t.status = status_of(t, now, state)
        t.progress, t.pending = (state.progress, state.pending) if state is not None else (0, 0)
        t.status_label = STATUS_LABELS[t.status]
        t.days_left = (t.due - now).days if t.due else None
        t.days_late = -t.days_left if t.status == Status.OVERDUE and t.days_left is not None else 0
        t.deadline_state = ("past" if t.status == Status.OVERDUE else
                            "near" if t.status not in CLOSED_STATUSES and t.days_left is not None
                            and 0 <= t.days_left <= NEAR_DAYS else "")
    return tasks
