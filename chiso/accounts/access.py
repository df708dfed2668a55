"""The shared access core: who holds which role in which agency, and which unit a person works in.

Every app decides its own permissions in its `permissions.py` (plans, tracking, reports, ...) from what this
module answers; nothing here knows an app above accounts. Rules every app shares:
- administrators: everything;
- the provincial coordinator (Sở Nội vụ): reads every agency of its province;
- agency leader, office, unit head, unit staff, viewer: read their own agency;
- nobody touches another agency's data.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from chiso.org.models import Agency, Unit
from chiso.statements import Statement

from .models import Role, RoleGrant, User

READ_ROLES = {Role.LEADER, Role.OFFICE, Role.UNIT_HEAD, Role.UNIT_STAFF, Role.VIEWER}
OFFICE_ROLES = {Role.OFFICE}  # the agency's office: manages its plans, reviews and compiles
UNIT_ROLES = {Role.UNIT_HEAD, Role.UNIT_STAFF}  # people who work for their unit's tasks
LEADER_ROLES = {Role.LEADER}


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

    def holds(self, agency_id: int, roles: set[str]) -> bool:
        """An administrator, or a grant of one of `roles` in the agency."""
        return self.is_admin or bool(self.roles_in(agency_id) & roles)


def access_of(user) -> Access:
    """The grants of `user`, cached on the user object for the rest of the request."""
    if not getattr(user, "is_authenticated", False):
        return Access()
    cached = getattr(user, "_chiso_access", None)
    if cached is not None:
        return cached
    acc = Access(is_admin=bool(user.is_superuser), unit_id=user.unit_id)
    for grant in _GRANTS.objects(user_id=user.pk):
        if grant.role == Role.ADMIN:
            acc.is_admin = True
        elif grant.agency_id:
            acc.roles.setdefault(grant.agency_id, set()).add(grant.role)
            if grant.role == Role.COORDINATOR:
                acc.coordinator_provinces.add(grant.agency.province_id)
    if user.unit_id:
        if not User.unit.is_cached(user):  # the person's unit, read once and kept on the user for the request
            found = _UNIT.objects(pk=user.unit_id)
            user.unit = found[0] if found else None
        acc.unit_agency_id = user.unit.agency_id if user.unit else None
    user._chiso_access = acc
    return acc


_UNIT = Statement("accounts.unit", lambda pk: Unit.objects.filter(pk=pk))
_GRANTS = Statement("accounts.grants", lambda user_id: RoleGrant.objects.filter(user_id=user_id)
                    .select_related("agency"))


def primary_role(user) -> str | None:
    """The role that decides what the home page shows first."""
    acc = access_of(user)
    if acc.is_admin:
        return Role.ADMIN
    order = [Role.COORDINATOR, Role.LEADER, Role.OFFICE, Role.UNIT_HEAD, Role.UNIT_STAFF, Role.VIEWER]
    held = set().union(*acc.roles.values()) if acc.roles else set()
    return next((r for r in order if r in held), None)


def is_admin(user) -> bool:
    return access_of(user).is_admin


def require(allowed: bool) -> None:
    """Raise the 403 with ChiSo's Vietnamese message when `allowed` is false."""
    if not allowed:
        raise PermissionDenied


def visible_agencies(user) -> QuerySet:
    """Agencies whose data the person may read."""
    return agencies_readable(**readable_args(access_of(user)))


def readable_args(acc: Access) -> dict:
    """What `agencies_readable` needs of a person's grants: ints and lists, so a Statement can hold its SQL.
    An administrator reads everything: no lists (a Statement refuses a value its SQL does not use)."""
    if acc.is_admin:
        return {"is_admin": True, "read_ids": [], "provinces": []}
    return {"is_admin": acc.is_admin,
            "read_ids": sorted(aid for aid, roles in acc.roles.items() if roles & READ_ROLES),
            "provinces": sorted(acc.coordinator_provinces)}


def statement_args(readable: dict, **shape) -> tuple[dict, dict]:
    """`readable_args` split for a Statement: whether the person is an administrator changes the query's
    shape; the lists are its parameters. Extra `shape` entries join the shape."""
    return ({"is_admin": readable["is_admin"], **shape},
            {"read_ids": readable["read_ids"], "provinces": readable["provinces"]})


def agencies_readable(is_admin: bool, read_ids: list[int], provinces: list[int]) -> QuerySet:
    if is_admin:
        return Agency.objects.all()
    return Agency.objects.filter(pk__in=read_ids) | Agency.objects.filter(province_id__in=provinces)


def can_view_agency(user, agency) -> bool:
    acc = access_of(user)
    return acc.holds(agency.pk, READ_ROLES) or agency.province_id in acc.coordinator_provinces


def is_office(user, agency) -> bool:
    """The agency's office (or an administrator)."""
    return access_of(user).holds(agency.pk if hasattr(agency, "pk") else agency, OFFICE_ROLES)


def office_agencies(user) -> QuerySet:
    """Agencies whose office the person is (every agency for an administrator)."""
    acc = access_of(user)
    if acc.is_admin:
        return Agency.objects.all()
    return Agency.objects.filter(pk__in=[a for a, r in acc.roles.items() if r & OFFICE_ROLES])


def sees_province(user) -> bool:
    """Administrators and provincial coordinators see every agency side by side."""
    acc = access_of(user)
    return acc.is_admin or bool(acc.coordinator_provinces)


def coordinates(user, province) -> bool:
    acc = access_of(user)
    return acc.is_admin or province.pk in acc.coordinator_provinces


# --- who holds a role: the people an app notifies or reminds -----------------------------------------

def people(agency, roles: set[str], units=None) -> list[User]:
    """Active people with one of `roles` in the agency (only those working in `units`, when given)."""
    agency_id = getattr(agency, "pk", agency)
    ids = RoleGrant.objects.filter(agency_id=agency_id, role__in=list(roles)).values("user_id")
    qs = User.objects.filter(pk__in=ids, is_active=True).order_by("pk")
    if units is not None:
        qs = qs.filter(unit__in=units)
    return list(qs)


def office_people(agency) -> list[User]:
    return people(agency, OFFICE_ROLES)


def unit_people(agency, units) -> list[User]:
    """The head and staff of the given units of the agency."""
    return people(agency, UNIT_ROLES, units)


def leader_people(agency) -> list[User]:
    return people(agency, LEADER_ROLES)


def grants(roles: set[str]):
    """(agency id, role, user id, user's unit id) of every active person holding one of `roles`: for the
    loops that work on every agency at once (reminders)."""
    return RoleGrant.objects.filter(user__is_active=True, role__in=list(roles)).values_list(
        "agency_id", "role", "user_id", "user__unit_id")
