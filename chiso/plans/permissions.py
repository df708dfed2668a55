"""Who may read and change plans and tasks (issue 2), from the shared access core:
- everyone who reads an agency reads its plans and tasks;
- the office (and administrators) create and edit the agency's plans and tasks, and import plans;
- the agency's leader (with the office) changes a task's definition: deadline, units, target, wording;
- unit head and unit staff change no definition: they post progress updates (tracking.permissions).
Lists, exports and imports filter through `visible_plans`; every page asks one of these functions."""

from django.db.models import QuerySet

from chiso.accounts.access import (  # noqa: F401  (re-exported: plan views ask everything here)
    LEADER_ROLES,
    OFFICE_ROLES,
    UNIT_ROLES,
    access_of,
    agencies_readable,
    can_view_agency,
    is_admin,
    is_office,
    office_agencies,
    readable_args,
    require,
    statement_args,
    visible_agencies,
)

from .models import Plan, Task


def can_manage_plans(user, agency) -> bool:
    """Create plans for the agency (by hand or by import), edit any of its plans and tasks."""
    return is_office(user, agency)


def manageable_agencies(user) -> QuerySet:
    """Agencies the person may create plans for."""
    return office_agencies(user)


def visible_plans(user) -> QuerySet:
    a = readable_args(access_of(user))
    return plans_readable(a["is_admin"], a["read_ids"], a["provinces"])


def visible_tasks(user) -> QuerySet:
    a = readable_args(access_of(user))
    return tasks_readable(a["is_admin"], a["read_ids"], a["provinces"])


def plans_readable(admin: bool, read_ids: list[int], provinces: list[int]) -> QuerySet:
    """`visible_plans` from a person's `readable_args` (ints and lists: a Statement can hold its SQL)."""
    if admin:
        return Plan.objects.all()
    return Plan.objects.filter(agency__in=agencies_readable(False, read_ids, provinces))


def tasks_readable(admin: bool, read_ids: list[int], provinces: list[int]) -> QuerySet:
    """`visible_tasks` from a person's `readable_args`."""
    if admin:
        return Task.objects.all()
    return Task.objects.filter(plan__agency__in=agencies_readable(False, read_ids, provinces))


def can_view_plan(user, plan) -> bool:
    return can_view_agency(user, plan.agency)


def can_edit_plan(user, plan) -> bool:
    return can_manage_plans(user, plan.agency)


def can_view_task(user, task) -> bool:
    return can_view_agency(user, task.plan.agency)


def can_edit_task(user, task) -> bool:
    """Change a task's definition (deadline, lead and support units, target, product): the office and the
    leader of its agency. A lead unit reports on its task, it does not redefine it (issue 10)."""
    return access_of(user).holds(task.plan.agency_id, OFFICE_ROLES | LEADER_ROLES)


def can_delete_task(user, task) -> bool:
    """Deleting a task changes the plan: the office's decision."""
    return can_edit_plan(user, task.plan)
