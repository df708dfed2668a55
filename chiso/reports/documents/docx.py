"""The agency report and the province summary as Word documents in the Nghị định 30/2020 layout:
parent body and issuing body top-left, Quốc hiệu and Tiêu ngữ top-right in a borderless two-column
table, number and symbol, italic place and date, bold title and summary with a short rule, Times New
Roman 14 justified with a first-line indent, the signing block beside "Nơi nhận", annex tables."""

import io
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt

from .common import Outline, Section, column_widths, outline

FONT = "Times New Roman"
BODY_PT = 14


def _rpr(size=None, bold=None, italic=None):
    """Run properties built directly (python-docx's property setters dominate the time of long tables)."""
    rpr = OxmlElement("w:rPr")
    fonts = OxmlElement("w:rFonts")
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    rpr.append(fonts)
    if bold:
        rpr.append(OxmlElement("w:b"))
    if italic:
        rpr.append(OxmlElement("w:i"))
    if size:
        for tag in ("w:sz", "w:szCs"):
            el = OxmlElement(tag)
            el.set(qn("w:val"), str(int(size * 2)))
            rpr.append(el)
    return rpr


def _run(paragraph, text: str, size=None, bold=None, italic=None):
    """Append a run with `text` to a python-docx paragraph."""
    r = OxmlElement("w:r")
    r.append(_rpr(size, bold, italic))
    t = OxmlElement("w:t")
    t.text = text
    t.set(qn("xml:space"), "preserve")
    r.append(t)
    paragraph._p.append(r)
    return r


def _font(run, size=None, bold=None, italic=None):
    """Fonts of a run made by python-docx (the few heading runs)."""
    old = run._element.find(qn("w:rPr"))
    if old is not None:
        run._element.remove(old)
    run._element.insert(0, _rpr(size, bold, italic))
    return run


def _para(container, text="", size=BODY_PT, bold=False, italic=False, align=None, indent=False, after=0,
          before=0):
    p = container.add_paragraph()
    fmt = p.paragraph_format
    fmt.space_after, fmt.space_before = Pt(after), Pt(before)
    fmt.line_spacing = 1.0
    if align is not None:
        p.alignment = align
    if indent:
        fmt.first_line_indent = Cm(1.27)
    if text:
        _run(p, text, size, bold, italic)
    return p


def _rule(container, width="――――――――"):
    """The short line under the issuer, the Tiêu ngữ and the title."""
    return _para(container, width, size=10, align=WD_ALIGN_PARAGRAPH.CENTER)


def new_document(landscape=False):
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(BODY_PT)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    return doc


def _cell_width(table, widths):
    """Widths per column, in the table grid (what Word and LibreOffice lay out by) and on every cell."""
    for column, w in zip(table.columns, widths, strict=False):
        column.width = w
    for row in table.rows:
        for cell, w in zip(row.cells, widths, strict=False):
            cell.width = w


def _no_cell_margins(table) -> None:
    """Cells without side margins: the Quốc hiệu needs the whole width of its column to stay on one line."""
    tblpr = table._tbl.tblPr
    mar = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), "0")
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    tblpr.append(mar)


HEAD_WIDTHS = (Cm(6), Cm(10))  # the issuer and the Quốc hiệu columns: 16 cm, the text width of the page


def header_block(doc, parent_body: str, issuer: str, number: str, date_text: str) -> None:
    """The two-column, borderless heading of NĐ 30/2020 (Mẫu 1.1)."""
    table = doc.add_table(rows=2, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _cell_width(table, HEAD_WIDTHS)
    _no_cell_margins(table)
    left, right = table.rows[0].cells
    center = WD_ALIGN_PARAGRAPH.CENTER
    left.paragraphs[0].alignment = center
    _font(left.paragraphs[0].add_run(parent_body), 13)
    _para(left, issuer, size=13, bold=True, align=center)
    _rule(left, "――――――")
    right.paragraphs[0].alignment = center
    _font(right.paragraphs[0].add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), 12, bold=True)
    _para(right, "Độc lập - Tự do - Hạnh phúc", size=13, bold=True, align=center)
    _rule(right, "―――――――――――")
    num, dat = table.rows[1].cells
    num.paragraphs[0].alignment = center
    _font(num.paragraphs[0].add_run(number), 13)
    dat.paragraphs[0].alignment = center
    _font(dat.paragraphs[0].add_run(date_text), 14, italic=True)


