"""Reporting periods: the one parser of period codes (2025-Q3, 2025-H1, 2025-Y, 2025-11, 2025-DX1) and
the dates a period gets from the agency's reporting rules (cut-off window, a deadline for each level).

Pure except `resolve`, which reads the editable rules (ReportingRule) and ad hoc periods."""

import calendar
import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _


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
SUFFIX = {"Q1": Kind.Q1, "H1": Kind.H1, "Q3": Kind.Q3, "Y": Kind.YEAR}
CODE_SUFFIX = {v: k for k, v in SUFFIX.items()}
_CODE = re.compile(r"^\s*(\d{4})-(?:(Q[1-4])|(H[12])|(Y)|(\d{1,2})|DX(\d{1,3}))\s*$", re.IGNORECASE)


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


@dataclass(frozen=True)
class Period:
    """A period with its dates: data from `start` to `end`; deadlines of units, office, agency, province."""

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

    @property
    def window(self) -> str:
        return f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"


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
        draft_days_before=rule.draft_days_before)


def resolve(agency, text_or_code) -> Period:
    """The period `text_or_code` for `agency`, with its dates from the agency's rule (else the default)."""
    from .models import AdHocPeriod, ReportingRule

    pc = text_or_code if isinstance(text_or_code, PeriodCode) else parse_period(text_or_code)
    if pc.kind == Kind.ADHOC:
        adhoc = AdHocPeriod.objects.filter(agency=agency, year=pc.year, number=pc.number).first()
        if adhoc is None:
            raise PeriodError(_("Cơ quan chưa có báo cáo đột xuất “%(code)s”.") % {"code": pc.code})
        return adhoc.as_period()
    rule = ReportingRule.for_agency(agency, pc.kind)
    if rule is None:
        raise PeriodError(_("Chưa có lịch báo cáo cho loại kỳ này."))
    return apply_rule(pc, rule)


def periods_of_year(agency, year: int, monthly: bool = False) -> list[Period]:
    """The agency's calendar for a year: quý I, 6 tháng, quý III, năm (and months when asked), ad hoc."""
    from .models import AdHocPeriod, ReportingRule

    rules = ReportingRule.rules_for(agency)
    out = []
    kinds = [Kind.Q1, Kind.H1, Kind.Q3, Kind.YEAR]
    for kind in kinds:
        if kind in rules:
            out.append(apply_rule(PeriodCode(year, kind), rules[kind]))
    if monthly and Kind.MONTH in rules:
        out.extend(apply_rule(PeriodCode(year, Kind.MONTH, month=m), rules[Kind.MONTH]) for m in range(1, 13))
    out.extend(a.as_period() for a in AdHocPeriod.objects.filter(agency=agency, year=year))
    return sorted(out, key=lambda p: (p.agency_due, p.code))
