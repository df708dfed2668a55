"""File checks and one reader per format, each turning a file into blocks (paragraphs and tables).

Bad input never reaches a parsing library unchecked: size, type and magic bytes, zip entry sizes (zip bombs)
are checked first; anything a library raises afterwards becomes one Vietnamese sentence.
"""

from __future__ import annotations

import os
import unicodedata
import zipfile
from pathlib import Path

from chiso.importing import budget, columns, scan
from chiso.importing.blocks import Block, Blocks, Para, Table
from chiso.importing.errors import ImportRejected
from chiso.importing.normalize import clean
from chiso.importing.textdump import text_to_blocks

MAX_UNZIPPED = 100 * 1024 * 1024
MAX_RATIO = 100
MAX_ENTRIES = 5000
MAX_PDF_PAGES = 300
MAX_OCR_PAGES = 60  # ~30 s of OCR on two cores; a longer scan is refused with a clear message
MAX_ROWS = 20000
MAX_COLS = 60
IMAGES = (".jpg", ".jpeg", ".png", ".tif", ".tiff")
SUPPORTED = (".docx", ".pdf", ".xlsx", ".txt", ".md", *IMAGES)

MSG_EMPTY = "Tệp rỗng."
MSG_MISSING = "Không tìm thấy tệp."
MSG_DOCX_BAD = "Tệp DOCX bị hỏng hoặc được mã hóa."
MSG_XLSX_BAD = "Tệp XLSX bị hỏng hoặc được mã hóa."
MSG_PDF_BAD = "Tệp PDF bị hỏng, không đọc được."
MSG_PDF_ENCRYPTED = "Tệp PDF được bảo vệ bằng mật khẩu; hãy gỡ mật khẩu rồi tải lên lại."
MSG_ZIP_BOMB = "Tệp nén có kích thước giải nén bất thường (nghi là bom nén) nên không được đọc."
MSG_TEXT_BAD = "Tệp văn bản không đọc được: không phải văn bản UTF-8."
MSG_OCR_TOO_LONG = (f"Bản quét quá dài (tối đa {MAX_OCR_PAGES} trang ảnh); hãy tách phần kế hoạch và phụ lục "
                    "thành tệp riêng hoặc tải lên bản có lớp văn bản.")
MSG_OCR_FAILED = "Không nhận dạng được trang nào của bản quét; hãy quét lại rõ hơn hoặc tải lên tệp .docx."
MSG_IMAGE_BAD = "Tệp ảnh bị hỏng hoặc quá lớn, không đọc được."


def unsupported(ext: str) -> str:
    shown = ext or "(không có phần mở rộng)"
    if ext == ".doc":
        return "Định dạng tệp .doc (Word 97-2003) không được hỗ trợ; hãy lưu lại thành .docx rồi tải lên."
    return (f"Định dạng tệp {shown} không được hỗ trợ; hãy dùng .docx, .pdf, .xlsx, .txt, .md "
            "hoặc ảnh chụp/quét một trang (.jpg, .png).")


def needs_ocr(path: str | os.PathLike, filename: str | None = None) -> bool:
    """Whether reading this file means OCR (an image, or a PDF without a text layer): a quick look that
    lets the site send slow documents to a background job."""
    ext = Path(filename or Path(path).name).suffix.lower()
    if ext in IMAGES:
        try:
            from PIL import Image

            with Image.open(path) as im:
                im.verify()  # header and structure only: a damaged image is refused at once
        except Exception as exc:  # noqa: BLE001
            raise ImportRejected(MSG_IMAGE_BAD) from exc
        return True
    if ext != ".pdf":
        return False
    try:
        import pypdfium2 as pdfium

        doc = pdfium.PdfDocument(str(path))
    except Exception:  # noqa: BLE001 - damaged or encrypted: the normal path says so
        return False
    try:
        pages = min(len(doc), 5)
        chars = 0
        for i in range(pages):
            page = doc[i]
            tp = page.get_textpage()
            chars += tp.count_chars()
            tp.close()
            page.close()
        return chars < 40 * max(pages, 1)
    finally:
        doc.close()


