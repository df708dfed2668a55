"""Who may read and write reports (issue 5), from the shared access core:
- everyone who reads an agency reads its calendar and reports;
- a unit's head and staff (and the office) draft, edit and submit the unit's report;
- the office (and administrators) compile, edit, issue and correct the agency report and edit its calendar;
- the agency's leader (and administrators) approves or returns the agency report submitted by the office;
- coordinators and administrators see the province roll-up."""

from chiso.accounts.access import (  # noqa: F401  (re-exported: report views ask everything here)
    LEADER_ROLES,
    UNIT_ROLES,
    access_of,
    can_view_agency,
    coordinates,
    is_office,
    require,
    sees_province,
    visible_agencies,
)
from chiso.org.models import Agency


def can_view_reports(user, agency) -> bool:
    return can_view_agency(user, agency)


def can_edit_unit_report(user, agency, unit) -> bool:
    """Draft, edit, submit or correct the report of `unit`."""
    if is_office(user, agency):
        return unit.agency_id == agency.pk
    acc = access_of(user)
    return bool(acc.roles_in(agency.pk) & UNIT_ROLES) and acc.unit_id == unit.pk


def can_compile_report(user, agency) -> bool:
    """Compile, edit, issue and correct the agency report; edit the agency's reporting calendar."""
    return is_office(user, agency)


def can_sign_off(user, agency) -> bool:
    """Approve the agency report submitted by the office, or return it with a comment: the leader."""
    return access_of(user).holds(agency.pk, LEADER_ROLES)


def can_view_rollup(user, province) -> bool:
    return coordinates(user, province)


def rollup_coordinator(user) -> Agency | None:
    """The coordinating agency (Sở Nội vụ) whose province roll-up the person sees, if any."""
    acc = access_of(user)
    coordinator = None
    if acc.coordinator_provinces:
        coordinator = Agency.objects.filter(province_id__in=acc.coordinator_provinces, is_coordinator=True) \
            .select_related("province").first()
    elif acc.is_admin:
        coordinator = Agency.objects.filter(is_coordinator=True).select_related("province").first()
    if coordinator is None or not can_view_rollup(user, coordinator.province):
        return None
    return coordinator


def can_make_rollup_file(user, coordinator) -> bool:
    """Ask for the roll-up's DOCX or XLSX (a background job): whoever sees the roll-up."""
    return coordinator is not None and can_view_rollup(user, coordinator.province)


def can_take_rollup_file(user, job, coordinator) -> bool:
    """Download a roll-up file: the person who asked for it (or an administrator), while they see that roll-up."""
    return (can_make_rollup_file(user, coordinator) and (job.created_by_id == user.pk or access_of(user).is_admin)
            and (job.arguments or {}).get("coordinator") == coordinator.pk)
