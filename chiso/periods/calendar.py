"""An agency's reporting calendar from the database: the rule of each kind (its own row, else the
province default), its periods of a year, a period by code, and which period a day belongs to."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from .codes import KIND_ENDING_IN, Kind, Period, PeriodCode, PeriodError, apply_rule, parse_period, period_for_day


def today() -> date:
    """Today in the configured time zone (Asia/Ho_Chi_Minh): the one clock pages, actions and loops read."""
    return timezone.localdate()


def rules_for(agency) -> dict:
    """kind -> the ReportingRule that applies to the agency (its own, else the default)."""
    from .models import ReportingRule

    return ReportingRule.rules_for(agency)


def resolve(agency, text_or_code) -> Period:
    """The period `text_or_code` for `agency`, with its dates from the agency's rule (else the default)."""
    from .models import AdHocPeriod

    pc = text_or_code if isinstance(text_or_code, PeriodCode) else parse_period(text_or_code)
    if pc.kind == Kind.ADHOC:
        adhoc = AdHocPeriod.objects.filter(agency=agency, year=pc.year, number=pc.number).first()
        if adhoc is None:
            raise PeriodError(_("Cơ quan chưa có báo cáo đột xuất “%(code)s”.") % {"code": pc.code})
        return adhoc.as_period()
    rule = rules_for(agency).get(pc.kind)
    if rule is None:
        raise PeriodError(_("Chưa có lịch báo cáo cho loại kỳ này."))
    return apply_rule(pc, rule)


def rules_of_agencies(agencies) -> dict[int, dict]:
    """agency id -> (kind -> rule) for many agencies in one query (province pages: no query per agency)."""
    from django.db.models import Q

    from .models import ReportingRule

    ids = [a.pk for a in agencies]
    rows = list(ReportingRule.objects.filter(Q(agency__isnull=True) | Q(agency_id__in=ids)))
    defaults = {r.kind: r for r in rows if r.agency_id is None}
    out = {pk: dict(defaults) for pk in ids}
    for r in rows:
        if r.agency_id is not None:
            out[r.agency_id][r.kind] = r
    return out


def resolve_many(agencies, text_or_code) -> dict[int, Period]:
    """agency id -> `resolve(agency, code)`, in one query for the calendar kinds (an ad hoc code resolves
    agency by agency: each agency numbers its own). Agencies without a rule for the kind are left out."""
    pc = text_or_code if isinstance(text_or_code, PeriodCode) else parse_period(text_or_code)
    if pc.kind == Kind.ADHOC:
        out = {}
        for agency in agencies:
            try:
                out[agency.pk] = resolve(agency, pc)
            except PeriodError:
                continue
        return out
    return {pk: apply_rule(pc, rules[pc.kind]) for pk, rules in rules_of_agencies(agencies).items()
            if pc.kind in rules}


def periods_of_year(agency, year: int, monthly: bool = False) -> list[Period]:
    """The agency's calendar for a year: quý I, 6 tháng, quý III, năm (and months when asked), ad hoc."""
    from .models import AdHocPeriod

    rules = rules_for(agency)
    out = []
    for kind in (Kind.Q1, Kind.H1, Kind.Q3, Kind.YEAR):
        if kind in rules:
            out.append(apply_rule(PeriodCode(year, kind), rules[kind]))
    if monthly and Kind.MONTH in rules:
        out.extend(apply_rule(PeriodCode(year, Kind.MONTH, month=m), rules[Kind.MONTH]) for m in range(1, 13))
    out.extend(a.as_period() for a in AdHocPeriod.objects.filter(agency=agency, year=year))
    return sorted(out, key=lambda p: (p.agency_due, p.code))


def periods_of_year_many(agencies, year: int) -> dict[int, list[Period]]:
    """agency id -> `periods_of_year(agency, year)` for many agencies in two queries (the reports index)."""
    from .models import AdHocPeriod

    adhoc: dict[int, list[Period]] = {}
    for a in AdHocPeriod.objects.filter(agency__in=[a.pk for a in agencies], year=year):
        adhoc.setdefault(a.agency_id, []).append(a.as_period())
    out = {}
    for pk, rules in rules_of_agencies(agencies).items():
        periods = [apply_rule(PeriodCode(year, kind), rules[kind])
                   for kind in (Kind.Q1, Kind.H1, Kind.Q3, Kind.YEAR) if kind in rules]
        out[pk] = sorted(periods + adhoc.get(pk, []), key=lambda p: (p.agency_due, p.code))
    return out


def period_of(agency, day: date, cycle: str) -> Period | None:
    """Which period of `cycle` ("month", "quarter", "half", "year") the day belongs to, on the agency's
    calendar: the one answer for an update (at its `codes.counting_day`), a dossier (its date), a survey
    answer (its date). "quarter" is the reporting cycle quý I / 6 tháng / quý III / năm: 20/03 belongs to
    the 6-month report, 20/12 to next year's quý I (its window opens 15/12)."""
    return period_for_day(day, cycle, rules_for(agency))


def cutoff_day_for(agency, checkin_end: date) -> int | None:
    """The cut-off day of the reporting rule whose period ends in the month `checkin_end` falls in (the
    monthly rule for months that end no fixed period)."""
    rules = rules_for(agency)
    rule = rules.get(KIND_ENDING_IN.get(checkin_end.month, Kind.MONTH)) or rules.get(Kind.MONTH)
    return rule.end_day if rule else None
