"""Plan documents generated for the tests and the benchmark (no seed text: our own sample wording).

DOCX with merged cells and two appendices (python-docx), XLSX with title rows and merged group cells
(openpyxl), a text-layer PDF with ruled tables (pypdfium2, already installed with pdfplumber), text dumps.
"""

from __future__ import annotations

import ctypes
import zipfile
from pathlib import Path

from chiso.lib.text import fold

# (roman, field, [(num, criterion, [(task, time, lead, support), ...]), ...])
PAR_ROWS = [
    ("I", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH", [
        ("1", "Công khai thủ tục hành chính", [
            ("Cập nhật, công khai 100% thủ tục hành chính trên Cổng dịch vụ công", "Quý II/2026",
             "Văn phòng Sở", "Các phòng chuyên môn"),
            ("Rà soát quy trình nội bộ giải quyết thủ tục hành chính", "Thường xuyên", "Phòng Pháp chế", ""),
        ]),
        ("2", "Giải quyết hồ sơ đúng hạn", [
            ("Phấn đấu tỷ lệ hồ sơ giải quyết đúng hạn đạt từ 98% trở lên", "Trong năm 2026",
             "Trung tâm Dịch vụ công", "Văn phòng Sở, Phòng Kế hoạch - Tài chính"),
        ]),
    ]),
    ("II", "CẢI CÁCH CHẾ ĐỘ CÔNG VỤ", [
        ("1", "Kỷ luật, kỷ cương hành chính", [
            ("Tổ chức kiểm tra công vụ đột xuất tối thiểu 02 cuộc", "Xong trước 30/9/2026", "Thanh tra Sở",
             "Các phòng, đơn vị thuộc Sở"),
        ]),
    ]),
]
PAR_EXPECTED = [
    # (ref, title start, lead, support, due, recurrence, measure)
    ("I.1", "Cập nhật, công khai", ["Văn phòng Sở"], ["Các phòng chuyên môn"], "2026-06-30", "once",
     {"op": "=", "value": 100, "unit": "%"}),
    ("I.1", "Rà soát quy trình", ["Phòng Pháp chế"], [], None, "continuous", None),
    ("I.2", "Phấn đấu tỷ lệ", ["Trung tâm Dịch vụ công"], ["Văn phòng Sở", "Phòng Kế hoạch - Tài chính"],
     "2026-12-31", "once", {"op": ">=", "value": 98, "unit": "%"}),
    ("II.1", "Tổ chức kiểm tra", ["Thanh tra Sở"], ["Các phòng, đơn vị thuộc Sở"], "2026-09-30", "once",
     {"op": ">=", "value": 2, "unit": "cuộc"}),
]

# six columns: STT | Nhiệm vụ | Đơn vị chủ trì | Đơn vị phối hợp | Thời gian hoàn thành | Ghi chú
SIX_HEADER = ["STT", "Nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian hoàn thành", "Ghi chú"]
SIPAS_ROWS = [
    ["1", "Niêm yết công khai đầy đủ thủ tục hành chính tại Bộ phận một cửa", "Văn phòng Sở",
     "Các phòng chuyên môn", "31/12/2026", ""],
    ["2", "Khảo sát mức độ hài lòng của người dân về dịch vụ hành chính công", "Văn phòng Sở", "",
     "Hằng quý", ""],
]
SIX_TEXT_ROWS = [
    ["I", "Cải cách thể chế", "", "", "", ""],
    ["1", "Rà soát văn bản quy phạm pháp luật thuộc lĩnh vực quản lý", "Phòng Pháp chế",
     "Văn phòng Sở; Thanh tra Sở", "30/6/2026", ""],
    ["2", "Tự kiểm tra văn bản do Sở tham mưu ban hành", "Phòng Pháp chế", "", "Hằng tháng", ""],
    ["II", "Xây dựng chính quyền số", "", "", "", ""],
    ["1", "Số hóa 100% hồ sơ giải quyết thủ tục hành chính", "Trung tâm Công nghệ thông tin",
     "Các phòng chuyên môn", "Thường xuyên", ""],
]

