"""The agency report's three files, read back: DOCX parts and figures (python-docx), PDF text, XLSX rows."""

import io
import shutil
import subprocess
from datetime import date

import pytest
from docx import Document
from openpyxl import load_workbook

from chiso.periods.calendar import resolve
from chiso.reports import actions
from chiso.reports.documents import date_line, render

from .helpers import confirmed_done, issued, late_with_cause

YEAR_END = date(2026, 12, 16)


@pytest.fixture
def report(world):
    world.home.parent_body = "UBND TỈNH AN PHÚ"
    world.home.save()
    world.province.name = "Tỉnh An Phú"
    world.province.save()
    confirmed_done(world, world.civil_task, done_on=date(2026, 6, 20))
    late_with_cause(world, world.laws_task, day=date(2026, 9, 25))
    period = resolve(world.home, "2026-Y")
    unit_report = actions.do_draft_unit_report(world.people.staff, world.home, world.civil, period, YEAR_END)
    actions.do_submit_unit_report(world.people.staff, unit_report, date(2026, 12, 14))
    return actions.do_compile_agency_report(world.people.office, world.home, period, YEAR_END)


def texts(doc):
    out = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            seen = set()
            for cell in row.cells:
                if id(cell._tc) in seen:
                    continue
                seen.add(id(cell._tc))
                out.extend(p.text for p in cell.paragraphs)
    return out


def test_date_line_leading_zeros():
    assert date_line("An Phú", date(2026, 2, 5)) == "An Phú, ngày 05 tháng 02 năm 2026"
    assert date_line("An Phú", date(2026, 11, 18)) == "An Phú, ngày 18 tháng 11 năm 2026"
    assert date_line("An Phú", date(2026, 3, 9)) == "An Phú, ngày 09 tháng 3 năm 2026"


def test_docx_has_the_nd30_parts_and_the_figures(world, report):
    report = issued(world, report, date(2026, 12, 17))
    doc = Document(io.BytesIO(render("docx", report)))
    head = doc.tables[0]
    left, right = head.rows[0].cells
    assert [p.text for p in left.paragraphs][:2] == ["UBND TỈNH AN PHÚ", "SỞ TƯ PHÁP"]
    assert left.paragraphs[1].runs[0].bold
    assert [p.text for p in right.paragraphs][:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                                      "Độc lập - Tự do - Hạnh phúc"]
    # borderless: the heading table has no style with borders
    assert head.style is None or "Grid" not in head.style.name
    number, when = head.rows[1].cells
    assert number.text == "Số: 01/BC-STP"
    assert when.text == "An Phú, ngày 17 tháng 12 năm 2026" and when.paragraphs[0].runs[0].italic
    paras = [p for p in doc.paragraphs if p.text]
    title = next(i for i, p in enumerate(paras) if p.text == "BÁO CÁO")
    assert paras[title].runs[0].bold
    assert paras[title + 1].text == "Kết quả thực hiện công tác cải cách hành chính năm 2026"
    assert paras[title + 1].runs[0].bold
    body = [p for p in paras if p.text.startswith("Tổng số nhiệm vụ theo kế hoạch")][0]
    assert "Tổng số nhiệm vụ theo kế hoạch: 2; đã hoàn thành 1 (50,0%)" in body.text
    assert "quá hạn chưa hoàn thành 1" in body.text
    assert body.alignment == 3 and body.paragraph_format.first_line_indent is not None  # justified, indented
    assert body.runs[0].font.name == "Times New Roman" and body.runs[0].font.size.pt == 14
    headings = [p.text for p in paras]
    for h in ("I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", "II. KẾT QUẢ THỰC HIỆN", "III. ĐÁNH GIÁ CHUNG", "1. Ưu điểm",
              "2. Hạn chế", "3. Nguyên nhân", "IV. NHIỆM VỤ TRỌNG TÂM KỲ TỚI", "V. ĐỀ XUẤT, KIẾN NGHỊ"):
        assert h in headings
    assert any("Thiếu cán bộ chuyên trách" in t for t in headings)  # the late task's cause
    sign = doc.tables[1]
    nn, signer = sign.rows[0].cells
    lines = [p.text for p in nn.paragraphs]
    assert lines[0] == "Nơi nhận:" and lines[-1] == "- Lưu: VT, VP."
    assert [p.text for p in signer.paragraphs][:2] == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    # annex tables: per field, overdue tasks, unit submissions
    all_text = texts(doc)
    assert "Phụ lục I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ THEO CHỈ SỐ, LĨNH VỰC" in all_text
    per_field = doc.tables[2]
    rows = [[c.text for c in r.cells] for r in per_field.rows]
    assert rows[0][:3] == ["STT", "Chỉ số", "Lĩnh vực"]
    assert ["1", "PAR INDEX", "Cải cách thể chế", "1", "0", "0", "1", "0,0%"] in rows
    overdue = [[c.text for c in r.cells] for r in doc.tables[3].rows]
    assert overdue[1][1] == "2. Rà soát văn bản quy phạm pháp luật"
    assert overdue[1][4] == "Thiếu cán bộ chuyên trách"
    units = [[c.text for c in r.cells] for r in doc.tables[4].rows]
    assert ["1", "Phòng Hành chính tư pháp", "Đúng hạn", "14/12/2026"] in units
    assert any(r[1] == "Phòng Xây dựng và kiểm tra văn bản" and r[2] == "Chưa gửi" for r in units)


