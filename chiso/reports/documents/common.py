"""What the three formats of an agency report share: the outline and its headings, drawn from a report."""

from dataclasses import dataclass, field

from chiso.lib.numbers import format_vn_percent
from chiso.plans.status import Status

from . import date_line, recipients_lines, signing_lines


def pct(value) -> str:
    return format_vn_percent(value)


def dmy(iso: str | None) -> str:
    if not iso:
        return ""
    y, m, d = iso[:10].split("-")
    return f"{d}/{m}/{y}"


def paragraphs(text: str) -> list[str]:
    return [ln.strip() for ln in (text or "").splitlines() if ln.strip()]


@dataclass
class Section:
    heading: str
    paras: list[str] = field(default_factory=list)
    level: int = 1


@dataclass
class Outline:
    """An agency report ready to be drawn in any format."""

    parent_body: str
    issuer: str
    number: str
    date_line: str
    title: str
    summary: str
    recipient: str
    sections: list[Section]
    sign: list[str]
    signer_name: str
    recipients: list[str]
    annexes: list[tuple[str, list[str], list[list[str]]]]  # (title, header, rows)
    draft: bool = False
    author: str = ""  # the agency, in the file's properties
    annex_ref: str = ""  # "(Kèm theo Báo cáo số 01/BC-STP ngày 17/12/2026 của Sở Tư pháp)" under each annex title


# Relative widths of the annex columns, by header: a name or a cause is wide, a count narrow. A header not
# listed gets a width from its own length. Shared by the DOCX grid and the PDF's AnnexTable.
COLUMN_WEIGHTS = {
    "STT": 1.0, "Chỉ số": 2.0, "Lĩnh vực": 4.2, "Nhiệm vụ": 6.0, "Đơn vị chủ trì": 3.2, "Đơn vị": 5.0,
    "Cơ quan": 4.5, "Nguyên nhân": 4.2, "Hạn": 2.1, "Ngày gửi": 2.4, "Tình trạng": 2.4, "Báo cáo": 2.0,
    "Tổng số": 1.5, "Hoàn thành": 1.9, "Đúng hạn": 1.7, "Quá hạn": 1.6, "Tỷ lệ hoàn thành": 2.0, "Tỷ lệ": 1.6,
}


def column_widths(header: list[str], total: float) -> list[float]:
    """The width of each annex column (same unit as `total`), rounded to a millimetre, summing to `total`."""
    weights = [COLUMN_WEIGHTS.get(h, max(1.5, len(h) / 6)) for h in header]
    scale = total / sum(weights)
    widths = [round(w * scale, 1) for w in weights]
    widths[-1] = round(total - sum(widths[:-1]), 1)
    return widths


def field_lines(fig: dict) -> list[str]:
    return [f"- {f['index_label']} — {f['field']}: {f['total']} nhiệm vụ; hoàn thành {f['completed']} "
            f"({pct(f['rate_done'])}), đúng hạn {f[Status.DONE]}; quá hạn chưa hoàn thành {f[Status.OVERDUE]}."
            for f in fig.get("by_field", [])]


def target_line(t: dict) -> str:
    """One score target as an office reports it, leaving out what is not known ("hoàn thành 0/0" reads
    machine-made)."""
    parts = [f"mục tiêu {t['target']}" if t["target"] else "chưa đặt mục tiêu điểm"]
    if t["prev_score"]:
        parts.append(f"điểm năm trước {t['prev_score']}")
    parts.append(f"kết quả {t['result']}" if t["result"] else "kết quả chưa được công bố")
    if t["tasks"]:
        parts.append(f"đã hoàn thành {t['completed']}/{t['tasks']} nhiệm vụ của lĩnh vực")
    else:
        parts.append("kế hoạch không có nhiệm vụ của lĩnh vực trong kỳ")
    return f"- {t['index']} — {t['field']}: " + "; ".join(parts) + "."


