"""The agency report as PDF, drawn with ReportLab in Liberation Serif (Times New Roman's metrics, with every
Vietnamese glyph), in the Nghị định 30/2020 layout of the DOCX: A4, margins 20 mm top and bottom, 30 mm left,
20 mm right; page numbers centred at the top from page 2.

The body is a handful of Platypus paragraphs. The annex tables are `AnnexTable`, a flowable that wraps every
cell once (simpleSplit) and splits by row index, so a table of 5,000 rows costs time in proportion to its rows:
Platypus' own Table re-measures the remaining rows at each page break.

The same outline drawn by templates/reports/document.html and WeasyPrint (`html_pdf`) is kept for
bench/report_bench.py, which measures the two side by side."""

import functools
import shutil
import subprocess
from bisect import bisect_right
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

from django.template.loader import render_to_string
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.fonts import addMapping
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from .common import Outline, column_widths, outline

MM = 72 / 25.4
PAGE_W, PAGE_H = 210 * MM, 297 * MM
TOP, BOTTOM, LEFT, RIGHT = 20 * MM, 20 * MM, 30 * MM, 20 * MM  # NĐ 30/2020: 20–25, 20–25, 30–35, 15–20 mm
TEXT_W = PAGE_W - LEFT - RIGHT
FONT, BOLD, ITALIC, BOLD_ITALIC = "LiberationSerif", "LiberationSerif-Bold", "LiberationSerif-Italic", \
    "LiberationSerif-BoldItalic"
FONT_FILES = {FONT: "Regular", BOLD: "Bold", ITALIC: "Italic", BOLD_ITALIC: "BoldItalic"}
FONT_DIRS = ("/usr/share/fonts/truetype/liberation2", "/usr/share/fonts/truetype/liberation",
             "/usr/share/fonts/liberation", "/usr/share/fonts/liberation-serif")


class FontMissing(RuntimeError):
    pass


def font_file(style: str) -> Path:
    """The Liberation Serif TTF of a style (Regular, Bold, …): fontconfig's answer, else the usual Debian and
    Fedora folders."""
    name = f"LiberationSerif-{style}.ttf"
    if shutil.which("fc-match"):
        pattern = "Liberation Serif" + {"Regular": "", "Bold": ":bold", "Italic": ":italic",
                                        "BoldItalic": ":bold:italic"}[style]
        found = subprocess.run(["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True,  # noqa: S607
                               check=False).stdout.strip()
        if found.endswith(name) and Path(found).is_file():
            return Path(found)
    for folder in FONT_DIRS:
        if (Path(folder) / name).is_file():
            return Path(folder) / name
    raise FontMissing(f"{name} not found: install Debian's fonts-liberation2 (or fonts-liberation) to draw "
                      "report PDFs")


@functools.cache
def register_fonts() -> None:
    """Register the four faces once per process (ReportLab keeps them in a global registry)."""
    for name, style in FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(font_file(style))))
    for bold, italic, name in ((0, 0, FONT), (1, 0, BOLD), (0, 1, ITALIC), (1, 1, BOLD_ITALIC)):
        addMapping(FONT, bold, italic, name)


def _styles():
    base = ParagraphStyle("base", fontName=FONT, fontSize=14, leading=17.5)
    indent = 1.27 / 2.54 * 72
    return {
        "draft": ParagraphStyle("draft", base, fontSize=10, leading=12, alignment=TA_RIGHT, textColor="#888888"),
        "parent": ParagraphStyle("parent", base, fontSize=13, leading=16, alignment=TA_CENTER),
        "issuer": ParagraphStyle("issuer", base, fontName=BOLD, fontSize=13, leading=16, alignment=TA_CENTER),
        "qh": ParagraphStyle("qh", base, fontName=BOLD, fontSize=12, leading=15, alignment=TA_CENTER),
        "tn": ParagraphStyle("tn", base, fontName=BOLD, fontSize=13, leading=16, alignment=TA_CENTER),
        "num": ParagraphStyle("num", base, fontSize=13, leading=16, alignment=TA_CENTER),
        "date": ParagraphStyle("date", base, fontName=ITALIC, alignment=TA_CENTER),
        "title": ParagraphStyle("title", base, fontName=BOLD, alignment=TA_CENTER, spaceBefore=14),
        "summary": ParagraphStyle("summary", base, fontName=BOLD, alignment=TA_CENTER),
        "to": ParagraphStyle("to", base, alignment=TA_CENTER, spaceBefore=6, spaceAfter=6),
        "h2": ParagraphStyle("h2", base, fontName=BOLD, alignment=TA_JUSTIFY, firstLineIndent=indent,
                             spaceBefore=6, spaceAfter=3, keepWithNext=1),  # never last on a page
        "b": ParagraphStyle("b", base, alignment=TA_JUSTIFY, firstLineIndent=indent, spaceAfter=3),
        "nn_head": ParagraphStyle("nn_head", base, fontName=BOLD_ITALIC, fontSize=12, leading=15, alignment=TA_LEFT),
        "nn": ParagraphStyle("nn", base, fontSize=11, leading=13.75, alignment=TA_LEFT),
        "signer": ParagraphStyle("signer", base, fontName=BOLD, alignment=TA_CENTER),
        "annex": ParagraphStyle("annex", base, fontName=BOLD, fontSize=13, leading=16, alignment=TA_CENTER,
                                spaceBefore=6),
        "ref": ParagraphStyle("ref", base, fontName=ITALIC, fontSize=13, leading=16, alignment=TA_CENTER,
                              spaceAfter=8),
    }