def read_blocks(path: str | os.PathLike, filename: str | None = None) -> list[Block]:
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise ImportRejected(MSG_MISSING) from exc
    if not p.is_file():
        raise ImportRejected(MSG_MISSING)
    ext = Path(filename or p.name).suffix.lower()
    if ext not in SUPPORTED:
        raise ImportRejected(unsupported(ext))
    if size == 0:
        raise ImportRejected(MSG_EMPTY)
    if size > budget.max_mb() * 1024 * 1024:
        raise ImportRejected(f"Tệp quá lớn (tối đa {budget.max_mb()} MB).")
    with open(p, "rb") as fh:
        magic = fh.read(8)
    if ext in (".docx", ".xlsx"):
        bad = MSG_DOCX_BAD if ext == ".docx" else MSG_XLSX_BAD
        if magic.startswith(b"\xd0\xcf\x11\xe0"):
            raise ImportRejected(bad)  # an OLE container: an encrypted Office file or a legacy .doc/.xls
        if not magic.startswith(b"PK"):
            raise ImportRejected(bad)
        _check_zip(p, bad, "word/document.xml" if ext == ".docx" else "xl/workbook.xml")
        return _read_docx(p) if ext == ".docx" else _read_xlsx(p)
    if ext == ".pdf":
        return _read_pdf(p)
    if ext in IMAGES:
        return _read_image(p)
    return _read_text(p)


# ---------------------------------------------------------------- zip containers


def _check_zip(path: Path, bad: str, required: str) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_ENTRIES:
                raise ImportRejected(MSG_ZIP_BOMB)
            total = 0
            for info in infos:
                total += info.file_size
                ratio = info.file_size / max(info.compress_size, 1)
                if total > MAX_UNZIPPED or (info.file_size > 5 * 1024 * 1024 and ratio > MAX_RATIO):
                    raise ImportRejected(MSG_ZIP_BOMB)
                if info.flag_bits & 0x1:
                    raise ImportRejected(bad)  # encrypted entries
            names = {i.filename for i in infos}
            if required not in names:
                raise ImportRejected(bad)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise ImportRejected(bad) from exc


def _read_docx(path: Path) -> list[Block]:
    try:
        import docx  # python-docx
        from docx.table import Table as DocxTable
        from docx.text.paragraph import Paragraph as DocxParagraph

        from chiso.importing.docxnum import ListNumbers

        document = docx.Document(str(path))
        numbers = ListNumbers(document)
        blocks: list[Block] = []
        for item in document.iter_inner_content():
            if isinstance(item, DocxParagraph):
                text = _numbered(item, numbers)
                if text.strip():
                    blocks.extend(Para(line) for line in text.split("\n") if line.strip())
            elif isinstance(item, DocxTable):
                blocks.extend(_docx_table(item, numbers))
        return blocks
    except ImportRejected:
        raise
    except Exception as exc:  # noqa: BLE001 - any library failure on a damaged file
        raise ImportRejected(MSG_DOCX_BAD) from exc


def _numbered(paragraph, numbers) -> str:
    """The paragraph's text with its automatic list label ("1.", "a)", "-") put back in front."""
    text = paragraph.text
    label = numbers.label(paragraph._p) if text.strip() else ""
    return f"{label} {text}" if label else text


def _docx_table(table, numbers) -> list[Block]:
    rows: list[list[str]] = []
    for row in table.rows[:MAX_ROWS]:
        cells: list[str] = [""] * int(getattr(row, "grid_cols_before", 0) or 0)
        last_tc = None
        for cell in row.cells[:MAX_COLS]:
            if cell._tc is last_tc:  # a horizontally merged cell repeats once per grid column
                cells.append("")
                continue
            last_tc = cell._tc
            cells.append("\n".join(_numbered(p, numbers) for p in cell.paragraphs).strip())
        rows.append(cells)
    width = max((len(r) for r in rows), default=0)
    rows = [r + [""] * (width - len(r)) for r in rows]
    # a one-column or layout table (document header "UBND ... | CỘNG HÒA ...") is text, not a task table
    if width <= 2 and not any(columns.headerish(r) for r in rows[:3]):
        return [Para(line) for r in rows for c in r for line in c.split("\n") if line.strip()]
    return [Table(rows=rows)]


def _read_xlsx(path: Path) -> list[Block]:
    try:
        import openpyxl

        blocks: list[Block] = []
        with open(path, "rb") as fh:  # a file object: openpyxl refuses names not ending in .xlsx
            wb = openpyxl.load_workbook(fh, read_only=True, data_only=True)
            try:
                for ws in wb.worksheets:
                    rows: list[list[str]] = []
                    for values in ws.iter_rows(values_only=True, max_col=MAX_COLS):
                        rows.append([_xlsx_value(v) for v in values])
                        if len(rows) >= MAX_ROWS:
                            break
                    blocks.extend(_sheet_blocks(rows))
            finally:
                wb.close()
        return blocks
    except ImportRejected:
        raise
    except Exception as exc:  # noqa: BLE001 - any library failure on a damaged file
        raise ImportRejected(MSG_XLSX_BAD) from exc


