"""Plan documents made by the import tests (no binary fixtures in the repository)."""

from pathlib import Path

from docx import Document

SHARED = Path(__file__).resolve().parents[3].parent / "shared"
SEED_LABELS = sorted((SHARED / "seeds" / "labels").glob("*.json")) if SHARED.is_dir() else []

HEADER = ["STT", "Nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian hoàn thành"]

ROWS = [
    ("1", "Rà soát, công bố danh mục thủ tục hành chính thuộc lĩnh vực tư pháp",
     "Phòng Hành chính tư pháp", "Văn phòng Sở", "Trong năm 2026"),
    ("2", "Kiểm tra việc thi hành văn bản quy phạm pháp luật tại các xã",
     "Phong Xay dung va kiem tra van ban", "Các phòng, đơn vị thuộc Sở", "31/10/2026"),
    ("3", "Tổ chức đối thoại với người dân về giải quyết thủ tục hành chính",
     "Phòng Tiếp dân lưu động", "Văn phòng Sở", "Thường xuyên"),
]


def plan_docx(path: Path, rows=ROWS, number: str = "25/KH-STP",
              title: str = "Kế hoạch cải thiện Chỉ số CCHC năm 2026") -> Path:
    """A short plan: header block, one assignment table (STT | Nhiệm vụ | Chủ trì | Phối hợp | Thời gian)."""
    doc = Document()
    doc.add_paragraph("UBND TỈNH THỬ")
    doc.add_paragraph("SỞ TƯ PHÁP")
    doc.add_paragraph(f"Số: {number}" if number else "Số:      /KH-STP")
    doc.add_paragraph("Tỉnh Thử, ngày 10 tháng 3 năm 2026")
    doc.add_paragraph("KẾ HOẠCH")
    doc.add_paragraph(title.removeprefix("Kế hoạch ").strip())
    doc.add_paragraph("I. MỤC ĐÍCH, YÊU CẦU")
    doc.add_paragraph("Nâng cao chỉ số cải cách hành chính PAR INDEX của Sở năm 2026.")
    doc.add_paragraph("II. NHIỆM VỤ, GIẢI PHÁP")
    doc.add_paragraph("(Chi tiết tại Phụ lục kèm theo)")
    doc.add_paragraph("PHỤ LỤC: NHIỆM VỤ CẢI THIỆN CHỈ SỐ PAR INDEX NĂM 2026")
    table = doc.add_table(rows=1, cols=len(HEADER))
    for cell, text in zip(table.rows[0].cells, HEADER, strict=True):
        cell.text = text
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    doc.add_paragraph("Nơi nhận:")
    doc.add_paragraph("- Sở Nội vụ;")
    doc.add_paragraph("GIÁM ĐỐC")
    doc.add_paragraph("Nguyễn Văn Thử")
    doc.save(path)
    return path