class Rule(Flowable):
    """A short horizontal line centred under a heading (under the issuer, the Quốc hiệu and the title)."""

    def __init__(self, width: float, before: float = 4, after: float = 4):
        super().__init__()
        self.length, self.before, self.after = width, before, after

    def wrap(self, avail_w, avail_h):
        self.avail_w = avail_w
        return avail_w, self.before + self.after

    def draw(self):
        x = (self.avail_w - self.length) / 2
        self.canv.setLineWidth(0.6)
        self.canv.line(x, self.after, x + self.length, self.after)


class AnnexTable(Flowable):
    """An annex table as in the DOCX: 0.5 pt grid, 11 pt text, 2 pt × 4 pt padding, bold centred header
    repeated on every page, numbers and dates centred, cells top-aligned and wrapped once. A slice of rows
    [start, end) of shared, pre-wrapped data."""

    size, leading, pad_x, pad_y = 11, 13.2, 4, 2

    def __init__(self, header, rows, widths, data=None, start=0, end=None):
        super().__init__()
        self.widths = widths
        if data is None:
            data = self._prepare(header, rows)
        self.data = data  # (header lines, header height, [row lines], cumulative heights)
        self.start, self.end = start, len(data[2]) if end is None else end

    def _wrap_cell(self, text, font, width, centred=False):
        """(lines, centred): centred for a header and for a number or a date, as the DOCX's grid_table."""
        if not text:
            return [], False
        centred = centred or text.replace(",", "").replace("%", "").replace("/", "").strip().isdigit()
        if "\n" not in text and stringWidth(text, font, self.size) <= width:
            return [text], centred  # most cells: one line, one width measured
        return simpleSplit(text, font, self.size, width), centred

    def _prepare(self, header, rows):
        inner = [w - 2 * self.pad_x for w in self.widths]
        head = [self._wrap_cell(h, BOLD, w, centred=True) for h, w in zip(header, inner, strict=True)]
        head_h = max(1, *(len(c[0]) for c in head)) * self.leading + 2 * self.pad_y
        # a row taller than a page goes on in rows of its own below it, so no row is ever cut off by the margin
        most = max(1, int((PAGE_H - TOP - BOTTOM - head_h - 2 * self.pad_y) // self.leading))
        lines, tops = [], [0.0]
        for row in rows:
            cells = [self._wrap_cell(str(c), FONT, w) for c, w in zip(row, inner, strict=True)]
            tall = max(1, *(len(c[0]) for c in cells))
            for at in range(0, tall, most):
                lines.append([(c[0][at:at + most], c[1]) for c in cells])
                tops.append(tops[-1] + min(most, tall - at) * self.leading + 2 * self.pad_y)
        return head, head_h, lines, tops

    def _height(self, start, end):
        tops = self.data[3]
        return self.data[1] + tops[end] - tops[start]

    def wrap(self, avail_w, avail_h):
        return sum(self.widths), self._height(self.start, self.end)

    def split(self, avail_w, avail_h):
        tops = self.data[3]
        # the rows whose bottom fits under the header here; none: the table starts on the next page
        fit = bisect_right(tops, tops[self.start] + avail_h - self.data[1], self.start, self.end + 1) - 1
        if fit <= self.start:
            return [] if self.start < self.end else [self]
        if fit >= self.end:
            return [self]
        return [AnnexTable(None, None, self.widths, self.data, self.start, fit),
                AnnexTable(None, None, self.widths, self.data, fit, self.end)]

    def _draw_row(self, canv, y, cells, height, font):
        x = 0.0
        text = canv.beginText()
        text.setFont(font, self.size, self.leading)
        for (lines, centred), w in zip(cells, self.widths, strict=True):
            baseline = y - self.pad_y - self.size * 0.891  # Liberation Serif's ascent
            for line in lines:
                lx = x + (w - stringWidth(line, font, self.size)) / 2 if centred else x + self.pad_x
                text.setTextOrigin(lx, baseline)
                text.textOut(line)
                baseline -= self.leading
            x += w
        canv.drawText(text)
        return y - height

    def draw(self):
        canv = self.canv
        head, head_h, lines, tops = self.data
        top = self._height(self.start, self.end)
        y = self._draw_row(canv, top, head, head_h, BOLD)
        edges = [top, y]
        for i in range(self.start, self.end):
            y = self._draw_row(canv, y, lines[i], tops[i + 1] - tops[i], FONT)
            edges.append(y)
        canv.setLineWidth(0.5)
        width = sum(self.widths)
        path = canv.beginPath()
        for e in edges:
            path.moveTo(0, e)
            path.lineTo(width, e)
        x = 0.0
        for w in [0.0, *self.widths]:
            x += w
            path.moveTo(x, top)
            path.lineTo(x, y)
        canv.drawPath(path, stroke=1, fill=0)



def _p(text: str, style):
    return Paragraph(escape(text), style)


def _header(o: Outline, st):
    left, right = 0.4 * TEXT_W, 0.6 * TEXT_W
    issuer_w = min(stringWidth(o.issuer, BOLD, 13), left) * 0.5
    motto_w = stringWidth("Độc lập - Tự do - Hạnh phúc", BOLD, 13)
    cells = [
        [[_p(o.parent_body, st["parent"]), _p(o.issuer, st["issuer"]), Rule(max(issuer_w, 20 * MM))],
         [_p("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", st["qh"]), _p("Độc lập - Tự do - Hạnh phúc", st["tn"]),
          Rule(motto_w)]],
        [_p(o.number, st["num"]), _p(o.date_line, st["date"])],
    ]
    table = Table(cells, colWidths=[left, right])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, 0), 0),
                               ("TOPPADDING", (0, 1), (-1, 1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _signature(o: Outline, st):
    left = [_p("Nơi nhận:", st["nn_head"]), *[_p(r, st["nn"]) for r in o.recipients]]
    right = [*[_p(line, st["signer"]) for line in o.sign], Spacer(1, 60), _p(o.signer_name, st["signer"])]
    table = Table([[left, right]], colWidths=[TEXT_W / 2, TEXT_W / 2])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 6)]))
    return table


