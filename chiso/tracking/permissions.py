"""Who may follow, report on, review and comment on tasks (issue 4), from the shared access core:
- the people of a lead unit (unit staff and head, and an office whose own unit leads) post progress updates;
- the people of a support unit add contributions only;
- the office confirms, returns and closes periods for every task of its agency;
- leaders and the office comment; the coordinator and viewers read; nobody else.
Reminders go to the same people who may report (`REPORT_ROLES`), escalations to unit heads and leaders."""

from chiso.accounts.access import (  # noqa: F401  (re-exported: tracking views ask everything here)
    LEADER_ROLES,
    OFFICE_ROLES,
    access_of,
    can_view_agency,
    grants,
    is_admin,
    is_office,
    readable_args,
    require,
    sees_province,
    visible_agencies,
)
from chiso.accounts.models import Role
from chiso.plans.permissions import can_view_task, visible_tasks  # noqa: F401

REPORT_ROLES = {Role.UNIT_HEAD, Role.UNIT_STAFF, Role.OFFICE}
HEAD_ROLES = {Role.UNIT_HEAD}
COMMENT_ROLES = {Role.LEADER, Role.OFFICE}


def can_update_task(user, task, lead_unit_ids: set[int] | None = None) -> bool:
    """Post a progress update: people of a lead unit with a reporting role in the task's agency."""
    acc = access_of(user)
    if acc.is_admin:
        return True
    if acc.unit_id is None or not (acc.roles_in(task.plan.agency_id) & REPORT_ROLES):
        return False
    if lead_unit_ids is None:
        lead_unit_ids = {u.pk for u in task.lead_units.all()}
    return acc.unit_id in lead_unit_ids


def can_contribute(user, task, support_unit_ids: set[int] | None = None) -> bool:
    """Add a contribution: people of a support unit with a reporting role in the task's agency."""
    acc = access_of(user)
    if acc.unit_id is None or not (acc.roles_in(task.plan.agency_id) & REPORT_ROLES):
        return False
    if support_unit_ids is None:
        support_unit_ids = {u.pk for u in task.support_units.all()}
    return acc.unit_id in support_unit_ids


def can_confirm(user, task) -> bool:
    """Confirm or return an update, close a period, open an event period."""
    return is_office(user, task.plan.agency_id)


def can_comment(user, task) -> bool:
    return access_of(user).holds(task.plan.agency_id, COMMENT_ROLES)


def can_revise_update(user, update, lead_unit_ids=None, support_unit_ids=None) -> bool:
    """Correct an update (as a new revision): whoever may post that kind of update on the task."""
    if update.kind == "contribution":
        return can_contribute(user, update.task, support_unit_ids) or is_admin(user)
    return can_update_task(user, update.task, lead_unit_ids)


def can_delete_update(user, update, lead_unit_ids=None, support_unit_ids=None) -> bool:
    """Withdraw an update not yet confirmed: its author (still able to report on the task), or an
    administrator (the action itself refuses a confirmed one)."""
    if is_admin(user):
        return True
    return update.review == "submitted" and update.author_id == getattr(user, "pk", None) and (
        can_update_task(user, update.task, lead_unit_ids) or can_contribute(user, update.task, support_unit_ids))


def can_view_dashboard(user, agency) -> bool:
    return can_view_agency(user, agency)


def can_view_province(user) -> bool:
    """The side-by-side view of every agency: administrators and provincial coordinators."""
    return sees_province(user)


def can_close_periods(user, agency) -> bool:
    """Close the reporting periods of every task of the agency at once (the office)."""
    return is_office(user, agency)


def reminder_recipients():
    """Who each reminder goes to, for every agency at once: (reporters by (agency, unit), heads by
    (agency, unit), leaders by agency), each a set of user ids. One query."""
    reporters: dict[tuple[int, int], set[int]] = {}
    heads: dict[tuple[int, int], set[int]] = {}
    leaders: dict[int, set[int]] = {}
    for agency_id, role, user_id, unit_id in grants(REPORT_ROLES | LEADER_ROLES):
        if role in LEADER_ROLES:
            leaders.setdefault(agency_id, set()).add(user_id)
        elif unit_id:
            reporters.setdefault((agency_id, unit_id), set()).add(user_id)
            if role in HEAD_ROLES:
                heads.setdefault((agency_id, unit_id), set()).add(user_id)
    return reporters, heads, leaders
