"""Who may see and change what. Every view and action asks here; nothing else decides.

Rules (issue 2; tracking adds its own actions here later):
- administrators: everything;
- provincial coordinator (Sở Nội vụ): reads every agency of its province;
- agency leader, office, unit head, unit staff, viewer: read their own agency;
- the office (and administrators) create and edit the agency's plans and tasks;
- unit head and unit staff edit the tasks their unit leads, nothing else;
- nobody touches another agency's data.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from .models import Role, RoleGrant

READ_ROLES = {Role.LEADER, Role.OFFICE, Role.UNIT_HEAD, Role.UNIT_STAFF, Role.VIEWER}
PLAN_EDIT_ROLES = {Role.OFFICE}
UNIT_EDIT_ROLES = {Role.UNIT_HEAD, Role.UNIT_STAFF}


@dataclass
class Access:
    """A person's grants, read once per request."""

    is_admin: bool = False
    roles: dict[int, set[str]] = field(default_factory=dict)  # agency id -> roles
    coordinator_provinces: set[int] = field(default_factory=set)
    unit_id: int | None = None
    unit_agency_id: int | None = None

    def roles_in(self, agency_id: int) -> set[str]:
        return self.roles.get(agency_id, set())


def access_of(user) -> Access:
    """The grants of `user`, cached on the user object for the rest of the request."""
    if not getattr(user, "is_authenticated", False):
        return Access()
    cached = getattr(user, "_chiso_access", None)
    if cached is not None:
        return cached
    acc = Access(is_admin=bool(user.is_superuser), unit_id=user.unit_id)
    for grant in RoleGrant.objects.filter(user=user).select_related("agency"):
        if grant.role == Role.ADMIN:
            acc.is_admin = True
        elif grant.agency_id:
            acc.roles.setdefault(grant.agency_id, set()).add(grant.role)
            if grant.role == Role.COORDINATOR:
                acc.coordinator_provinces.add(grant.agency.province_id)
    if user.unit_id:
        acc.unit_agency_id = user.unit.agency_id
    user._chiso_access = acc
    return acc


def primary_role(user) -> str | None:
    """The role that decides what the home page shows first."""
    acc = access_of(user)
    if acc.is_admin:
        return Role.ADMIN
    order = [Role.COORDINATOR, Role.LEADER, Role.OFFICE, Role.UNIT_HEAD, Role.UNIT_STAFF, Role.VIEWER]
    held = set().union(*acc.roles.values()) if acc.roles else set()
    return next((r for r in order if r in held), None)


def visible_agencies(user) -> QuerySet:
    """Agencies whose plans the person may read."""
    from chiso.org.models import Agency

    acc = access_of(user)
    if acc.is_admin:
        return Agency.objects.all()
    read_ids = [aid for aid, roles in acc.roles.items() if roles & READ_ROLES]
    return Agency.objects.filter(pk__in=read_ids) | Agency.objects.filter(
        province_id__in=acc.coordinator_provinces)


def can_view_agency(user, agency) -> bool:
    acc = access_of(user)
    return (acc.is_admin or bool(acc.roles_in(agency.pk) & READ_ROLES)
            or agency.province_id in acc.coordinator_provinces)


def can_manage_plans(user, agency) -> bool:
    """Create plans for the agency, edit any of its plans and tasks."""
    acc = access_of(user)
    return acc.is_admin or bool(acc.roles_in(agency.pk) & PLAN_EDIT_ROLES)


def manageable_agencies(user) -> QuerySet:
    from chiso.org.models import Agency

    acc = access_of(user)
    if acc.is_admin:
        return Agency.objects.all()
    return Agency.objects.filter(pk__in=[a for a, r in acc.roles.items() if r & PLAN_EDIT_ROLES])


def visible_plans(user) -> QuerySet:
    from chiso.plans.models import Plan

    acc = access_of(user)
    if acc.is_admin:
        return Plan.objects.all()
    return Plan.objects.filter(agency__in=visible_agencies(user))


def can_view_plan(user, plan) -> bool:
    return can_view_agency(user, plan.agency)


def can_edit_plan(user, plan) -> bool:
    return can_manage_plans(user, plan.agency)


