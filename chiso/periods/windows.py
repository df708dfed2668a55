"""Calendar windows: a month (2025-11), a quarter (2025-Q1..Q4), a half-year (2025-H1, 2025-H2) or a year
(2025-Y). The service KPIs (chiso.dossiers) compute over these; the reporting periods of `codes.py` (quý I
15/12–14/03, 6 tháng, quý III, năm) are windows of a reporting rule, not of the calendar."""

import calendar
import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

# months per period: the engine groups dossiers by (year * 12 + month - 1) // months
MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}
_CODE = re.compile(r"^\s*(\d{4})-(?:(\d{1,2})|Q([1-4])|H([12])|(Y))\s*$", re.IGNORECASE)


class PeriodError(ValueError):
    """A period code that cannot be read; the message is one Vietnamese sentence."""


@dataclass(frozen=True)
class KpiPeriod:
    code: str
    kind: str  # month, quarter, half, year
    start: date
    end: date

    @property
    def months(self) -> int:
        return MONTHS[self.kind]

    @property
    def index(self) -> int:
        """The engine's period number: (year * 12 + month - 1) // months of the first month."""
        return (self.start.year * 12 + self.start.month - 1) // self.months

    @property
    def label(self) -> str:
        y = self.start.year
        if self.kind == "month":
            return _("Tháng %(m)s/%(y)s") % {"m": self.start.month, "y": y}
        if self.kind == "quarter":
            return _("Quý %(q)s/%(y)s") % {"q": "I II III IV".split()[(self.start.month - 1) // 3], "y": y}
        if self.kind == "half":
            return (_("6 tháng đầu năm %(y)s") if self.start.month == 1 else _("6 tháng cuối năm %(y)s")) % {"y": y}
        return _("Năm %(y)s") % {"y": y}

    @property
    def window(self) -> str:
        return f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def from_index(kind: str, index: int) -> KpiPeriod:
    """The period number `index` of `kind` (the inverse of KpiPeriod.index)."""
    months = MONTHS[kind]
    first = index * months
    y, m = divmod(first, 12)
    ly, lm = divmod(first + months - 1, 12)
    start, end = date(y, m + 1, 1), _last_day(ly, lm + 1)
    if kind == "month":
        code = f"{y}-{m + 1:02d}"
    elif kind == "quarter":
        code = f"{y}-Q{m // 3 + 1}"
    elif kind == "half":
        code = f"{y}-H{m // 6 + 1}"
    else:
        code = f"{y}-Y"
    return KpiPeriod(code, kind, start, end)


def parse(text: str) -> KpiPeriod:
    raw = (text or "").strip()
    m = _CODE.match(raw)
    if not m:
        raise PeriodError(_("Kỳ “%(code)s” không hợp lệ: dùng dạng 2025-11, 2025-Q3, 2025-H1 hoặc 2025-Y.")
                          % {"code": raw})
    year = int(m.group(1))
    if not 2000 <= year <= 2100:
        raise PeriodError(_("Năm của kỳ “%(code)s” không hợp lệ (2000–2100).") % {"code": raw})
    if m.group(2):
        month = int(m.group(2))
        if not 1 <= month <= 12:
            raise PeriodError(_("Tháng của kỳ “%(code)s” phải từ 1 đến 12.") % {"code": raw})
        return from_index("month", year * 12 + month - 1)
    if m.group(3):
        return from_index("quarter", year * 4 + int(m.group(3)) - 1)
    if m.group(4):
        return from_index("half", year * 2 + int(m.group(4)) - 1)
    return from_index("year", year)


def of_year(year: int) -> list[KpiPeriod]:
    """Every period of a year: 12 months, 4 quarters, 2 halves, the year."""
    return ([from_index("month", year * 12 + m) for m in range(12)]
            + [from_index("quarter", year * 4 + q) for q in range(4)]
            + [from_index("half", year * 2 + h) for h in range(2)] + [from_index("year", year)])


def containing(kind: str, day: date) -> KpiPeriod:
    return from_index(kind, (day.year * 12 + day.month - 1) // MONTHS[kind])
