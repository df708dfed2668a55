"""Drafting reports before they are due: for every period whose unit deadline is within the rule's
`draft_days_before` days (until the agency deadline), each reporting unit gets a draft of its report
and the office a compiled draft of the agency report; the people concerned are notified
(chiso.notifications). Called by `chiso remind` after the reminders (and by `chiso report schedule`).

Units whose report is still unsent are reminded the day before their deadline and once more after it.
Idempotent and safe to run concurrently: a draft is version 1 of its (unit or agency, period), a
unique row; the insert is the claim, and only the process whose insert succeeded notifies."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chiso.accounts.access import office_people, unit_people
from chiso.notifications.service import notify
from chiso.org.models import Agency
from chiso.periods.calendar import periods_of_year
from chiso.periods.codes import Period
from chiso.plans.models import Task

from . import actions, queries
from .models import AgencyReport, UnitReport


@dataclass
class ScheduleResult:
    unit_drafts: int = 0
    agency_drafts: int = 0
    notified: int = 0
    reminded: int = 0
    periods: list[str] = field(default_factory=list)


def due_soon(agency, today: date) -> list[Period]:
    """The agency's periods whose drafting window contains today."""
    out = []
    for p in periods_of_year(agency, today.year):
        if p.draft_days_before and p.unit_due - timedelta(days=p.draft_days_before) <= today <= p.agency_due:
            out.append(p)
    return out


def _claim(create) -> object | None:
    """Run `create` in a savepoint; None when another run created the row first."""
    try:
        with transaction.atomic():
            return create()
    except IntegrityError:
        return None


def run(now: datetime | date | None = None) -> ScheduleResult:
    if isinstance(now, datetime):
        today = timezone.localtime(now).date() if timezone.is_aware(now) else now.date()
    else:
        today = now or timezone.localdate()
    result = ScheduleResult()
    agencies = Agency.objects.filter(is_active=True, is_coordinator=False).exclude(kind=Agency.Kind.PROVINCE) \
        .select_related("province")
    with translation.override("vi"):
        for agency in agencies:
            for p in due_soon(agency, today):
                if not Task.objects.filter(queries.scope(p), plan__agency=agency).exists():
                    continue
                result.periods.append(f"{agency.code} {p.code}")
                _draft_units(agency, p, today, result)
                _draft_agency(agency, p, today, result)
                _remind_units(agency, p, today, result)
    return result


def _draft_units(agency, p: Period, today: date, result: ScheduleResult) -> None:
    have = set(UnitReport.objects.filter(agency=agency, period_code=p.code).values_list("unit_id", flat=True))
    for unit in queries.reporting_units(agency, p):
        if unit.pk in have:
            continue

        def create(unit=unit):
            report = actions.new_unit_draft(None, agency, unit, p, today)
            result.notified += notify(
                unit_people(agency, [unit]), "report_draft",
                _("Đã lập sẵn dự thảo báo cáo %(label)s của %(unit)s; hạn gửi Văn phòng %(due)s.")
                % {"label": p.label, "unit": unit.name, "due": f"{p.unit_due:%d/%m/%Y}"},
                reverse("reports:unit_report", args=[agency.code, p.code, unit.pk]))
            return report

        if _claim(create) is not None:
            result.unit_drafts += 1


def _draft_agency(agency, p: Period, today: date, result: ScheduleResult) -> None:
    if AgencyReport.objects.filter(agency=agency, period_code=p.code).exists():
        return

    def create():
        report = actions.new_agency_report(None, agency, p, queries.agency_figures(agency, p, today))
        result.notified += notify(
            office_people(agency), "report_draft",
            _("Đã tự lập dự thảo báo cáo %(label)s của cơ quan; đơn vị gửi trước %(unit)s, gửi Sở Nội vụ trước "
              "%(due)s.") % {"label": p.label, "unit": f"{p.unit_due:%d/%m/%Y}", "due": f"{p.agency_due:%d/%m/%Y}"},
            reverse("reports:agency_report", args=[report.pk]))
        return report

    if _claim(create) is not None:
        result.agency_drafts += 1


def _remind_units(agency, p: Period, today: date, result: ScheduleResult) -> None:
    """The deadline reminders of unsent unit reports: "due" from the day before, "late" after the deadline.
    Each is claimed by moving UnitReport.reminded forward with one conditional UPDATE."""
    if today > p.unit_due:
        stage, before = "late", ["", "due"]
        text = _("Báo cáo %(label)s của %(unit)s đã quá hạn gửi Văn phòng (%(due)s): hãy gửi ngay.")
    elif today >= p.unit_due - timedelta(days=1):
        stage, before = "due", [""]
        text = _("Hạn gửi báo cáo %(label)s của %(unit)s đến Văn phòng là %(due)s.")
    else:
        return
    sent_units = set(UnitReport.objects.filter(agency=agency, period_code=p.code, submitted_at__isnull=False)
                     .values_list("unit_id", flat=True))
    for report in UnitReport.objects.filter(agency=agency, period_code=p.code, state=UnitReport.State.DRAFT,
                                            reminded__in=before).select_related("unit"):
        if report.unit_id in sent_units:  # a correction being drafted: the unit did report
            continue
        with transaction.atomic():
            if not UnitReport.objects.filter(pk=report.pk, reminded__in=before).update(reminded=stage):
                continue  # another run has it
            result.reminded += 1
            result.notified += notify(
                unit_people(agency, [report.unit]), f"report_{stage}",
                text % {"label": p.label, "unit": report.unit.name, "due": f"{p.unit_due:%d/%m/%Y}"},
                reverse("reports:unit_report", args=[agency.code, p.code, report.unit_id]))
