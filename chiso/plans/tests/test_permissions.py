"""Who may read and change which plan and task (plans.permissions on the accounts access core): every role,
including the outsider."""

import pytest

from chiso.accounts import access
from chiso.plans import permissions as perms

pytestmark = pytest.mark.django_db

# role -> (view home plan, edit home plan, edit civil task, edit laws task, view other agency's plan)
EXPECTED = {
    "admin": (True, True, True, True, True),
    "coordinator": (True, False, False, False, True),
    "leader": (True, False, True, True, False),
    "office": (True, True, True, True, False),
    "head": (True, False, False, False, False),
    "staff": (True, False, False, False, False),
    "laws_staff": (True, False, False, False, False),
    "viewer": (True, False, False, False, False),
    "outsider": (False, False, False, False, True),
    "far_coordinator": (False, False, False, False, False),
    "nobody": (False, False, False, False, False),
}


@pytest.mark.parametrize("role", EXPECTED)
def test_it_decides_each_role(world, role):
    user = getattr(world.people, role)
    got = (
        perms.can_view_plan(user, world.plan),
        perms.can_edit_plan(user, world.plan),
        perms.can_edit_task(user, world.civil_task),
        perms.can_edit_task(user, world.laws_task),
        perms.can_view_plan(user, world.other_plan),
    )
    assert got == EXPECTED[role]


def test_visible_plans_match_can_view(world):
    from chiso.plans.models import Plan

    for role in EXPECTED:
        user = getattr(world.people, role)
        visible = set(perms.visible_plans(user).values_list("pk", flat=True))
        expected = {p.pk for p in Plan.objects.all() if perms.can_view_plan(user, p)}
        assert visible == expected, role


def test_primary_role_sends_each_person_home(world):
    assert access.primary_role(world.people.admin) == "admin"
    assert access.primary_role(world.people.coordinator) == "coordinator"
    assert access.primary_role(world.people.staff) == "unit_staff"
    assert access.primary_role(world.people.nobody) is None


def test_the_access_core_names_the_people_of_each_role(world):
    p = world.people
    assert access.office_people(world.home) == [p.office]
    assert access.unit_people(world.home, [world.civil]) == [p.head, p.staff]
    assert access.leader_people(world.home) == [p.leader]
    assert access.office_people(world.other) == [p.outsider]
    p.staff.is_active = False
    p.staff.save()
    assert access.unit_people(world.home, [world.civil]) == [p.head]  # inactive people are left out
    assert {n for n in vars(p) if access.sees_province(getattr(p, n))} == {"admin", "coordinator",
                                                                           "far_coordinator"}


def test_anonymous_has_no_access(world):
    from django.contrib.auth.models import AnonymousUser

    assert not perms.can_view_plan(AnonymousUser(), world.plan)
    assert not perms.visible_plans(AnonymousUser()).exists()