def title_block(doc, title: str, summary: str, recipient: str = "") -> None:
    center = WD_ALIGN_PARAGRAPH.CENTER
    _para(doc, title, size=14, bold=True, align=center, before=12)
    _para(doc, summary, size=14, bold=True, align=center)
    _rule(doc, "―――――――")
    if recipient:
        _para(doc, f"Kính gửi: {recipient}", size=14, align=center, after=6)


def body(doc, sections: list[Section]) -> None:
    just = WD_ALIGN_PARAGRAPH.JUSTIFY
    last = None
    for s in sections:
        last = _para(doc, s.heading, bold=True, align=just, indent=True, before=6, after=3)
        last.paragraph_format.keep_with_next = True  # a heading never ends a page
        for text in s.paras:
            last = _para(doc, text, align=just, indent=True, after=3)
            last.paragraph_format.line_spacing = 1.15
    if last is not None:  # NĐ 30: the signature never stands alone on a page, it goes with the last paragraph
        last.paragraph_format.keep_with_next = True
        last.paragraph_format.keep_together = True


def signing_block(doc, sign: list[str], signer_name: str, recipients: list[str]) -> None:
    table = doc.add_table(rows=1, cols=2)
    table.autofit = False
    _cell_width(table, [Cm(8), Cm(8)])
    left, right = table.rows[0].cells
    _font(left.paragraphs[0].add_run("Nơi nhận:"), 12, bold=True, italic=True)
    for line in recipients:
        _para(left, line, size=11)
    center = WD_ALIGN_PARAGRAPH.CENTER
    right.paragraphs[0].alignment = center
    _font(right.paragraphs[0].add_run(sign[0]), 14, bold=True)
    for line in sign[1:]:
        if line:
            _para(right, line, size=14, bold=True, align=center)
    for _i in range(3):
        _para(right, "")
    _para(right, signer_name or "", size=14, bold=True, align=center)
    trpr = table.rows[0]._tr.get_or_add_trPr()  # the block is one row that never splits across pages
    trpr.append(OxmlElement("w:cantSplit"))
    for cell in (left, right):
        for p in cell.paragraphs[:-1]:
            p.paragraph_format.keep_with_next = True


TEXT_WIDTH_CM = 16.0


def grid_table(doc, header: list[str], rows: list[list[str]], size=11) -> None:
    """A ruled table with a width per column (a name column wide, a number narrow: `column_widths`), its
    header repeated on every page. Written as one XML fragment parsed once: python-docx's per-cell calls
    took most of the time of a long annex (500 tasks: 0.23 s → 0.06 s for the whole file)."""
    widths = [round(Cm(w).twips) for w in column_widths(header, TEXT_WIDTH_CM)]
    fonts = f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>'
    sizes = f'<w:sz w:val="{size * 2}"/><w:szCs w:val="{size * 2}"/>'
    plain, bold_rpr = f"<w:rPr>{fonts}{sizes}</w:rPr>", f"<w:rPr>{fonts}<w:b/>{sizes}</w:rPr>"
    cells = [f'<w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr>' for w in widths]
    parts = [f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/>'
             '<w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" '
             'w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>',
             *(f'<w:gridCol w:w="{w}"/>' for w in widths), "</w:tblGrid>"]
    for values in [header, *rows]:
        bold = values is header
        parts.append("<w:tr><w:trPr><w:tblHeader/></w:trPr>" if bold else "<w:tr>")
        for value, tcpr in zip(values, cells, strict=False):
            text = str(value)
            jc = '<w:pPr><w:jc w:val="center"/></w:pPr>' if bold or _is_number(text) else ""
            rpr = bold_rpr if bold else plain
            parts.append(f'<w:tc>{tcpr}<w:p>{jc}<w:r>{rpr}<w:t xml:space="preserve">{_xml_text(text)}</w:t>'
                         "</w:r></w:p></w:tc>")
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    doc.element.body._insert_tbl(parse_xml("".join(parts)))


def _xml_text(text: str) -> str:
    """Text safe inside <w:t>: XML escapes, and no control character (invalid in XML 1.0)."""
    return escape("".join(ch for ch in text if ch >= " " or ch in "\t"))


def _is_number(value) -> bool:
    text = str(value).replace(",", "").replace("%", "").replace("/", "").strip()
    return text.isdigit()


