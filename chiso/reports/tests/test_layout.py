"""The Nghị định 30/2020 layout of the agency report, read back from the files (issue 10, item 5): the DOCX
through python-docx, the PDF as words with their positions (pdfplumber).

Page numbers centred at the top from page 2; the Quốc hiệu on one line; the signature block on the page of
the last paragraph; annex columns with their own widths; "Kèm theo Báo cáo số …" under each annex title;
the file's properties naming the agency and the report."""

import io
from datetime import date

import pdfplumber
import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm

from chiso.periods.calendar import resolve
from chiso.reports import actions
from chiso.reports.documents import QUOC_HIEU, render

from .helpers import confirmed_done, issued, late_with_cause

YEAR_END = date(2026, 12, 16)
LAST = "Đề nghị Sở Nội vụ tổ chức tập huấn nghiệp vụ cho công chức làm công tác cải cách hành chính."
REF = "(Kèm theo Báo cáo số 01/BC-STP ngày 17/12/2026 của Sở Tư pháp)"


def liberation_bold() -> str:
    """Liberation Serif Bold has Times New Roman's metrics: the width the Quốc hiệu takes in Word."""
    import subprocess

    path = subprocess.run(["fc-match", "-f", "%{file}", "Liberation Serif:bold"], capture_output=True, text=True,
                          check=True).stdout.strip()
    assert path.endswith("LiberationSerif-Bold.ttf"), path
    return path


@pytest.fixture
def report(world):
    """A report long enough for three pages of body, numbered."""
    world.home.parent_body = "UBND TỈNH AN PHÚ"
    world.home.save()
    confirmed_done(world, world.civil_task, done_on=date(2026, 6, 20))
    late_with_cause(world, world.laws_task, day=date(2026, 9, 25))
    period = resolve(world.home, "2026-Y")
    report = actions.do_compile_agency_report(world.people.office, world.home, period, YEAR_END)
    long = "\n".join(f"Nội dung chỉ đạo thứ {i}: cơ quan ban hành văn bản hướng dẫn, đôn đốc các đơn vị triển khai "
                     f"nhiệm vụ cải cách hành chính đúng tiến độ và báo cáo kết quả định kỳ." for i in range(1, 40))
    actions.do_save_agency_report(world.people.office, report, {
        "direction": long, "proposals": "Đề nghị bổ sung biên chế cho bộ phận một cửa.\n" + LAST,
        "signer_name": "Nguyễn Văn An"})
    return issued(world, report, date(2026, 12, 17))


@pytest.fixture
def docx(report):
    return Document(io.BytesIO(render("docx", report)))


@pytest.fixture
def pdf(report):
    with pdfplumber.open(io.BytesIO(render("pdf", report))) as doc:
        yield doc


def _fields(part) -> str:
    return "".join(el.text or "" for el in part._element.iter(qn("w:instrText")))


def test_docx_page_numbers_are_top_centre_from_page_two(docx):
    section = docx.sections[0]
    assert section.different_first_page_header_footer
    header = section.header.paragraphs[0]
    assert header.alignment == 1  # centre
    assert "PAGE" in _fields(section.header)
    assert "PAGE" not in _fields(section.first_page_header)
    assert "PAGE" not in _fields(section.footer) and "PAGE" not in _fields(section.first_page_footer)


def test_pdf_page_numbers_are_top_centre_from_page_two(pdf):
    assert len(pdf.pages) >= 3
    for n, page in enumerate(pdf.pages, 1):
        numbers = [w for w in page.extract_words() if w["text"].isdigit()]
        top = [w for w in numbers if w["top"] < 20 / 25.4 * 72]  # inside the 20 mm top margin
        bottom = [w for w in numbers if w["bottom"] > page.height - 20 / 25.4 * 72]
        assert not bottom, (n, bottom)
        if n == 1:
            assert not top
            continue
        assert [w["text"] for w in top] == [str(n)], n
        centre = (top[0]["x0"] + top[0]["x1"]) / 2
        text_centre = (30 + (210 - 20)) / 2 / 25.4 * 72  # between the 30 mm and 20 mm side margins
        assert abs(centre - text_centre) < 6, (n, centre, text_centre)


