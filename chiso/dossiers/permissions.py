"""Who may see and do what with service KPIs and dossiers. Every dossier view asks here.

- figures and dossier lists of an agency: whoever reads the agency (its people, the provincial
  coordinator, administrators) — the dossier list shows citizens' names, so nobody else;
- importing exports, column mappings, apology letters, confirming measured targets: the agency's
  office and administrators;
- the province ranking: administrators and provincial coordinators.
"""

from chiso.accounts.access import access_of, can_view_agency, office_agencies, sees_province, visible_agencies
from chiso.accounts.models import Role

OFFICE_ROLES = {Role.OFFICE}


def can_view_kpis(user, agency) -> bool:
    return can_view_agency(user, agency)


def can_view_dossiers(user, agency) -> bool:
    return can_view_agency(user, agency)


def can_import(user, agency) -> bool:
    acc = access_of(user)
    return acc.holds(agency.pk, OFFICE_ROLES)


def can_manage_apologies(user, agency) -> bool:
    return can_import(user, agency)


def can_confirm_measures(user, agency) -> bool:
    return can_import(user, agency)


def can_view_ranking(user) -> bool:
    return sees_province(user)


def kpi_agencies(user):
    """Agencies whose figures the person may read (the agency picker)."""
    return visible_agencies(user)


def import_agencies(user):
    """Agencies whose dossier exports the person may import (their office; every agency for an admin)."""
    return office_agencies(user)