def outline(report) -> Outline:
    fig = report.figures or {}
    agency = report.agency
    subs = fig.get("submissions", {})
    empty = fig.get("empty", True)
    results = paragraphs(report.results_intro)
    if empty and not results:
        results = ["Kỳ báo cáo không có số liệu: cơ quan chưa có nhiệm vụ nào trong kế hoạch đang thực hiện."]
    sections = [
        Section("I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", paragraphs(report.direction)),
        Section("II. KẾT QUẢ THỰC HIỆN", results),
    ]
    if not empty:
        sections.append(Section("1. Kết quả theo từng chỉ số, lĩnh vực", field_lines(fig), level=2))
        tgt = [target_line(t) for t in fig.get("targets", [])]
        sections.append(Section("2. Kết quả thực hiện mục tiêu so với kế hoạch",
                                tgt or ["Kế hoạch không đặt mục tiêu điểm cho kỳ này."], level=2))
    if subs.get("expected"):
        sections.append(Section("3. Tình hình báo cáo của các đơn vị" if not empty else "Tình hình báo cáo", [
            f"Số đơn vị phải báo cáo: {subs['expected']}; đã gửi {subs['submitted']} "
            f"(tỷ lệ {pct(subs['completeness'])}), đúng hạn {subs['on_time']} (tỷ lệ {pct(subs['timeliness'])}), "
            f"chậm {subs['late']}, chưa gửi {subs['missing']}."], level=2))
    sections += [
        Section("III. ĐÁNH GIÁ CHUNG"),
        Section("1. Ưu điểm", paragraphs(report.strengths) or ["Không có."], level=2),
        Section("2. Hạn chế", paragraphs(report.weaknesses) or ["Không có."], level=2),
        Section("3. Nguyên nhân", paragraphs(report.causes) or ["Không có."], level=2),
        Section("IV. NHIỆM VỤ TRỌNG TÂM KỲ TỚI", paragraphs(report.next_tasks)),
        Section("V. ĐỀ XUẤT, KIẾN NGHỊ", paragraphs(report.proposals) or ["Không có."]),
    ]
    no_data = [["", "Không có số liệu", "", "", "", "", "", ""]]
    annex_fields = [[str(i), f["index_label"], f["field"], str(f["total"]), str(f["completed"]),
                     str(f[Status.DONE]), str(f[Status.OVERDUE]), pct(f["rate_done"])]
                    for i, f in enumerate(fig.get("by_field", []), 1)]
    annex_overdue = [[str(i), f"{r['ref']}. {r['title']}" if r["ref"] else r["title"], ", ".join(r["units"]),
                      dmy(r["due"]), r["cause"] or "Chưa báo cáo nguyên nhân"]
                     for i, r in enumerate(fig.get("overdue", []), 1)]
    state_labels = {"on_time": "Đúng hạn", "late": "Chậm hạn", "missing": "Chưa gửi"}
    annex_units = [[str(i), u["unit"], state_labels.get(u["state"], u["state"]), dmy(u["submitted_at"])]
                   for i, u in enumerate(fig.get("units", []), 1)]
    annexes = [
        ("Phụ lục I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ THEO CHỈ SỐ, LĨNH VỰC",
         ["STT", "Chỉ số", "Lĩnh vực", "Tổng số", "Hoàn thành", "Đúng hạn", "Quá hạn", "Tỷ lệ hoàn thành"],
         annex_fields or no_data),
        ("Phụ lục II. NHIỆM VỤ QUÁ HẠN CHƯA HOÀN THÀNH",
         ["STT", "Nhiệm vụ", "Đơn vị chủ trì", "Hạn", "Nguyên nhân"],
         annex_overdue or [["", "Không có nhiệm vụ quá hạn", "", "", ""]]),
        ("Phụ lục III. TÌNH HÌNH GỬI BÁO CÁO CỦA CÁC ĐƠN VỊ", ["STT", "Đơn vị", "Tình trạng", "Ngày gửi"],
         annex_units or [["", "Không có đơn vị phải báo cáo", "", ""]]),
    ]
    return Outline(
        parent_body=(agency.parent_body or "").upper(), issuer=agency.name.upper(),
        number=f"Số: {report.number_symbol}",
        date_line=date_line(report.place, report.issued_on, report.end.year),
        title="BÁO CÁO",
        summary=f"Kết quả thực hiện công tác cải cách hành chính {report.period_label}",
        recipient=report.recipient, sections=sections,
        sign=signing_lines(report.authority, report.head_title, report.signer_title),
        signer_name=report.signer_name, recipients=recipients_lines(report.recipients), annexes=annexes,
        draft=not report.is_numbered, author=agency.name, annex_ref=annex_ref(report))


def annex_ref(report) -> str:
    """The line under each annex title naming the report it belongs to; a report not yet numbered leaves the
    number and the date blank for the clerk."""
    day = report.issued_on.strftime("%d/%m/%Y") if report.issued_on else "   /   /    "
    return f"(Kèm theo Báo cáo số {report.number_symbol} ngày {day} của {report.agency.name})"