def story(o: Outline) -> list:
    """The flowables of the report, in the order of templates/reports/document.html."""
    st = _styles()
    flow = []
    if o.draft:
        flow.append(_p("DỰ THẢO", st["draft"]))
    flow += [_header(o, st), _p(o.title, st["title"]), _p(o.summary, st["summary"]), Rule(30 * MM, 5, 6)]
    if o.recipient:
        flow.append(_p(f"Kính gửi: {o.recipient}", st["to"]))
    for s in o.sections[:-1]:
        flow.append(_p(s.heading, st["h2"]))
        flow += [_p(p, st["b"]) for p in s.paras]
    last = o.sections[-1]
    # the signature block is never alone on a page: it is kept with the last paragraph
    kept = [_p(last.heading, st["h2"])]
    if last.paras:
        # a heading is kept with what follows it (keepWithNext cannot join a KeepTogether: it goes inside)
        if len(last.paras) > 1:
            flow += [kept.pop(), *[_p(p, st["b"]) for p in last.paras[:-1]]]
        kept.append(_p(last.paras[-1], st["b"]))
    flow.append(KeepTogether([*kept, _signature(o, st)]))
    for title, header, rows in o.annexes:
        flow += [PageBreak(), _p(title, st["annex"])]
        if o.annex_ref:
            flow.append(_p(o.annex_ref, st["ref"]))
        flow.append(AnnexTable(header, rows, [w * MM for w in column_widths(header, TEXT_W / MM)]))
    return flow


def _page_number(canv, doc):
    """NĐ 30/2020: the page number centred in the top margin, none on the first page."""
    canv.setFont(FONT, 13)
    canv.drawCentredString(LEFT + TEXT_W / 2, PAGE_H - TOP + 4 * MM, str(doc.page))


def outline_pdf(o: Outline) -> bytes:
    register_fonts()
    out = BytesIO()
    doc = BaseDocTemplate(out, pagesize=(PAGE_W, PAGE_H), topMargin=TOP, bottomMargin=BOTTOM, leftMargin=LEFT,
                          rightMargin=RIGHT, title=f"{o.title.lower().capitalize()} {o.summary}",
                          author=o.author or o.issuer, subject=o.summary, creator="ChiSo", lang="vi")
    # one frame of the whole text width: Platypus' default 6 pt frame padding would narrow the margins
    frame = Frame(LEFT, BOTTOM, TEXT_W, PAGE_H - TOP - BOTTOM, leftPadding=0, rightPadding=0, topPadding=0,
                  bottomPadding=0)
    doc.addPageTemplates([PageTemplate("first", [frame], autoNextPageTemplate="later"),
                          PageTemplate("later", [frame], onPage=_page_number)])
    doc.build(story(o))
    return out.getvalue()


def agency_pdf(report) -> bytes:
    return outline_pdf(outline(report))


# The WeasyPrint path, kept for the side-by-side measure in bench/report_bench.py.
def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported late: Pango loads only when a PDF is asked for

    return HTML(string=html).write_pdf()


def document_html(o) -> str:
    annexes = [{"title": title, "header": header, "rows": rows, "widths": column_widths(header, 100.0)}
               for title, header, rows in o.annexes]
    return render_to_string("reports/document.html", {"o": o, "annexes": annexes})


def html_pdf(report) -> bytes:
    return html_to_pdf(document_html(outline(report)))
