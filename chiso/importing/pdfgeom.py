"""Fast PDF reading with PDFium (pypdfium2, installed with pdfplumber): text and ruled tables per page.

pdfminer (behind pdfplumber) interprets content streams in pure Python (~0.15 s a page); PDFium does it in C.
Table cells are found from the ruling lines with pdfplumber's own edge -> intersection -> cell functions, and
each cell's text is read from PDFium's text page inside the cell box.
"""

from __future__ import annotations

import ctypes

from chiso.importing.normalize import clean

Part = tuple[str, object]  # ("text", str) | ("table", list[list[str]])


def _edges(page, height: float) -> list[dict]:
    import pypdfium2.raw as raw

    edges: list[dict] = []

    def add(x0: float, y0: float, x1: float, y1: float) -> None:
        x0, x1 = sorted((x0, x1))
        y0, y1 = sorted((y0, y1))
        if x1 - x0 <= 2 and y1 - y0 > 2:
            x = (x0 + x1) / 2
            edges.append({"x0": x, "x1": x, "top": height - y1, "bottom": height - y0, "width": 0,
                          "height": y1 - y0, "orientation": "v", "object_type": "line"})
        elif y1 - y0 <= 2 and x1 - x0 > 2:
            y = height - (y0 + y1) / 2
            edges.append({"x0": x0, "x1": x1, "top": y, "bottom": y, "width": x1 - x0, "height": 0,
                          "orientation": "h", "object_type": "line"})

    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH], max_depth=3):
        left, bottom, right, top = obj.get_bounds()
        if right - left <= 2 or top - bottom <= 2:
            add(left, bottom, right, top)  # a thin line or a thin filled rectangle
            continue
        n = raw.FPDFPath_CountSegments(obj.raw)
        if n <= 0 or n > 2000:
            continue
        m = obj.get_matrix()
        pts: list[tuple[float, float, int]] = []
        x, y = ctypes.c_float(), ctypes.c_float()
        for i in range(n):
            seg = raw.FPDFPath_GetPathSegment(obj.raw, i)
            raw.FPDFPathSegment_GetPoint(seg, x, y)
            kind = raw.FPDFPathSegment_GetType(seg)
            px, py = m.a * x.value + m.c * y.value + m.e, m.b * x.value + m.d * y.value + m.f
            pts.append((px, py, kind))
            if raw.FPDFPathSegment_GetClose(seg):
                start = next((p for p in reversed(pts) if p[2] == raw.FPDF_SEGMENT_MOVETO), pts[0])
                pts.append((start[0], start[1], raw.FPDF_SEGMENT_LINETO))
        for (ax, ay, _), (bx, by, kind) in zip(pts, pts[1:], strict=False):
            if kind == raw.FPDF_SEGMENT_LINETO:
                add(ax, ay, bx, by)
    return edges


def _tables(edges: list[dict]) -> list[list[tuple[float, float, float, float]]]:
    from pdfplumber import table as pt
    from pdfplumber import utils

    if not edges:
        return []
    merged = pt.merge_edges(edges, snap_x_tolerance=3, snap_y_tolerance=3, join_x_tolerance=3,
                            join_y_tolerance=3)
    merged = utils.filter_edges(merged, min_length=3)
    cells = pt.intersections_to_cells(pt.edges_to_intersections(merged, 3, 3))
    return [t for t in pt.cells_to_tables(cells) if t]


def _grid(cells: list[tuple[float, float, float, float]], text_of) -> list[list[str]]:
    xs = sorted({round(c[0]) for c in cells})
    tops = sorted({round(c[1]) for c in cells})
    col = {x: k for k, x in enumerate(xs)}
    row = {t: k for k, t in enumerate(tops)}
    grid = [[""] * len(xs) for _ in tops]
    for c in cells:
        grid[row[round(c[1])]][col[round(c[0])]] = text_of(c)
    return grid


def pages(path: str, max_pages: int) -> tuple[list[list[Part]], int]:
    """Per page, its text bands and tables from top to bottom; and the number of characters seen."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(path)
    out: list[list[Part]] = []
    chars = 0
    try:
        if len(doc) > max_pages:
            raise ValueError("too many pages")
        for page in doc:
            width, height = page.get_size()
            tp = page.get_textpage()
            chars += tp.count_chars()

            def text_in(x0, top, x1, bottom, tp=tp, height=height):
                return tp.get_text_bounded(left=x0, bottom=height - bottom, right=x1, top=height - top)

            tables = [t for t in _tables(_edges(page, height)) if len(t) >= 3]
            boxes = []
            for t in tables:
                box = (min(c[0] for c in t), min(c[1] for c in t), max(c[2] for c in t), max(c[3] for c in t))
                grid = _grid(t, lambda c: clean(text_in(c[0] + 0.5, c[1] + 0.5, c[2] - 0.5, c[3] - 0.5)))
                if len(grid) >= 2 and len(grid[0]) >= 3:
                    boxes.append((box, grid))
            boxes.sort(key=lambda b: b[0][1])
            parts: list[Part] = []
            y = 0.0
            for (_x0, top, _x1, bottom), grid in boxes:
                if top > y:
                    parts.append(("text", text_in(0, y, width, top)))
                parts.append(("table", grid))
                y = max(y, bottom)
            parts.append(("text", text_in(0, y, width, height)))
            out.append([(k, v.replace("\r\n", "\n").replace("\r", "\n") if k == "text" else v) for k, v in parts])
            tp.close()
            page.close()
    finally:
        doc.close()
    return out, chars