HEAD_LINES = [
    "UBND TỈNH THỬ NGHIỆM",
    "SỞ THỬ NGHIỆM",
    "Số: 15/KH-STN",
    "Hà Giang, ngày 05 tháng 3 năm 2026",
    "KẾ HOẠCH",
    "Cải thiện Chỉ số PAR INDEX và Chỉ số SIPAS năm 2026",
    "Căn cứ Kế hoạch số 120/KH-UBND ngày 20/01/2026 của UBND tỉnh về cải cách hành chính năm 2026, "
    "Sở Thử nghiệm xây dựng Kế hoạch cải thiện các chỉ số như sau:",
    "I. MỤC ĐÍCH, YÊU CẦU",
    "Nâng cao kết quả Chỉ số cải cách hành chính (PAR INDEX) và Chỉ số hài lòng (SIPAS) của Sở.",
    "II. NHIỆM VỤ, GIẢI PHÁP",
    "(Chi tiết tại Phụ lục I và Phụ lục II kèm theo)",
    "III. TỔ CHỨC THỰC HIỆN",
    "Văn phòng Sở theo dõi, tổng hợp, báo cáo Sở Nội vụ trước ngày 20/11/2026.",
]
SIGN_LINES = ["Nơi nhận:", "- Sở Nội vụ;", "- Lưu: VT.", "GIÁM ĐỐC", "Nguyễn Văn Thử"]
APPENDIX_I = ["PHỤ LỤC I", "Nhiệm vụ cải thiện Chỉ số PAR INDEX năm 2026"]
APPENDIX_II = ["PHỤ LỤC II", "Nhiệm vụ cải thiện Chỉ số SIPAS năm 2026"]


def sample_docx(path: Path, extra_rows: int = 0) -> Path:
    """Two appendices; group rows merged across the row; criterion and STT merged down their sub-rows;
    a two-row header ("Phân công" over "Chủ trì | Phối hợp"); a cell with two paragraphs."""
    import docx

    d = docx.Document()
    for line in HEAD_LINES + SIGN_LINES:
        d.add_paragraph(line)
    d.add_page_break()
    for line in APPENDIX_I:
        d.add_paragraph(line)
    rows = _par_rows(extra_rows)
    table = d.add_table(rows=2, cols=6)
    table.style = "Table Grid"
    head = ["STT", "Lĩnh vực/tiêu chí", "Nhiệm vụ", "Thời gian", "Phân công", ""]
    for k, text in enumerate(head):
        table.cell(0, k).text = text
    table.cell(1, 4).text = "Chủ trì"
    table.cell(1, 5).text = "Phối hợp"
    table.cell(0, 4).merge(table.cell(0, 5))
    for k in range(4):
        table.cell(0, k).merge(table.cell(1, k))
    for roman, field, groups in rows:
        r = table.add_row()
        r.cells[0].text = roman
        r.cells[1].text = field
        r.cells[1].merge(r.cells[5])
        for num, crit, tasks in groups:
            first = len(table.rows)
            for task, time, lead, support in tasks:
                r = table.add_row()
                r.cells[0].text = num
                r.cells[1].text = crit
                r.cells[2].text = task
                r.cells[3].text = time
                r.cells[4].text = lead
                r.cells[5].text = support
            last = len(table.rows) - 1
            if last > first:
                for col in (0, 1):
                    top = table.cell(first, col)
                    for k in range(first + 1, last + 1):
                        table.cell(k, col).text = ""
                    top.merge(table.cell(last, col))
                    # merge() joins the paragraphs of both cells: keep the top cell's text only
                    for p in top.paragraphs[1:]:
                        p._p.getparent().remove(p._p)
    # a task cell written as two paragraphs
    cell = table.cell(len(table.rows) - 1, 2)
    cell.add_paragraph("Công khai kết quả kiểm tra trên Trang thông tin điện tử.")
    d.add_page_break()
    for line in APPENDIX_II:
        d.add_paragraph(line)
    t2 = d.add_table(rows=1, cols=6)
    for k, text in enumerate(SIX_HEADER):
        t2.cell(0, k).text = text
    for row in SIPAS_ROWS:
        r = t2.add_row()
        for k, text in enumerate(row):
            r.cells[k].text = text
    d.save(str(path))
    return path


