"""The status rule: a task's status from its confirmed reports and the date."""

from datetime import date

from .models import Proposed, Status

CLOSED_STATUSES = {Status.DONE, Status.DONE_LATE, Status.FAILED}


def derive(reported: str, done_on: date | None, due: date | None, has_updates: bool, today: date) -> str:
    """The one status rule, used by every page, export and reminder."""
    if reported == Proposed.DONE:
        return Status.DONE_LATE if due and done_on and done_on > due else Status.DONE
    if reported == Proposed.FAILED:
        return Status.FAILED
    if due and today > due:
        return Status.OVERDUE
    return Status.IN_PROGRESS if has_updates else Status.NOT_STARTED
