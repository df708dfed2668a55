"""Pure rules: a task's status from its confirmed reports and the date; the check-in periods of a task."""

import calendar
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from chiso.plans.models import Recurrence

from .models import Proposed, Status

CLOSED_STATUSES = {Status.DONE, Status.DONE_LATE, Status.FAILED}
# Urgency order for "Việc của tôi": overdue first, then the rest by due date.
URGENCY = {Status.OVERDUE: 0, Status.IN_PROGRESS: 1, Status.NOT_STARTED: 1, Status.DONE_LATE: 3,
           Status.DONE: 3, Status.FAILED: 3}


def derive(reported: str, done_on: date | None, due: date | None, has_updates: bool, today: date) -> str:
    """The one status rule, used by every page, export and reminder."""
    if reported == Proposed.DONE:
        return Status.DONE_LATE if due and done_on and done_on > due else Status.DONE
    if reported == Proposed.FAILED:
        return Status.FAILED
    if due and today > due:
        return Status.OVERDUE
    return Status.IN_PROGRESS if has_updates else Status.NOT_STARTED


def task_status(task, today: date) -> str:
    """Status of a task whose `tracking` state may be missing (no report yet)."""
    state = getattr(task, "tracking", None) if _has_state(task) else None
    if state is None:
        return derive("", None, task.due, False, today)
    return derive(state.reported, state.done_on, task.due, state.has_updates, today)


def _has_state(task) -> bool:
    from django.core.exceptions import ObjectDoesNotExist

    try:
        return task.tracking is not None
    except ObjectDoesNotExist:
        return False


@dataclass(frozen=True)
class PeriodSpec:
    label: str
    start: date
    end: date
    due: date


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def period_specs(task, year: int | None = None) -> list[PeriodSpec]:
    """The check-in periods a task's recurrence gives within its plan's year.
    Continuous tasks report every quarter (the reporting period); on-event tasks get none here."""
    plan = task.plan
    year = year or plan.year
    start = plan.period_start or date(year, 1, 1)
    end = plan.period_end or date(year, 12, 31)
    rec = task.recurrence
    specs: list[PeriodSpec] = []
    if rec == Recurrence.MONTHLY:
        for m in range(1, 13):
            specs.append(PeriodSpec(str(_("Tháng %(m)s/%(y)s") % {"m": m, "y": year}), date(year, m, 1),
                                    _month_end(year, m), _month_end(year, m)))
    elif rec in (Recurrence.QUARTERLY, Recurrence.CONTINUOUS):
        for q, roman in enumerate(("I", "II", "III", "IV")):
            s, e = date(year, 3 * q + 1, 1), _month_end(year, 3 * q + 3)
            specs.append(PeriodSpec(str(_("Quý %(q)s/%(y)s") % {"q": roman, "y": year}), s, e, e))
    elif rec == Recurrence.SEMIANNUAL:
        specs.append(PeriodSpec(str(_("6 tháng đầu năm %(y)s") % {"y": year}), date(year, 1, 1),
                                date(year, 6, 30), date(year, 6, 30)))
        specs.append(PeriodSpec(str(_("6 tháng cuối năm %(y)s") % {"y": year}), date(year, 7, 1),
                                date(year, 12, 31), date(year, 12, 31)))
    elif rec == Recurrence.ANNUAL:
        specs.append(PeriodSpec(str(_("Năm %(y)s") % {"y": year}), date(year, 1, 1), date(year, 12, 31),
                                task.due or date(year, 12, 31)))
    elif rec == Recurrence.ONCE:
        due = task.due or end
        specs.append(PeriodSpec(str(_("Cả kỳ kế hoạch")), min(start, due), max(due, start), due))
    return specs


def current_spec(specs: list[PeriodSpec], today: date) -> PeriodSpec | None:
    """The period containing today, else the last one started, else the first."""
    if not specs:
        return None
    inside = [s for s in specs if s.start <= today <= s.end]
    if inside:
        return inside[-1]
    started = [s for s in specs if s.start <= today]
    return started[-1] if started else specs[0]
