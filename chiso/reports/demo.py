"""Demo reporting calendar and reports (issue 5): the Sở Tư pháp's own quarterly deadlines from its plan
("trước ngày 12 của tháng cuối quý"), unit reports for the last quarterly period (one on time, one late,
the rest for the office to chase), and the other agency's report already issued, so that the office can
compile and download its quarterly report and the coordinator sees a roll-up. Through the actions."""

from datetime import date, timedelta

from chiso.accounts.models import Role, RoleGrant
from chiso.org.models import Agency
from chiso.periods.calendar import periods_of_year
from chiso.periods.codes import Kind
from chiso.periods.models import ReportingRule, ensure_default_rules

from . import actions, queries


def last_quarterly(agency, today: date):
    """The latest quarterly period (quý I or quý III) whose data window has started."""
    periods = [p for y in (today.year - 1, today.year) for p in periods_of_year(agency, y)
               if p.kind in (Kind.Q1, Kind.Q3) and p.start <= today]
    return periods[-1] if periods else None


def load_reports_demo(today: date) -> int:
    """Returns how many reports were written."""
    ensure_default_rules()
    written = 0
    grants = list(RoleGrant.objects.select_related("user").filter(role__in=[Role.UNIT_STAFF, Role.UNIT_HEAD,
                                                                            Role.OFFICE]))
    agencies = list(Agency.objects.filter(is_active=True, is_coordinator=False).order_by("code"))
    for agency in agencies:
        if agency.code == "STP":
            for kind in (Kind.Q1, Kind.H1, Kind.Q3):
                ReportingRule.objects.get_or_create(agency=agency, kind=kind, defaults=dict(
                    start_months_before=6 if kind == Kind.H1 else 3, start_day=15, end_day=11, unit_day=12,
                    office_day=14, agency_day=18, province_day=20))
        period = last_quarterly(agency, today)
        if period is None:
            continue
        office = next((g.user for g in grants if g.agency_id == agency.pk and g.role == Role.OFFICE), None)
        units = queries.reporting_units(agency, period)
        issue_all = agency.code != "STP"
        for n, unit in enumerate(units):
            reporter = next((g.user for g in grants if g.agency_id == agency.pk and g.user.unit_id == unit.pk
                             and g.role in (Role.UNIT_STAFF, Role.UNIT_HEAD)), None) or office
            report = actions.do_draft_unit_report(reporter, agency, unit, period, today)
            written += 1
            if issue_all or n == 0:
                actions.do_submit_unit_report(reporter, report, min(today, period.unit_due - timedelta(days=1)))
            elif n == 1:
                actions.do_submit_unit_report(reporter, report, min(today, period.unit_due + timedelta(days=2)))
        if issue_all:
            report = actions.do_compile_agency_report(office, agency, period, today)
            sign_off_and_send(office, report, min(today, period.agency_due - timedelta(days=1)))
            written += 1
    return written


def sign_off_and_send(office, report, day: date):
    """The whole sign-off of the demo's issued reports: submitted, approved by the agency's leader,
    numbered, the signed copy attached (the demo's own PDF of the report stands in for the scan), sent."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from chiso.accounts.access import leader_people

    from .documents import filename, render

    leader = leader_people(report.agency)[0]  # every demo agency that issues reports has a leader
    report = actions.do_submit_agency_report(office, report, day)
    report = actions.do_approve_agency_report(leader, report, now=day)
    report = actions.do_issue_agency_report(office, report, day)
    scan = SimpleUploadedFile(filename(report, "pdf"), render("pdf", report), content_type="application/pdf")
    report = actions.do_attach_signed_copy(office, report, scan)
    return actions.do_send_agency_report(office, report, day)