def test_quoc_hieu_fits_its_column_on_one_line(docx, pdf):
    from fontTools.ttLib import TTFont

    table = docx.tables[0]
    grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.iter(qn("w:gridCol"))]
    assert sum(grid) == pytest.approx(Cm(16).twips, abs=5)  # the text width of the page
    right = table.rows[0].cells[1].paragraphs[0]
    assert right.text == QUOC_HIEU
    size = right.runs[0].font.size.pt
    font = TTFont(liberation_bold())
    cmap, hmtx, upem = font.getBestCmap(), font["hmtx"], font["head"].unitsPerEm
    width_pt = sum(hmtx[cmap[ord(ch)]][0] for ch in QUOC_HIEU) / upem * size
    assert width_pt < grid[1] / 20  # twips -> points
    words = pdf.pages[0].extract_words()
    first = next(w for w in words if w["text"] == "CỘNG")
    line = [w["text"] for w in words if abs(w["top"] - first["top"]) < 2 and w["x0"] >= first["x0"]]
    assert " ".join(line) == QUOC_HIEU  # all of it on the line of its first word


def test_signature_block_is_kept_with_the_last_paragraph(docx, pdf):
    body = docx.element.body
    sign = docx.tables[1]
    before = sign._tbl.getprevious()
    assert before.tag == qn("w:p")
    last = next(p for p in docx.paragraphs if p._p is before)
    assert last.text == LAST and last.paragraph_format.keep_with_next
    assert sign.rows[0]._tr.trPr.find(qn("w:cantSplit")) is not None
    assert body is not None
    on_page = [n for n, page in enumerate(pdf.pages) if "Nơi nhận:" in (page.extract_text() or "")]
    assert len(on_page) == 1
    page_text = pdf.pages[on_page[0]].extract_text().replace("\n", " ")
    assert LAST[:60] in page_text
    assert "Nguyễn Văn An" in page_text


def test_annex_columns_have_their_own_widths_and_name_the_report(docx, pdf):
    annexes = docx.tables[2:]
    assert len(annexes) == 3
    for table in annexes:
        grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.iter(qn("w:gridCol"))]
        assert len(set(grid)) > 2, grid
        assert sum(grid) == pytest.approx(Cm(16).twips, rel=0.01)
        header = [c.text for c in table.rows[0].cells]
        widths = dict(zip(header, grid, strict=True))
        assert widths["STT"] < min(w for h, w in widths.items() if h != "STT")
    fields = dict(zip([c.text for c in annexes[0].rows[0].cells],
                      [int(c.get(qn("w:w"))) for c in annexes[0]._tbl.tblGrid.iter(qn("w:gridCol"))], strict=True))
    assert fields["Lĩnh vực"] >= 2 * fields["Tổng số"]
    texts = [p.text for p in docx.paragraphs]
    for title in ("Phụ lục I.", "Phụ lục II.", "Phụ lục III."):
        at = next(i for i, t in enumerate(texts) if t.startswith(title))
        assert texts[at + 1] == REF
    annex_pages = [p for p in pdf.pages if "Phụ lục" in (p.extract_text() or "")]
    assert len(annex_pages) >= 3
    for page in annex_pages:
        assert REF in page.extract_text().replace("\n", " ")


def test_the_files_name_the_agency_and_the_report(docx, pdf):
    core = docx.core_properties
    assert core.author == "Sở Tư pháp" and core.last_modified_by == "Sở Tư pháp"
    assert core.title == "Báo cáo Kết quả thực hiện công tác cải cách hành chính năm 2026"
    assert "python-docx" not in " ".join(str(getattr(core, k) or "") for k in (
        "author", "comments", "title", "subject", "keywords", "last_modified_by", "category"))
    assert pdf.metadata.get("Author") == "Sở Tư pháp"
    assert pdf.metadata.get("Title") == "Báo cáo Kết quả thực hiện công tác cải cách hành chính năm 2026"


