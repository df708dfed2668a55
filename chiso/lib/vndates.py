"""Vietnamese date phrases in plans: "ngày 12 tháng 7 năm 2025", "Trong năm 2025", "Thường xuyên".

Rule-based on purpose: dateparser gets "Trong năm 2025" wrong and knows nothing of "Thường xuyên".
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from chiso.lib.text import fold, squash

# Recurrence values of the plan-import contract.
ONCE, CONTINUOUS, ON_EVENT = "once", "continuous", "on_event"
MONTHLY, QUARTERLY, SEMIANNUAL, ANNUAL = "monthly", "quarterly", "semiannual", "annual"

_DMY = re.compile(r"(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})(?!\d)")
_DM = re.compile(r"(?<![\d/])(\d{1,2})\s*/\s*(\d{1,2})(?![\d/])")
_LONG = re.compile(r"ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})")
_MONTH_YEAR = re.compile(r"thang\s+(\d{1,2})\s*(?:/|nam)\s*(\d{4})")
_QUARTER = re.compile(r"quy\s+(iv|iii|ii|i|[1-4])\s*(?:/|nam)?\s*(\d{4})?")
_HALF = re.compile(r"6\s+thang\s+(dau|cuoi)\s+nam\s*(\d{4})?")
_YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
_ROMAN_Q = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def month_end(year: int, month: int) -> dt.date | None:
    if not 1 <= month <= 12:
        return None
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def parse_date(text: str | None) -> dt.date | None:
    """The first full date in text: "ngày 12 tháng 7 năm 2025" or "12/7/2025"."""
    f = fold(text)
    m = _LONG.search(f)
    if m:
        return safe_date(int(m[3]), int(m[2]), int(m[1]))
    m = _DMY.search(f)
    if m:
        return safe_date(int(m[3]), int(m[2]), int(m[1]))
    return None


def _all_dates(f: str, year: int | None) -> list[dt.date]:
    dates = [d for m in _LONG.finditer(f) if (d := safe_date(int(m[3]), int(m[2]), int(m[1])))]
    dates += [d for m in _DMY.finditer(f) if (d := safe_date(int(m[3]), int(m[2]), int(m[1])))]
    if not dates and year:
        stripped = _DMY.sub(" ", f)
        dates += [d for m in _DM.finditer(stripped) if (d := safe_date(year, int(m[2]), int(m[1])))]
    return dates


_CONTINUOUS = re.compile(r"^(thuong xuyen|lien tuc|hang ngay|hang tuan|trong suot|ca nam)")
_PERIODIC = [
    (re.compile(r"(hang|hang|moi|dinh ky( hang)?) thang|thang mot lan"), MONTHLY),
    (re.compile(r"(hang|moi|dinh ky( hang)?) quy|quy mot lan|thang cuoi cung ky bao cao"), QUARTERLY),
    (re.compile(r"(hang|moi|dinh ky) 6 thang|6 thang mot lan|nua nam"), SEMIANNUAL),
    (re.compile(r"(hang|moi|dinh ky( hang)?) nam|nam mot lan"), ANNUAL),
]
_EVENT = re.compile(
    r"\b(khi|sau khi|khi co|phat sinh|dot xuat|theo yeu cau|theo ke hoach|theo chi dao|theo huong dan"
    r"|theo tien do|theo lo trinh|truoc, sau|truoc va sau|truoc khi|ngay sau)\b"
)


def parse_timeframe(text: str | None, year: int | None = None) -> tuple[str | None, str | None]:
    """(due ISO date or None, recurrence or None) for a task's printed timeframe.

    "Trong năm 2025" -> ("2025-12-31", "once"); "Xong trước 31/10/2025" -> ("2025-10-31", "once");
    "Thường xuyên" -> (None, "continuous"); "Khi có phát sinh" -> (None, "on_event");
    "Trước ngày 15 của tháng cuối cùng kỳ báo cáo" -> (None, "quarterly"); "" -> (None, None).
    """
    f = squash(fold(text)).strip(" .;,")
    if not f:
        return None, None
    if _CONTINUOUS.match(f):
        return None, CONTINUOUS
    for pattern, recurrence in _PERIODIC:
        if pattern.search(f):
            return None, recurrence
    dates = _all_dates(f, year)
    if dates:
        return max(dates).isoformat(), ONCE
    m = _QUARTER.search(f)
    if m and (m[2] or year):
        y = int(m[2] or year)
        end = month_end(y, 3 * _ROMAN_Q[m[1]])
        return (end.isoformat() if end else None), ONCE
    m = _HALF.search(f)
    if m and (m[2] or year):
        y = int(m[2] or year)
        return dt.date(y, 6 if m[1] == "dau" else 12, 30 if m[1] == "dau" else 31).isoformat(), ONCE
    m = _MONTH_YEAR.search(f)
    if m:
        end = month_end(int(m[2]), int(m[1]))
        return (end.isoformat() if end else None), ONCE
    m = _YEAR.search(f)
    if m and re.search(r"\bnam\s+" + m[1], f):
        return f"{m[1]}-12-31", ONCE
    if re.fullmatch(r"(trong )?nam( nay)?", f) and year:
        return f"{year}-12-31", ONCE
    if _EVENT.search(f):
        return None, ON_EVENT
    if m:
        return f"{m[1]}-12-31", ONCE
    return None, None