def can_edit_task(user, task, lead_unit_ids: set[int] | None = None) -> bool:
    """The office edits every task of its agency; a unit edits the tasks it leads."""
    acc = access_of(user)
    agency_id = task.plan.agency_id
    if acc.is_admin or acc.roles_in(agency_id) & PLAN_EDIT_ROLES:
        return True
    if not (acc.roles_in(agency_id) & UNIT_EDIT_ROLES) or acc.unit_id is None:
        return False
    if lead_unit_ids is None:
        lead_unit_ids = {u.pk for u in task.lead_units.all()}
    return acc.unit_id in lead_unit_ids


def is_admin(user) -> bool:
    return access_of(user).is_admin


def require(allowed: bool) -> None:
    """Raise the 403 with ChiSo's Vietnamese message when `allowed` is false."""
    if not allowed:
        raise PermissionDenied


# --- Tracking (issue 4): progress updates, evidence, review, comments, dashboards -----------------
# unit staff and head (and an office whose own unit leads) report on the tasks their unit leads;
# support units add contributions only; the office confirms, returns and closes periods for every
# task of its agency; leaders read and comment; the coordinator and viewers read; nobody else.
REPORT_ROLES = {Role.UNIT_HEAD, Role.UNIT_STAFF, Role.OFFICE}
REVIEW_ROLES = {Role.OFFICE}
COMMENT_ROLES = {Role.LEADER, Role.OFFICE}


def can_view_task(user, task) -> bool:
    return can_view_agency(user, task.plan.agency)


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
    acc = access_of(user)
    return acc.is_admin or bool(acc.roles_in(task.plan.agency_id) & REVIEW_ROLES)


def can_comment(user, task) -> bool:
    acc = access_of(user)
    return acc.is_admin or bool(acc.roles_in(task.plan.agency_id) & COMMENT_ROLES)


def can_revise_update(user, update, lead_unit_ids=None, support_unit_ids=None) -> bool:
    """Correct an update (as a new revision): whoever may post that kind of update on the task."""
    if update.kind == "contribution":
        return can_contribute(user, update.task, support_unit_ids) or is_admin(user)
    return can_update_task(user, update.task, lead_unit_ids)


def can_delete_update(user, update) -> bool:
    """Withdraw an update not yet confirmed: its author, or an administrator."""
    if is_admin(user):
        return True
    return update.review == "submitted" and update.author_id == getattr(user, "pk", None) and (
        can_update_task(user, update.task) or can_contribute(user, update.task))


def can_view_dashboard(user, agency) -> bool:
    return can_view_agency(user, agency)


def can_view_province(user) -> bool:
    """The side-by-side view of every agency: administrators and provincial coordinators."""
    acc = access_of(user)
    return acc.is_admin or bool(acc.coordinator_provinces)


def visible_tasks(user) -> QuerySet:
    from chiso.plans.models import Task

    acc = access_of(user)
    if acc.is_admin:
        return Task.objects.all()
    return Task.objects.filter(plan__agency__in=visible_agencies(user))


# --- Reports (issue 5): the calendar, unit reports, agency reports, the province roll-up -----------
# everyone who reads an agency reads its calendar and reports; a unit's head and staff (and the office)
# draft, edit and submit the unit's report; the office (and administrators) compile, edit, issue and
# correct the agency report and edit its calendar; coordinators and administrators see the roll-up.
UNIT_REPORT_ROLES = {Role.UNIT_HEAD, Role.UNIT_STAFF}


def can_view_reports(user, agency) -> bool:
    return can_view_agency(user, agency)


def can_edit_unit_report(user, agency, unit) -> bool:
    """Draft, edit, submit or correct the report of `unit`."""
    acc = access_of(user)
    if acc.is_admin or acc.roles_in(agency.pk) & PLAN_EDIT_ROLES:
        return unit.agency_id == agency.pk
    return bool(acc.roles_in(agency.pk) & UNIT_REPORT_ROLES) and acc.unit_id == unit.pk


def can_compile_report(user, agency) -> bool:
    """Compile, edit, issue and correct the agency report; edit the agency's reporting calendar."""
    acc = access_of(user)
    return acc.is_admin or bool(acc.roles_in(agency.pk) & PLAN_EDIT_ROLES)


def can_view_rollup(user, province) -> bool:
    acc = access_of(user)
    return acc.is_admin or province.pk in acc.coordinator_provinces


def can_close_periods(user, agency) -> bool:
    """Close the reporting periods of every task of the agency at once (the office)."""
    acc = access_of(user)
    return acc.is_admin or bool(acc.roles_in(agency.pk) & REVIEW_ROLES)
