"""Period codes and the dates a period gets from a reporting rule. No database here.

A code names a reporting period: 2025-Q1 (quý I), 2025-H1 (6 tháng), 2025-Q3 (quý III), 2025-Y (năm),
2025-11 (a month), 2025-DX1 (the first ad hoc report of 2025). A rule (ReportingRule, or any object with its
fields) gives the period its data window — Q1 15/12 (previous year) – 14/03 by default — and the deadlines of
each level. `counting_day` says at which day an update counts, so that a check-in period and the reporting
period that covers it always agree (see docs/architecture.md, "The period rule")."""

import calendar
import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from chiso.lib import vndates


class PeriodError(ValueError):
    """A period code that cannot be read; the message is one Vietnamese sentence."""


class Kind:
    MONTH = "month"
    Q1 = "q1"
    H1 = "h1"
    Q3 = "q3"
    YEAR = "year"
    ADHOC = "adhoc"


# The last month of each fixed period (the deadlines fall in it).
LAST_MONTH = {Kind.Q1: 3, Kind.H1: 6, Kind.Q3: 9, Kind.YEAR: 12}
# The fixed kind that ends in a month, for the months that end one.
KIND_ENDING_IN = {month: kind for kind, month in LAST_MONTH.items()}
SUFFIX = {"Q1": Kind.Q1, "H1": Kind.H1, "Q3": Kind.Q3, "Y": Kind.YEAR}
CODE_SUFFIX = {v: k for k, v in SUFFIX.items()}
_CODE = re.compile(r"^\s*(\d{4})-(?:(Q[1-4])|(H[12])|(Y)|(\d{1,2})|DX(\d{1,3}))\s*$", re.IGNORECASE)

# Cycles: the kinds a day can be asked about, each a list of kinds tried in order of their end.
# "quarter" is the quarterly reporting cycle: quý I, 6 tháng, quý III, năm.
CYCLES = {
    "month": [Kind.MONTH],
    "quarter": [Kind.Q1, Kind.H1, Kind.Q3, Kind.YEAR],
    "half": [Kind.H1, Kind.YEAR],
    "year": [Kind.YEAR],
}
# Recurrences whose check-in periods are regular (months, quarters, halves, the year); "continuous" tasks
# report every quarter. Once and on-event tasks have none: their updates count on the day they are made.
RECURRING = {vndates.MONTHLY, vndates.QUARTERLY, vndates.SEMIANNUAL, vndates.ANNUAL, vndates.CONTINUOUS}


@dataclass(frozen=True)
class PeriodCode:
    """What a code says, before any rule is applied."""

    year: int
    kind: str
    month: int = 0  # monthly periods
    number: int = 0  # ad hoc periods (đột xuất)

    @property
    def code(self) -> str:
        if self.kind == Kind.MONTH:
            return f"{self.year}-{self.month:02d}"
        if self.kind == Kind.ADHOC:
            return f"{self.year}-DX{self.number}"
        return f"{self.year}-{CODE_SUFFIX[self.kind]}"


def parse_period(text: str) -> PeriodCode:
    """Read a period code; raise PeriodError with a clear Vietnamese message otherwise."""
    raw = (text or "").strip()
    hint = _("dùng dạng 2025-Q1, 2025-H1, 2025-Q3, 2025-Y, 2025-11 hoặc 2025-DX1")
    m = _CODE.match(raw)
    if not m:
        raise PeriodError(_("Kỳ báo cáo “%(code)s” không hợp lệ: %(hint)s.") % {"code": raw, "hint": hint})
    year = int(m.group(1))
    if not 2000 <= year <= 2100:
        raise PeriodError(_("Năm của kỳ báo cáo “%(code)s” không hợp lệ (2000–2100).") % {"code": raw})
    quarter, half, whole, month, adhoc = m.group(2), m.group(3), m.group(4), m.group(5), m.group(6)
    if quarter:
        if quarter.upper() not in SUFFIX:
            raise PeriodError(_("Kỳ báo cáo “%(code)s” không có: báo cáo quý chỉ có quý I (Q1) và quý III (Q3); "
                                "quý II là báo cáo 6 tháng (H1), quý IV là báo cáo năm (Y).") % {"code": raw})
        return PeriodCode(year, SUFFIX[quarter.upper()])
    if half:
        if half.upper() != "H1":
            raise PeriodError(_("Kỳ báo cáo “%(code)s” không có: 6 tháng cuối năm là báo cáo năm (Y).")
                              % {"code": raw})
        return PeriodCode(year, Kind.H1)
    if whole:
        return PeriodCode(year, Kind.YEAR)
    if month:
        if not 1 <= int(month) <= 12:
            raise PeriodError(_("Tháng của kỳ báo cáo “%(code)s” phải từ 1 đến 12.") % {"code": raw})
        return PeriodCode(year, Kind.MONTH, month=int(month))
    if int(adhoc) < 1:
        raise PeriodError(_("Số thứ tự của báo cáo đột xuất “%(code)s” phải từ 1.") % {"code": raw})
    return PeriodCode(year, Kind.ADHOC, number=int(adhoc))


