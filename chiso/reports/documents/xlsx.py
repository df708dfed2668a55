"""The XLSX annex of an agency report (every task: status, unit, due, evidence references) and the
province roll-up workbook."""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from chiso.exports.xlsx import Percent, append, from_iso, put
from chiso.frameworks.models import IndexCode

INDEX_LABELS = {code: str(label) for code, label in IndexCode.choices}  # "PAR INDEX", never "PAR_INDEX"


def rate(value) -> Percent | None:
    return Percent(value) if value is not None else None


BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


def _sheet(wb, title: str, header: list[str], rows, widths: list[int]):
    """A sheet of typed cells: dates are dates (dd/mm/yyyy), rates numbers (0,0%), text never a formula."""
    ws = wb.create_sheet(title)
    for column, text in enumerate(header, 1):  # every cell through the shared writer: text never a formula
        put(ws, 1, column, text, BOLD).alignment = WRAP
    for row in rows:
        append(ws, row)
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A2"
    return ws


def _save(wb) -> bytes:
    del wb[wb.sheetnames[0]]
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def agency_xlsx(report) -> bytes:
    fig = report.figures or {}
    wb = Workbook()
    tasks = fig.get("tasks", [])
    _sheet(wb, "Nhiệm vụ", ["STT", "Số TT", "Nhiệm vụ", "Chỉ số", "Lĩnh vực", "Đơn vị chủ trì", "Hạn",
                            "Trạng thái", "Tiến độ (%)", "Tài liệu kiểm chứng", "Kết quả trong kỳ", "Nguyên nhân"],
           ([i, t["ref"], t["title"], INDEX_LABELS.get(t["index"], t["index"] or ""), t["field"], ", ".join(t["units"]),
             from_iso(t["due"]),
             t["status_label"], t["percent"], "; ".join(t["evidence"]), t["narrative"], t["cause"]]
            for i, t in enumerate(tasks, 1)) if tasks else [["", "", "Kỳ báo cáo không có số liệu"]],
           [6, 8, 60, 12, 30, 30, 12, 18, 10, 50, 50, 40])
    _sheet(wb, "Theo lĩnh vực", ["Chỉ số", "Lĩnh vực", "Tổng số", "Hoàn thành", "Đúng hạn", "Quá hạn",
                                 "Tỷ lệ hoàn thành"],
           ([f["index_label"], f["field"], f["total"], f["completed"], f["done"], f["overdue"],
             rate(f["rate_done"])] for f in fig.get("by_field", [])), [14, 40, 10, 12, 10, 10, 14])
    states = {"on_time": "Đúng hạn", "late": "Chậm hạn", "missing": "Chưa gửi"}
    _sheet(wb, "Báo cáo đơn vị", ["Đơn vị", "Tình trạng", "Ngày gửi"],
           ([u["unit"], states.get(u["state"], u["state"]), from_iso(u["submitted_at"])]
            for u in fig.get("units", [])),
           [40, 14, 14])
    wb.properties.title = f"Phụ lục báo cáo {report.period_label} — {report.agency.name}"
    return _save(wb)


def province_xlsx(rollup: dict) -> bytes:
    states = {"on_time": "Đúng hạn", "late": "Chậm hạn", "missing": "Chưa gửi"}
    wb = Workbook()
    _sheet(wb, "Cơ quan", ["Cơ quan", "Báo cáo", "Ngày gửi", "Hạn", "Tổng số nhiệm vụ", "Hoàn thành",
                           "Tỷ lệ hoàn thành", "Quá hạn"],
           ([ln["agency"], states[ln["state"]], from_iso(ln["issued_on"]), from_iso(ln["due"]),
             ln["counts"]["total"], ln["counts"]["completed"], rate(ln["counts"]["rate_done"]), len(ln["overdue"])]
            for ln in rollup["agencies"]), [40, 12, 12, 12, 10, 10, 12, 10])
    _sheet(wb, "Theo lĩnh vực", ["Cơ quan", "Chỉ số", "Lĩnh vực", "Tổng số", "Hoàn thành", "Tỷ lệ hoàn thành"],
           ([ln["agency"], f["index_label"], f["field"], f["total"], f["completed"], rate(f["rate_done"])]
            for ln in rollup["agencies"] for f in ln["by_field"]), [40, 14, 40, 10, 10, 14])
    _sheet(wb, "Quá hạn", ["Cơ quan", "Nhiệm vụ", "Đơn vị chủ trì", "Hạn", "Số ngày quá hạn", "Nguyên nhân"],
           ([ln["agency"], r["title"], ", ".join(r["units"]), from_iso(r["due"]), r["days_late"], r["cause"]]
            for ln in rollup["agencies"] for r in ln["overdue"]), [40, 60, 30, 12, 10, 40])
    return _save(wb)