def _par_rows(extra_rows: int):
    rows = [(r, f, [(n, c, list(t)) for n, c, t in g]) for r, f, g in PAR_ROWS]
    if extra_rows:
        groups = [(str(k + 1), f"Tiêu chí thử số {k + 1}", [
            (f"Nhiệm vụ thử số {k + 1}: hoàn thành 100% kế hoạch kiểm tra nội bộ", "Quý III/2026",
             "Văn phòng Sở", "Các phòng chuyên môn")]) for k in range(extra_rows)]
        rows.append(("III", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", groups))
    return rows


def sample_xlsx(path: Path) -> Path:
    """Title rows above the header; group rows merged across; criterion merged down its sub-rows."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Phụ lục"
    ws.append(["PHỤ LỤC"])
    ws.append(["Nhiệm vụ cải thiện Chỉ số PAR INDEX năm 2026"])
    ws.append([])
    ws.append(["STT", "Lĩnh vực/tiêu chí", "Nhiệm vụ", "Thời gian thực hiện", "Đơn vị chủ trì", "Đơn vị phối hợp"])
    for roman, field, groups in PAR_ROWS:
        ws.append([roman, field])
        ws.merge_cells(start_row=ws.max_row, start_column=2, end_row=ws.max_row, end_column=6)
        for num, crit, tasks in groups:
            first = ws.max_row + 1
            for k, (task, time, lead, support) in enumerate(tasks):
                ws.append([num if k == 0 else None, crit if k == 0 else None, task, time, lead, support])
            if ws.max_row > first:
                ws.merge_cells(start_row=first, start_column=2, end_row=ws.max_row, end_column=2)
                ws.merge_cells(start_row=first, start_column=1, end_row=ws.max_row, end_column=1)
    wb.save(str(path))
    return path


# ---------------------------------------------------------------- text dumps


def par_flowed_text(strip_diacritics: bool = False) -> str:
    """A PDF-style dump: one printed line per line, no cell delimiters (like copying text from a PDF)."""
    lines = HEAD_LINES[:6] + ["I. MỤC TIÊU", "Nâng cao Chỉ số PAR INDEX năm 2026.", "II. NHIỆM VỤ", "", *APPENDIX_I,
                              "STT Lĩnh vực/tiêu chí Nhiệm vụ Thời gian Chủ trì Phối hợp"]
    for roman, field, groups in PAR_ROWS:
        lines.append(f"{roman} {field}")
        for num, crit, tasks in groups:
            lines.append(f"{num} {crit}")
            for task, time, lead, support in tasks:
                lines.append(f" {task}")
                lines.append(time)
                lines.append(lead)
                if support:
                    lines.append(support)
    lines += SIGN_LINES
    text = "\n".join(lines) + "\n"
    if strip_diacritics:
        text = "".join(_strip(c) for c in text)
        text = text.replace("Van phong So", "Van phong S&")  # an OCR slip
    return text


def _strip(c: str) -> str:
    f = fold(c)
    return (f.upper() if c.isupper() else f) if len(f) == 1 else c


def six_column_markdown() -> str:
    lines = HEAD_LINES[:6] + ["Mục tiêu: nâng cao Chỉ số cải cách hành chính (PAR INDEX).", "",
                              "| " + " | ".join(SIX_HEADER) + " |", "|" + "---|" * len(SIX_HEADER)]
    lines += ["| " + " | ".join(r) + " |" for r in SIX_TEXT_ROWS]
    return "\n".join(lines + [""] + SIGN_LINES) + "\n"


def html_table_text() -> str:
    cells = "".join(f"<th>{h}</th>" for h in SIX_HEADER)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in SIX_TEXT_ROWS)
    return "\n".join(HEAD_LINES[:6] + [f"<table><tr>{cells}</tr>{body}</table>"] + SIGN_LINES) + "\n"


PROSE_PLAN = """SỞ THỬ NGHIỆM
Số: 21/KH-STN
Lào Cai, ngày 12 tháng 2 năm 2026
KẾ HOẠCH
Nâng cao Chỉ số PAPI năm 2026
Thực hiện Kế hoạch số 45/KH-UBND ngày 02/02/2026 của UBND tỉnh, Sở Thử nghiệm xây dựng Kế hoạch như sau:
I. MỤC TIÊU
Cải thiện điểm số các chỉ số nội dung của Chỉ số PAPI năm 2026.
II. NHIỆM VỤ VÀ GIẢI PHÁP
1. Công khai, minh bạch: Công khai đầy đủ kế hoạch, dự toán ngân sách trên Trang thông tin
điện tử của Sở. Đơn vị chủ trì: Phòng Kế hoạch - Tài chính.
2. Trách nhiệm giải trình với người dân
- Nhiệm vụ: Tổ chức đối thoại với người dân, doanh nghiệp ít nhất 02 lần trong năm.
- Đơn vị chủ trì: Văn phòng Sở
- Đơn vị phối hợp: Các phòng chuyên môn
- Thời gian thực hiện: Quý IV/2026
3. Kiểm soát tham nhũng trong khu vực công: Thực hiện nghiêm các quy định về phòng,
chống tham nhũng; công khai kết quả xử lý vi phạm.
III. TỔ CHỨC THỰC HIỆN
1. Thanh tra Sở
Chủ trì tham mưu các nhiệm vụ về kiểm soát tham nhũng trong khu vực công.
2. Văn phòng Sở có trách nhiệm theo dõi, tổng hợp, báo cáo Giám đốc Sở trước ngày 15/12/2026.
Nơi nhận:
- Như trên;
- Lưu: VT.
GIÁM ĐỐC
Trần Thị Mẫu
"""

NOT_A_PLAN = """Kính gửi: Ban biên tập
Tôi xin gửi bài viết về chuyến đi chơi cuối tuần ở Sa Pa. Trời đẹp, đồ ăn ngon và mọi người rất vui.
Xin cảm ơn.
"""


# ---------------------------------------------------------------- text-layer PDF (pypdfium2)

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


class _PdfWriter:
    def __init__(self, font_path: str = FONT):
        import pypdfium2 as pdfium
        import pypdfium2.raw as raw

        self.raw = raw
        self.pdf = pdfium.PdfDocument.new()
        data = Path(font_path).read_bytes()
        self._font_buf = (ctypes.c_uint8 * len(data)).from_buffer_copy(data)
        self.font = raw.FPDFText_LoadFont(self.pdf.raw, self._font_buf, len(data), raw.FPDF_FONT_TRUETYPE, 1)
        self.page = None
        self.y = 0.0
        self.keep: list = []

    def new_page(self):
        if self.page is not None:
            self.page.gen_content()
        self.page = self.pdf.new_page(595, 842)
        self.y = 800.0

    def text(self, x: float, y: float, s: str, size: float = 9.0):
        raw = self.raw
        obj = raw.FPDFPageObj_CreateTextObj(self.pdf.raw, self.font, size)
        buf = ctypes.create_string_buffer((s + "\x00").encode("utf-16-le"))
        self.keep.append(buf)
        raw.FPDFText_SetText(obj, ctypes.cast(buf, ctypes.POINTER(raw.FPDF_WCHAR)))
        raw.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, y)
        raw.FPDFPage_InsertObject(self.page.raw, obj)

    def rect(self, x: float, y: float, w: float, h: float):
        raw = self.raw
        path = raw.FPDFPageObj_CreateNewRect(x, y, w, h)
        raw.FPDFPageObj_SetStrokeColor(path, 0, 0, 0, 255)
        raw.FPDFPageObj_SetStrokeWidth(path, 0.6)
        raw.FPDFPath_SetDrawMode(path, 0, 1)
        raw.FPDFPage_InsertObject(self.page.raw, path)

    def paragraph(self, s: str, size: float = 10.0):
        for line in _wrap(s, 95):
            if self.y < 60:
                self.new_page()
            self.text(50, self.y, line, size)
            self.y -= size + 4

    def table(self, header: list[str], rows: list[list[str]], widths: list[float]):
        def layout(cells: list[str]) -> tuple[list[list[str]], float]:
            lines = [_wrap(c, max(4, int((w - 4) / 4.4))) for c, w in zip(cells, widths, strict=False)]
            return lines, max(len(x) for x in lines) * 10 + 6

        def draw(cells: list[str]) -> None:
            lines, height = layout(cells)
            x = 40.0
            for cell_lines, w in zip(lines, widths, strict=False):
                self.rect(x, self.y - height, w, height)
                for k, line in enumerate(cell_lines):
                    self.text(x + 2, self.y - 10 - k * 10, line, 7)
                x += w
            self.y -= height

        draw(header)
        for row in rows:
            if self.y - layout(row)[1] < 40:
                self.new_page()
                draw(header)
            draw(row)
        self.y -= 10

    def save(self, path: Path):
        self.page.gen_content()
        self.pdf.save(str(path))
        self.pdf.close()


def _wrap(s: str, width: int) -> list[str]:
    out, cur = [], ""
    for word in s.split():
        if cur and len(cur) + 1 + len(word) > width:
            out.append(cur)
            cur = word
        else:
            cur = f"{cur} {word}".strip()
    return out + [cur] if cur or not out else out


def sample_pdf(path: Path, extra_rows: int = 0) -> Path:
    """A text-layer PDF: heading paragraphs, then the six-column table with ruled cells; with extra_rows the
    table runs over several pages and its header is repeated on each page."""
    w = _PdfWriter()
    w.new_page()
    for line in HEAD_LINES:
        w.paragraph(line)
    for line in SIGN_LINES:
        w.paragraph(line)
    for line in APPENDIX_II:
        w.paragraph(line)
    rows = [list(r) for r in SIPAS_ROWS]
    for k in range(extra_rows):
        rows.append([str(len(rows) + 1), f"Nhiệm vụ thử số {k + 1}: khảo sát ý kiến người dân tại Bộ phận một "
                     "cửa và công khai kết quả khảo sát", "Văn phòng Sở", "Các phòng chuyên môn",
                     "30/11/2026", ""])
    w.table(SIX_HEADER, rows, [30, 200, 90, 90, 60, 40])
    w.save(path)
    return path


# ---------------------------------------------------------------- bad files


def encrypted_pdf(path: Path) -> Path:
    """A minimal PDF whose trailer names a Standard security handler (a user password is required)."""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        b"<< /Filter /Standard /V 1 /R 2 /Length 40 /P -4 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for k, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += f"{k} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += (b"trailer\n<< /Size 5 /Root 1 0 R /Encrypt 4 0 R /ID [<" + b"ab" * 16 + b"> <" + b"ab" * 16
            + b">] >>\nstartxref\n" + str(xref).encode() + b"\n%%EOF\n")
    path.write_bytes(bytes(out))
    return path


def zip_bomb_docx(path: Path, megabytes: int = 120) -> Path:
    """A .docx-shaped zip whose document.xml inflates to `megabytes` of zeros (written in chunks)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            chunk = b"0" * (1024 * 1024)
            for _ in range(megabytes):
                fh.write(chunk)
    return path


def scanned_pdf(path: Path) -> Path:
    """A PDF page that is only an image of text (no text layer), like a scanned plan."""
    import pypdfium2 as pdfium
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 30)
    lines = ["KẾ HOẠCH", "Cải thiện Chỉ số PAPI năm 2026", "II. NHIỆM VỤ VÀ GIẢI PHÁP",
             "1. Công khai, minh bạch: Công khai dự toán ngân sách.",
             "2. Kiểm soát tham nhũng: Thực hiện nghiêm quy định."]
    for k, line in enumerate(lines):
        draw.text((80, 100 + 60 * k), line, font=font, fill=0)
    pdf = pdfium.PdfDocument.new()
    page = pdf.new_page(595, 842)
    obj = pdfium.PdfImage.new(pdf)
    obj.set_bitmap(pdfium.PdfBitmap.from_pil(image))
    obj.set_matrix(pdfium.PdfMatrix().scale(595, 842))
    page.insert_obj(obj)
    page.gen_content()
    pdf.save(str(path))
    pdf.close()
    return path


def blocks_to_docx(blocks, path: Path) -> Path:
    """Write parsed blocks back as a Word file: paragraphs, and each table as a Word table (one Word table per
    printed page, the header repeated), as a plan typed in Word would be."""
    import docx

    from chiso.importing.blocks import Para, Table

    d = docx.Document()
    for b in blocks:
        if isinstance(b, Para):
            d.add_paragraph(b.text.strip())
        elif isinstance(b, Table) and b.rows:
            cuts = sorted({0, *b.breaks, len(b.rows)})
            header = b.rows[0] if b.roles is None else None
            for a, z in zip(cuts, cuts[1:], strict=False):
                rows = b.rows[a:z]
                if header is not None and a > 0:
                    rows = [header, *rows]
                width = max(len(r) for r in rows)
                t = d.add_table(rows=0, cols=width)
                for r in rows:
                    cells = t.add_row().cells
                    for k, text in enumerate(r):
                        cells[k].text = text
    d.save(str(path))
    return path


def blocks_to_pdf(blocks, path: Path) -> Path:
    """Write parsed blocks as a text-layer PDF with ruled tables (the header repeated on each page)."""
    from chiso.importing.blocks import Para, Table

    w = _PdfWriter()
    w.new_page()
    for b in blocks:
        if isinstance(b, Para):
            w.paragraph(b.text.strip())
        elif isinstance(b, Table) and b.rows and b.roles is None:
            width = max(len(r) for r in b.rows)
            widths = [515 / width] * width
            rows = _logical_rows(b, width)
            w.table(rows[0], rows[1:], widths)
    w.save(path)
    return path


def _logical_rows(table, width: int) -> list[list[str]]:
    """The table's rows with the pieces of rows cut by page breaks in the dump joined again."""
    from chiso.importing.tables import _continues, find_header

    found = find_header(table)
    roles = found[1] if found else [None] * width
    rows: list[list[str]] = []
    for k, r in enumerate(table.rows):
        r = r + [""] * (width - len(r))
        if k in table.breaks and rows and k > 0 and _continues(r, roles):
            rows[-1] = [f"{a} {b}".strip() if b.strip() else a for a, b in zip(rows[-1], r, strict=False)]
        else:
            rows.append(r)
    return rows