def annexes(doc, items, annex_ref: str = "") -> None:
    for title, header, rows in items:
        p = doc.add_paragraph()
        p.add_run().add_break(WD_BREAK.PAGE)
        _para(doc, title, size=13, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        if annex_ref:
            _para(doc, annex_ref, size=13, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        _para(doc, "", size=6, after=6)
        grid_table(doc, header, rows)


def page_numbers(doc) -> None:
    """NĐ 30/2020: page numbers in Arabic figures, centred in the top margin, not on the first page."""
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    section.header_distance = Cm(1)
    header = section.header
    header.is_linked_to_previous = False
    p = header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, None), ("end", None)):
        r = OxmlElement("w:r")
        r.append(_rpr(13))
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            r.append(fld)
        elif text:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {text} "
            r.append(instr)
        else:
            t = OxmlElement("w:t")
            t.text = "2"
            r.append(t)
        p._p.append(r)
    section.first_page_header.paragraphs[0].text = ""  # page 1 carries no number


def metadata(doc, o: Outline) -> None:
    """The file's properties say who issued it and what it is, not the library that wrote it."""
    core = doc.core_properties
    core.title = f"{o.title.capitalize()} {o.summary}"
    core.subject = o.summary
    core.author = core.last_modified_by = o.author or o.issuer
    core.comments = ""
    core.keywords = "cải cách hành chính; báo cáo"
    core.category = "Báo cáo"
    core.language = "vi-VN"


def outline_docx(o: Outline) -> bytes:
    doc = new_document()
    header_block(doc, o.parent_body, o.issuer, o.number, o.date_line)
    title_block(doc, o.title, o.summary, o.recipient)
    body(doc, o.sections)
    signing_block(doc, o.sign, o.signer_name, o.recipients)
    annexes(doc, o.annexes, o.annex_ref)
    page_numbers(doc)
    metadata(doc, o)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def agency_docx(report) -> bytes:
    return outline_docx(outline(report))


def province_docx(rollup: dict, coordinator, place: str, day=None) -> bytes:
    from . import date_line, recipients_lines, signing_lines
    from .common import pct

    states = {"on_time": "Đúng hạn", "late": "Chậm hạn", "missing": "Chưa gửi"}
    lines = rollup["agencies"]
    c = rollup["counts"]
    o = Outline(
        parent_body=(coordinator.parent_body or "").upper(), issuer=coordinator.name.upper(),
        number=f"Số:       /BC-{coordinator.code}", date_line=date_line(place, day, int(rollup["period"][:4])),
        title="BÁO CÁO",
        summary=f"Tổng hợp tình hình báo cáo và kết quả cải cách hành chính của các cơ quan {rollup['label']}",
        recipient="Ủy ban nhân dân tỉnh",
        sections=[
            Section("I. TÌNH HÌNH GỬI BÁO CÁO", [
                f"Số cơ quan phải báo cáo: {len(lines)}; gửi đúng hạn {rollup['on_time']}, chậm hạn "
                f"{rollup['late']}, chưa gửi {rollup['missing']}."]),
            Section("II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ", [
                f"Tổng số nhiệm vụ: {c['total']}; hoàn thành {c['completed']} ({pct(c['rate_done'])}); "
                f"quá hạn chưa hoàn thành {rollup['overdue_total']}."] + [
                f"- {f['index_label']} — {f['field']}: hoàn thành {f['completed']}/{f['total']} "
                f"({pct(f['rate_done'])})." for f in rollup["by_field"]]),
        ],
        sign=signing_lines("KT.", "GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"), signer_name="", author=coordinator.name,
        annex_ref=f"(Kèm theo Báo cáo số       /BC-{coordinator.code} của {coordinator.name})",
        recipients=recipients_lines("- UBND tỉnh (b/c);\n- Các sở, ban, ngành;"),
        annexes=[("Phụ lục. TÌNH HÌNH BÁO CÁO VÀ KẾT QUẢ CỦA TỪNG CƠ QUAN",
                  ["STT", "Cơ quan", "Báo cáo", "Ngày gửi", "Tổng số", "Hoàn thành", "Tỷ lệ", "Quá hạn"],
                  [[str(i), ln["agency"], states[ln["state"]], _dmy(ln["issued_on"]), str(ln["counts"]["total"]),
                    str(ln["counts"]["completed"]), pct(ln["counts"]["rate_done"]), str(len(ln["overdue"]))]
                   for i, ln in enumerate(lines, 1)] or [["", "Không có cơ quan", "", "", "", "", "", ""]])],
        draft=True)
    return outline_docx(o)


def _dmy(iso):
    from .common import dmy

    return dmy(iso)