def test_draft_leaves_number_and_date_blank(world, report):
    doc = Document(io.BytesIO(render("docx", report)))
    number, when = doc.tables[0].rows[1].cells
    assert number.text.startswith("Số: ") and number.text.endswith("/BC-STP") and "01" not in number.text
    assert when.text.startswith("An Phú, ngày ") and when.text.endswith("năm 2026")


def test_empty_period_gives_a_valid_report_that_says_so(world):
    world.province.name = "Tỉnh An Phú"
    world.province.save()
    period = resolve(world.home, "2024-Q3")
    report = actions.do_compile_agency_report(world.people.office, world.home, period, YEAR_END)
    doc = Document(io.BytesIO(render("docx", report)))
    text = "\n".join(texts(doc))
    assert "không có nhiệm vụ cải cách hành chính nào" in text
    assert "Không có số liệu" in text
    wb = load_workbook(io.BytesIO(render("xlsx", report)))
    assert wb["Nhiệm vụ"]["C2"].value == "Kỳ báo cáo không có số liệu"


def test_xlsx_annex_lists_every_task(world, report):
    wb = load_workbook(io.BytesIO(render("xlsx", report)))
    ws = wb["Nhiệm vụ"]
    header = [c.value for c in ws[1]]
    assert header[:10] == ["STT", "Số TT", "Nhiệm vụ", "Chỉ số", "Lĩnh vực", "Đơn vị chủ trì", "Hạn", "Trạng thái",
                           "Tiến độ (%)", "Tài liệu kiểm chứng"]
    rows = {r[1]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows["1"][5] == "Phòng Hành chính tư pháp"
    assert rows["1"][7] == "Hoàn thành" and "Số 15/BC-PHCTP ngày 20/06/2026" in rows["1"][9]
    assert rows["2"][7] == "Quá hạn" and rows["2"][11] == "Thiếu cán bộ chuyên trách"


def test_xlsx_cells_are_typed(world, report):
    """Issue 10: dates are dates shown dd/mm/yyyy, rates numbers shown as percentages, labels not codes."""
    from datetime import datetime

    wb = load_workbook(io.BytesIO(render("xlsx", report)))
    ws = wb["Nhiệm vụ"]
    due = ws["G2"]
    assert due.value == datetime(2026, 6, 30) and due.number_format == "DD/MM/YYYY"
    assert ws["D2"].value == "PAR INDEX"  # the label, not "PAR_INDEX"
    fields = wb["Theo lĩnh vực"]
    rates = [c for c in fields["G"][1:] if c.value is not None]
    assert rates and all(isinstance(c.value, int | float) and c.number_format == "0.0%" for c in rates)
    assert {c.value for c in rates} <= {0.0, 1.0}
    sent = wb["Báo cáo đơn vị"]["C2"]
    assert sent.value.date() == date(2026, 12, 14) and sent.number_format == "DD/MM/YYYY"


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "r.pdf"
    path.write_bytes(data)
    if shutil.which("pdftotext"):
        return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout
    import pypdfium2 as pdfium

    return "\n".join(page.get_textpage().get_text_range() for page in pdfium.PdfDocument(str(path)))


def test_pdf_renders_vietnamese(world, report, tmp_path):
    data = render("pdf", report)
    assert data.startswith(b"%PDF")
    text = pdf_text(data, tmp_path)
    for words in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "SỞ TƯ PHÁP",
                  "Kết quả thực hiện công tác cải cách hành chính năm 2026", "Nơi nhận:", "- Lưu: VT, VP.",
                  "Thiếu cán bộ chuyên trách", "Rà soát văn bản quy phạm pháp luật"):
        assert words in text, words
    fonts = subprocess.run(["pdffonts", str(tmp_path / "r.pdf")], capture_output=True, text=True).stdout
    assert "LiberationSerif" in fonts.replace("Liberation-Serif", "LiberationSerif")  # ReportLab's PostScript name
