"""Every list exports to XLSX through this one writer (openpyxl, write-only). Cells are typed: dates are
dates shown dd/mm/yyyy, aware times in local time, rates (`Percent`) numbers shown as percentages, and text
is always text: a cell that starts with "=" is never a formula."""

import io
from datetime import date, datetime

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Percent(float):
    """A rate in percent (87.5) written as a number cell formatted "87,5%" (Excel's 0.875), not as text."""

    FORMAT = "0.0%"


def from_iso(value: str | None) -> date | None:
    """A stored ISO date ("2026-06-30", or a timestamp) as a date for a typed cell; None when empty."""
    return date.fromisoformat(value[:10]) if value else None


def typed(cell, value) -> None:
    """The number format a typed value needs on a cell (dates dd/mm/yyyy, rates as percentages)."""
    if isinstance(value, Percent):
        cell.value = float(value) / 100
        cell.number_format = Percent.FORMAT
    elif isinstance(value, datetime):
        cell.number_format = "DD/MM/YYYY HH:MM"
    elif isinstance(value, date):
        cell.number_format = "DD/MM/YYYY"


def _cell_value(value):
    if isinstance(value, Percent):
        return float(value) / 100
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, date) or value is None or isinstance(value, int | float):
        return value
    return str(value)


def _cell(ws, value, font=None) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=_cell_value(value))
    if cell.data_type == "f":  # typed text such as "=1+1" or "=HYPERLINK(…)" stays text
        cell.data_type = "s"
    if isinstance(value, Percent):
        cell.number_format = Percent.FORMAT
    elif isinstance(value, date):
        cell.number_format = "DD/MM/YYYY" if not isinstance(value, datetime) else "DD/MM/YYYY HH:MM"
    if font is not None:
        cell.font = font
    return cell


def workbook_bytes(headers, rows, title: str = "ChiSo") -> bytes:
    """One sheet: a bold header row, then one row per item."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    bold = Font(bold=True)
    ws.append([_cell(ws, str(h), bold) for h in headers])
    for row in rows:
        ws.append([_cell(ws, value) for value in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_response(name: str, headers, rows) -> HttpResponse:
    """The download of a list: `name-YYYYMMDD.xlsx`."""
    stamp = timezone.localdate().strftime("%Y%m%d")
    response = HttpResponse(workbook_bytes(headers, rows, name), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.xlsx"'
    return response