def label_of(pc: PeriodCode, title: str = "") -> str:
    """How the period is named in a document's summary line: "quý I năm 2025"."""
    if pc.kind == Kind.MONTH:
        return _("tháng %(m)s năm %(y)s") % {"m": pc.month, "y": pc.year}
    if pc.kind == Kind.Q1:
        return _("quý I năm %(y)s") % {"y": pc.year}
    if pc.kind == Kind.H1:
        return _("6 tháng đầu năm %(y)s") % {"y": pc.year}
    if pc.kind == Kind.Q3:
        return _("quý III năm %(y)s") % {"y": pc.year}
    if pc.kind == Kind.YEAR:
        return _("năm %(y)s") % {"y": pc.year}
    return title or _("đột xuất số %(n)s năm %(y)s") % {"n": pc.number, "y": pc.year}


def shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def day_in(year: int, month: int, day: int) -> date:
    """The day of that month, clamped to its last day (31 means "the last day")."""
    return date(year, month, min(max(day, 1), calendar.monthrange(year, month)[1]))


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class Period:
    """A reporting period: data from `start` to `end`; deadlines of units, office, agency, province.
    `cutoff_day` is the rule's cut-off day of the month (14 by default); ad hoc periods have none."""

    code: str
    kind: str
    year: int
    label: str
    start: date
    end: date
    unit_due: date
    office_due: date
    agency_due: date
    province_due: date
    draft_days_before: int = 5
    cutoff_day: int | None = None

    @property
    def window(self) -> str:
        return f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def apply_rule(pc: PeriodCode, rule) -> Period:
    """Dates of a fixed or monthly period from one rule (an object with the ReportingRule fields)."""
    last_month = pc.month if pc.kind == Kind.MONTH else LAST_MONTH[pc.kind]
    sy, sm = shift_month(pc.year, last_month, -rule.start_months_before)
    return Period(
        code=pc.code, kind=pc.kind, year=pc.year, label=label_of(pc),
        start=day_in(sy, sm, rule.start_day), end=day_in(pc.year, last_month, rule.end_day),
        unit_due=day_in(pc.year, last_month, rule.unit_day),
        office_due=day_in(pc.year, last_month, rule.office_day),
        agency_due=day_in(pc.year, last_month, rule.agency_day),
        province_due=day_in(pc.year, last_month, rule.province_day),
        draft_days_before=rule.draft_days_before, cutoff_day=rule.end_day)


def counting_day(made_on: date, checkin_end: date | None = None, recurring: bool = False,
                 cutoff_day: int | None = 14) -> date:
    """The day an update counts at in reporting.

    An update filed for a check-in period of a recurring task counts at the reporting cut-off of the
    check-in's last month (`cutoff_day`, the rule's end day: 14/03 for "Quý I" 01/01–31/03 under the default
    calendar), so it lands in the reporting period of the same name — 2026-Q1 — whenever it was made.
    Anything else (a once or on-event task, a period opened by hand, an ad hoc report without a cut-off day)
    counts on the day it was made."""
    if recurring and checkin_end is not None and cutoff_day:
        return day_in(checkin_end.year, checkin_end.month, cutoff_day)
    return made_on


def period_for_day(day: date, cycle: str, rules: dict) -> Period | None:
    """The period of `cycle` ("month", "quarter", "half", "year") whose window contains `day`: of the kinds
    the cycle tries, the first (by end) whose window holds it. `rules` maps kind -> rule. None when the
    calendar has no rule for the cycle. Windows may reach into the previous year (Q1 starts 15/12), so the
    next year's periods are tried too."""
    if cycle not in CYCLES:
        raise PeriodError(_("Loại kỳ “%(cycle)s” không có (tháng, quý, 6 tháng, năm).") % {"cycle": cycle})
    candidates = []
    for year in (day.year - 1, day.year, day.year + 1):
        for kind in CYCLES[cycle]:
            rule = rules.get(kind)
            if rule is None:
                continue
            if kind == Kind.MONTH:
                candidates.extend(apply_rule(PeriodCode(year, kind, month=m), rule) for m in range(1, 13))
            else:
                candidates.append(apply_rule(PeriodCode(year, kind), rule))
    inside = sorted((p for p in candidates if p.contains(day)), key=lambda p: (p.end, p.start))
    return inside[0] if inside else None