def _xlsx_value(v) -> str:
    if v is None:
        return ""
    if hasattr(v, "strftime"):
        return v.strftime("%d/%m/%Y")
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _sheet_blocks(rows: list[list[str]]) -> list[Block]:
    while rows and not any(c for c in rows[-1]):
        rows.pop()
    header = next((i for i, r in enumerate(rows[:40]) if columns.headerish(r)), None)
    if header is None:
        return [Para(" ".join(c for c in r if c)) for r in rows if any(r)]
    width = max(len(r) for r in rows)
    blocks: list[Block] = [Para(" ".join(c for c in r if c)) for r in rows[:header] if any(r)]
    blocks.append(Table(rows=[r + [""] * (width - len(r)) for r in rows[header:]]))
    return blocks


# ---------------------------------------------------------------- PDF


def _read_pdf(path: Path) -> list[Block]:
    with open(path, "rb") as fh:
        head = fh.read(1024)
    if b"%PDF" not in head:
        raise ImportRejected(MSG_PDF_BAD)
    try:
        from chiso.importing import pdfgeom

        page_parts, chars = pdfgeom.pages(str(path), MAX_PDF_PAGES)
    except ValueError as exc:
        if "too many pages" in str(exc):
            raise ImportRejected(f"Tệp PDF quá dài (tối đa {MAX_PDF_PAGES} trang).") from exc
        page_parts, chars = _plumber_pages(path)
    except Exception:  # noqa: BLE001 - PDFium refused it: let pdfplumber try, it knows more damaged files
        page_parts, chars = _plumber_pages(path)
    npages = len(page_parts)
    if chars < 40 * max(npages, 1) and chars < 400:
        return _ocr_pdf(path, npages)
    return _join_pages(page_parts)


def _plumber_pages(path: Path) -> tuple[list[list[tuple[str, object]]], int]:
    try:
        import pdfplumber

        pdf = pdfplumber.open(str(path))
    except Exception as exc:  # noqa: BLE001
        raise ImportRejected(MSG_PDF_ENCRYPTED if _pdf_encrypted(path) else MSG_PDF_BAD) from exc
    try:
        if len(pdf.pages) > MAX_PDF_PAGES:
            raise ImportRejected(f"Tệp PDF quá dài (tối đa {MAX_PDF_PAGES} trang).")
        return _plumber_parts(pdf)
    except ImportRejected:
        raise
    except Exception as exc:  # noqa: BLE001
        raise ImportRejected(MSG_PDF_ENCRYPTED if _pdf_encrypted(path) else MSG_PDF_BAD) from exc
    finally:
        pdf.close()


def _pdf_encrypted(path: Path) -> bool:
    with open(path, "rb") as fh:
        data = fh.read(budget.max_mb() * 1024 * 1024)
    return b"/Encrypt" in data


def _plumber_parts(pdf) -> tuple[list[list[tuple[str, object]]], int]:
    out = []
    chars = 0
    settings = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
    for page in pdf.pages:
        tables = sorted(page.find_tables(settings), key=lambda t: t.bbox[1])
        tables = [t for t in tables if len(t.rows) >= 2 and len(t.columns) >= 3]
        parts: list[tuple[str, object]] = []
        top = 0.0
        for t in tables:
            _, y0, _, y1 = t.bbox
            parts.append(("text", page.crop((0, top, page.width, max(top, y0))).extract_text() or ""))
            parts.append(("table", [[clean(c) if c else "" for c in r] for r in t.extract()]))
            top = y1
        parts.append(("text", page.crop((0, min(top, page.height), page.width, page.height)).extract_text() or ""))
        chars += sum(len(str(v)) for k, v in parts if k == "text")
        chars += sum(len(c) for k, v in parts if k == "table" for r in v for c in r)
        out.append(parts)
    return out, chars