def test_a_draft_leaves_the_number_of_the_annex_line_blank(world):
    period = resolve(world.home, "2026-Y")
    report = actions.do_compile_agency_report(world.people.office, world.home, period, YEAR_END)
    doc = Document(io.BytesIO(render("docx", report)))
    assert "(Kèm theo Báo cáo số       /BC-STP ngày    /   /     của Sở Tư pháp)" in [p.text for p in doc.paragraphs]


def _long_outline(rows: int):
    from chiso.reports.documents.common import Outline, Section

    header = ["STT", "Nhiệm vụ", "Đơn vị chủ trì", "Hạn", "Nguyên nhân"]
    body = [[str(i), f"Nhiệm vụ số {i}: rà soát, đơn giản hóa thủ tục hành chính và công bố kết quả",
             "Phòng Hành chính tư pháp", "30/06/2026", "Thiếu cán bộ chuyên trách"] for i in range(1, rows + 1)]
    return Outline(parent_body="UBND TỈNH AN PHÚ", issuer="SỞ TƯ PHÁP", number="Số: 01/BC-STP",
                   date_line="An Phú, ngày 17 tháng 12 năm 2026", title="BÁO CÁO", summary="Kết quả năm 2026",
                   recipient="Sở Nội vụ", sections=[Section("I. ĐỀ XUẤT", ["Không có."])], sign=["GIÁM ĐỐC"],
                   signer_name="Nguyễn Văn An", recipients=["- Sở Nội vụ;"],
                   annexes=[("Phụ lục II. NHIỆM VỤ QUÁ HẠN", header, body)], author="Sở Tư pháp")


def test_a_long_annex_repeats_its_header_and_stays_inside_the_margins():
    from chiso.reports.documents.pdf import outline_pdf

    with pdfplumber.open(io.BytesIO(outline_pdf(_long_outline(300)))) as doc:
        annex = doc.pages[1:]
        assert len(annex) >= 5
        numbers = []
        for page in annex:
            lines = page.extract_text().splitlines()
            at = next(i for i, ln in enumerate(lines) if ln.startswith("STT"))
            assert lines[at] == "STT Nhiệm vụ Đơn vị chủ trì Hạn Nguyên nhân"  # the header on every page
            words = page.extract_words()
            assert min(w["x0"] for w in words) >= 30 * 72 / 25.4 - 0.5
            assert max(w["x1"] for w in words) <= (210 - 20) * 72 / 25.4 + 0.5
            assert max(w["bottom"] for w in words) <= page.height - 20 * 72 / 25.4 + 0.5
            numbers += [int(ln.split()[0]) for ln in lines[at + 1:] if ln.split()[0].isdigit()
                        and " Nhiệm vụ số " in ln]
        assert numbers == list(range(1, 301))  # every row once, in order
        words = {w["text"] for w in annex[-1].extract_words()}  # wrapped cells: word by word, diacritics kept
        assert {"Phòng", "Hành", "pháp", "Thiếu", "cán", "bộ", "trách", "giản", "hóa", "thủ", "tục", "bố"} <= words


def test_a_row_taller_than_a_page_goes_on_over_the_next():
    from chiso.reports.documents.pdf import outline_pdf

    o = _long_outline(3)
    cause = " ".join(f"Nguyên nhân thứ {i} của việc chậm trễ." for i in range(400))
    o.annexes[0][2][1][4] = cause
    with pdfplumber.open(io.BytesIO(outline_pdf(o))) as doc:
        words = [w for p in doc.pages[1:] for w in p.extract_words()]
        assert len(doc.pages) >= 4
        for page in doc.pages[1:]:
            assert max(w["bottom"] for w in page.extract_words()) <= page.height - 20 * 72 / 25.4 + 0.5
    assert sum(w["text"] == "thứ" for w in words) == 400  # every line of the cause, none cut off


def test_a_missing_font_is_named(monkeypatch):
    from chiso.reports.documents import pdf

    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    monkeypatch.setattr(pdf, "FONT_DIRS", ("/nonexistent",))
    with pytest.raises(pdf.FontMissing, match="fonts-liberation"):
        pdf.font_file("Bold")
