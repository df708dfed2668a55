"""Who may see and do what with service KPIs and dossiers. Every dossier view asks here.

- figures and dossier lists of an agency: whoever reads the agency (its people, the provincial
  coordinator, administrators) — the dossier list shows citizens' names, so nobody else;
- importing exports, column mappings, apology letters, confirming measured targets: the agency's
  office and administrators;
- the province ranking: administrators and provincial coordinators.
"""

from chiso.accounts.models import Role
from chiso.accounts.permissions import access_of, can_view_agency, can_view_province, visible_agencies

OFFICE_ROLES = {Role.OFFICE}


def can_view_kpis(user, agency) -> bool:
    return can_view_agency(user, agency)


def can_view_dossiers(user, agency) -> bool:
    return can_view_agency(user, agency)


def can_import(user, agency) -> bool:
    acc = access_of(user)
    return acc.is_admin or bool(acc.roles_in(agency.pk) & OFFICE_ROLES)


def can_manage_apologies(user, agency) -> bool:
    return can_import(user, agency)


def can_confirm_measures(user, agency) -> bool:
    return can_import(user, agency)


def can_view_ranking(user) -> bool:
    return can_view_province(user)


def kpi_agencies(user):
    """Agencies whose figures the person may read (the agency picker)."""
    return visible_agencies(user)


def import_agencies(user):
    from chiso.org.models import Agency

    acc = access_of(user)
    if acc.is_admin:
        return Agency.objects.all()
    return Agency.objects.filter(pk__in=[a for a, roles in acc.roles.items() if roles & OFFICE_ROLES])