def _join_pages(page_parts: list[list[tuple[str, object]]]) -> list[Block]:
    """Text through the text-dump parser; a table that goes on at the top of the next page joins the one
    before (its first row may continue the last row of the previous page)."""
    blocks: list[Block] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            blocks.extend(text_to_blocks("\n".join(pending)))
            pending.clear()

    for parts in page_parts:
        first_table = True
        for kind, content in parts:
            if kind == "text":
                pending.extend(str(content).split("\n"))
                continue
            rows = [list(r) for r in content]  # type: ignore[union-attr]
            real_text = [x for x in pending if x.strip() and not x.strip().strip("-– ").isdigit()]
            prev = blocks[-1] if blocks else None
            if (first_table and not real_text and isinstance(prev, Table) and prev.rows
                    and len(prev.rows[0]) == len(rows[0])):
                pending.clear()
                prev.breaks.add(len(prev.rows))
                prev.rows.extend(rows)
            else:
                flush()
                blocks.append(Table(rows=rows))
            first_table = False
    flush()
    return blocks


def _ocr_pdf(path: Path, npages: int) -> list[Block]:
    """An image-only PDF: every page read by OCR (chiso.importing.scan), tables kept as tables."""
    if npages > MAX_OCR_PAGES:
        raise ImportRejected(MSG_OCR_TOO_LONG)
    try:
        import pypdfium2 as pdfium

        doc = pdfium.PdfDocument(str(path))
    except Exception as exc:  # noqa: BLE001
        raise ImportRejected(MSG_PDF_BAD) from exc
    try:
        def render(i: int):
            page = doc[i]
            try:
                width, height = page.get_size()
                # scans are stored at their own resolution; rendering at 200 dpi keeps Tesseract's text size
                scale = min(scan.DPI / 72, scan.MAX_SIDE / max(width, height, 1))
                return page.render(scale=scale, grayscale=True).to_pil()
            finally:
                page.close()

        results = scan.read_pages(render, len(doc), progress=budget.progress(), deadline=budget.deadline())
    finally:
        doc.close()
    return _ocr_blocks(results)


def _read_image(path: Path) -> list[Block]:
    """A photo or scan of one page (JPG/PNG/TIFF)."""
    try:
        from PIL import Image, ImageOps

        Image.MAX_IMAGE_PIXELS = 80_000_000  # a decompression bomb is refused, not decoded
        with Image.open(path) as im:
            frames = getattr(im, "n_frames", 1)
            if frames > MAX_OCR_PAGES:
                raise ImportRejected(MSG_OCR_TOO_LONG)
            images = []
            for k in range(frames):
                im.seek(k)
                images.append(ImageOps.exif_transpose(im).convert("L"))  # phone photos carry their rotation
    except ImportRejected:
        raise
    except Exception as exc:  # noqa: BLE001 - not an image, damaged, too large
        raise ImportRejected(MSG_IMAGE_BAD) from exc
    results = scan.read_pages(lambda i: images[i], len(images), progress=budget.progress(),
                              deadline=budget.deadline())
    return _ocr_blocks(results)


def _ocr_blocks(results: list[scan.PageResult]) -> list[Block]:
    """Blocks of the OCR'd pages; pages that could not be read are listed, the words Tesseract doubted kept."""
    failed = [r.number for r in results if r.error]
    if any(r.error == "timeout" for r in results):
        raise ImportRejected(budget.MSG_TIMEOUT)
    if len(failed) == len(results):
        raise ImportRejected(MSG_OCR_FAILED)
    words = [w for r in results for w in r.words]
    if sum(len(w) for w, _ in words) < 20:
        raise ImportRejected(scan.MSG_OCR_EMPTY)
    blocks = Blocks(_join_pages([r.parts for r in results]))
    blocks.failed_pages = failed
    blocks.doubtful = scan.doubtful_words(words)
    blocks.ocr = True
    blocks.page_seconds = [round(r.seconds, 2) for r in results]
    return blocks


# ---------------------------------------------------------------- text


def _read_text(path: Path) -> list[Block]:
    data = path.read_bytes()
    text = decode_text(data)
    return text_to_blocks(text)


def decode_text(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ImportRejected(MSG_TEXT_BAD) from exc
    if b"\x00" in data[:4096]:
        raise ImportRejected(MSG_TEXT_BAD)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1258")
        except UnicodeDecodeError as exc:
            raise ImportRejected(MSG_TEXT_BAD) from exc
    text = unicodedata.normalize("NFC", text)
    if not text.strip():
        raise ImportRejected(MSG_EMPTY)
    return text
