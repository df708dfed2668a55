"""Every XLSX the app writes puts its cells through this module (openpyxl). Dates print dd/mm/yyyy, aware
times in local time, numbers stay numbers, and text is always text: text that a spreadsheet could read as a
formula (starting with = + - @, a tab or a carriage return) is stored as a text cell with Excel's own
"quote prefix" mark, so it is shown exactly as typed and never computed, not even after editing the cell.
Control bytes XML cannot hold are dropped (openpyxl would refuse the whole file). Cells are typed: dates
are dates shown dd/mm/yyyy and a rate wrapped in `Percent` is a number shown as a percentage.

- `cell(ws, value, font=None)`: a cell for `ws.append([...])` (write-only or normal sheets);
- `put(ws, row, column, value)`: write one cell of a normal sheet at its place;
- `workbook_bytes(headers, rows)` and `xlsx_response(name, headers, rows)`: a one-sheet list export."""

import io
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What a spreadsheet may take as the start of a formula (OWASP "CSV injection"), tab and CR included.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class Percent(float):
    """A rate in percent (87.5) written as a number cell formatted "87,5%" (Excel's 0.875), not as text."""

    FORMAT = "0.0%"


def from_iso(value: str | None) -> date | None:
    """A stored ISO date ("2026-06-30", or a timestamp) as a date for a typed cell; None when empty."""
    return date.fromisoformat(value[:10]) if value else None


def cell_value(value):
    """The value as it is stored: dates and numbers as themselves, anything else as clean text."""
    if isinstance(value, Percent):
        return float(value) / 100
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, date | bool | int | float | Decimal) or value is None:
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def _finish(c, value, font=None):
    """`value` is the caller's value (a `Percent` keeps its format); the cell already holds the stored one."""
    if isinstance(value, Percent):
        c.number_format = Percent.FORMAT
    elif isinstance(c.value, str):
        c.data_type = "s"  # openpyxl makes "=…" a formula cell; it stays text
        if c.value.startswith(FORMULA_START):
            c.quotePrefix = True
    if isinstance(value, date):
        c.number_format = "DD/MM/YYYY" if not isinstance(value, datetime) else "DD/MM/YYYY HH:MM"
    if font is not None:
        c.font = font
    return c


def cell(ws, value, font=None):
    """A cell of `ws` holding `value` safely, to pass to `ws.append` (any sheet, write-only or not)."""
    return _finish(WriteOnlyCell(ws, value=cell_value(value)), value, font)


def put(ws, row: int, column: int, value, font=None):
    """Write `value` safely at (row, column) of a normal sheet; returns the cell for styling."""
    c = ws.cell(row=row, column=column)
    c.value = cell_value(value)
    return _finish(c, value, font)


def append(ws, values, font=None) -> None:
    """One row of safe cells at the end of `ws`."""
    ws.append([cell(ws, v, font) for v in values])


def workbook_bytes(headers, rows, title: str = "ChiSo") -> bytes:
    """One sheet: a bold header row, then one row per item."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    append(ws, [str(h) for h in headers], Font(bold=True))
    for row in rows:
        append(ws, row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_response(name: str, headers, rows) -> HttpResponse:
    """The download of a list: `name-YYYYMMDD.xlsx`."""
    stamp = timezone.localdate().strftime("%Y%m%d")
    response = HttpResponse(workbook_bytes(headers, rows, name), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.xlsx"'
    return response
