"""Scanned pages (image-only PDF, JPG/PNG) -> the same page parts the PDF reader makes: text bands and tables.

Per page: grey image -> orientation (Tesseract OSD when the first read is poor) -> deskew (projection profile)
-> binarise -> ruling lines (long dark runs, numpy) -> cell boxes (pdfplumber's own edge -> intersection ->
cell -> table functions, as for typed PDFs) -> OCR of each cell and of the text bands around the tables.

One Tesseract engine per worker thread (tesserocr, which releases the GIL while it reads); pages run in
parallel on the available cores. A page that fails is named in the result, never dropped silently.
Word confidences are kept so the review can point at the cells worth checking.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field

from chiso.importing import columns
from chiso.importing.errors import ImportRejected
from chiso.importing.normalize import clean, starts_with_unit, unit_head_only

# Tesseract's OpenMP threads would fight our page threads for the two cores: one thread per engine.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

log = logging.getLogger(__name__)

DPI = 200  # what offices scan at; Tesseract reads 10-13 pt print well from it and twice as fast as 300
MAX_SIDE = 3600  # a phone photo is scaled down to this many pixels on its long side
LOW_CONF = 60  # a word Tesseract is less sure of than this (0-100) marks its cell as uncertain
TESSDATA_DIRS = ("/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
                 "/usr/share/tessdata", "/usr/local/share/tessdata")

MSG_NO_OCR = ("Tệp là bản quét (ảnh) nhưng máy chủ chưa cài bộ nhận dạng chữ Tesseract với dữ liệu tiếng Việt; "
              "hãy tải lên bản có lớp văn bản hoặc tệp .docx.")
MSG_OCR_EMPTY = "Tệp là bản quét nhưng không nhận dạng được chữ nào từ ảnh (ảnh trắng, quá mờ hoặc không phải văn bản)."

Part = tuple[str, object]


@dataclass
class PageResult:
    number: int  # 1-based
    parts: list[Part] = field(default_factory=list)
    words: list[tuple[str, float]] = field(default_factory=list)  # (word, confidence 0-100)
    error: str | None = None
    seconds: float = 0.0
    rotated: int = 0
    skew: float = 0.0


def tessdata() -> tuple[str, str] | None:
    """(tessdata folder, language) of the installed Vietnamese model (English if only that is there):
    Debian's folders first, else Tesseract's own default (which honours its TESSDATA_PREFIX)."""
    folders = list(TESSDATA_DIRS)
    try:
        import tesserocr

        default = tesserocr.get_languages()[0]
        if default:
            folders.append(default)
    except Exception:  # noqa: BLE001 - no tesserocr: no OCR, said in one sentence by the caller
        return None
    for lang in ("vie", "eng"):
        for folder in folders:
            if folder and os.path.isfile(os.path.join(folder, f"{lang}.traineddata")):
                return folder, lang
    return None


_local = threading.local()


def _engine():
    """This thread's Tesseract engine, made once and reused for every page and cell it reads."""
    api = getattr(_local, "api", None)
    if api is None:
        import tesserocr

        found = tessdata()
        if found is None:
            raise ImportRejected(MSG_NO_OCR)
        api = tesserocr.PyTessBaseAPI(path=found[0], lang=found[1], psm=tesserocr.PSM.SINGLE_BLOCK,
                                      oem=tesserocr.OEM.LSTM_ONLY)
        api.SetVariable("tessedit_do_invert", "0")  # no white-on-black in plans; skips a second pass
        _local.api = api
    return api


def _osd_engine():
    api = getattr(_local, "osd", None)
    if api is None:
        import tesserocr

        found = tessdata()
        folder = found[0] if found else TESSDATA_DIRS[0]
        if not os.path.isfile(os.path.join(folder, "osd.traineddata")):
            return None
        api = tesserocr.PyTessBaseAPI(path=folder, lang="osd", psm=tesserocr.PSM.OSD_ONLY)
        _local.osd = api
    return api


# ---------------------------------------------------------------- image geometry (numpy)


def _binary(gray):
    """Dark pixels as True, by Otsu's threshold (grain and light specks fall on the paper's side)."""
    import numpy as np

    hist = np.bincount(gray.ravel(), minlength=256).astype(np.float64)
    total = hist.sum()
    levels = np.arange(256)
    w0 = np.cumsum(hist)
    m0 = np.cumsum(hist * levels)
    w1 = total - w0
    mean_all = m0[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mean_all * w0 - m0 * total) ** 2 / (w0 * w1)
    between = np.nan_to_num(between)
    t = int(np.argmax(between))
    t = min(max(t, 90), 200)
    return gray < t


def _skew(binary) -> float:
    """The small rotation (degrees) that makes text lines and rulings horizontal: the angle whose row
    profile is sharpest, searched coarse then fine on a reduced image."""
    import numpy as np
    from PIL import Image

    h, w = binary.shape
    step = max(1, w // 700)
    small = binary[::step, ::step]
    img = Image.fromarray((small * 255).astype(np.uint8))

    def sharpness(angle: float) -> float:
        rot = np.asarray(img.rotate(angle, resample=Image.Resampling.NEAREST, fillcolor=0)) > 0
        rows = rot.sum(axis=1).astype(np.float64)
        return float(np.sum(np.diff(rows) ** 2))

    best = max((a / 4 for a in range(-12, 13)), key=sharpness)  # ±3° by 0.25°
    best = max((best + a / 20 for a in range(-5, 6)), key=sharpness)  # ±0.25° by 0.05°
    return best


def _runs_mask(binary, length: int):
    """Pixels that belong to a horizontal run of at least `length` dark pixels (rows of the array)."""
    import numpy as np

    h, w = binary.shape
    if w < length:
        return np.zeros_like(binary)
    cs = np.zeros((h, w + 1), dtype=np.int32)
    np.cumsum(binary, axis=1, out=cs[:, 1:])
    full = (cs[:, length:] - cs[:, :-length]) == length  # window [x, x+length) all dark; shape (h, w-length+1)
    starts = np.zeros((h, w + 1), dtype=np.int32)
    np.cumsum(full, axis=1, out=starts[:, 1:w - length + 2])
    starts[:, w - length + 2:] = starts[:, w - length + 1:w - length + 2]
    # pixel x is covered when a full window starts in [x-length+1, x]
    idx = np.arange(w)
    lo = np.clip(idx - length + 1, 0, None)
    hi = np.clip(idx + 1, None, w - length + 1)
    return (starts[:, hi] - starts[:, lo]) > 0


def _segments(mask, min_len: int) -> list[tuple[int, int, int, int]]:
    """Horizontal line segments (y0, y1, x0, x1) of a run mask: touching rows are one line."""
    import numpy as np

    rows = np.flatnonzero(mask.any(axis=1))
    out: list[tuple[int, int, int, int]] = []
    if rows.size == 0:
        return out
    bands = np.split(rows, np.flatnonzero(np.diff(rows) > 1) + 1)
    for band in bands:
        union = mask[band[0]:band[-1] + 1].any(axis=0)
        xs = np.flatnonzero(union)
        if xs.size == 0:
            continue
        pieces = np.split(xs, np.flatnonzero(np.diff(xs) > 3) + 1)
        for p in pieces:
            if p[-1] - p[0] + 1 >= min_len:
                out.append((int(band[0]), int(band[-1]), int(p[0]), int(p[-1])))
    return out


def _lines(binary) -> tuple[list[dict], object]:
    """pdfplumber-style edges of the ruling lines, and the mask of their pixels (to erase before OCR)."""
    import numpy as np

    h, w = binary.shape
    unit = max(w, h) / 2339 * (DPI / 200)  # pixels per 1/200 inch at this image's scale
    # close one-pixel gaps and one-row jitter so a slightly wavy printed line stays one run
    thick_h = binary.copy()
    thick_h[1:] |= binary[:-1]
    thick_v = binary.copy()
    thick_v[:, 1:] |= binary[:, :-1]
    hmask = _runs_mask(thick_h, int(60 * unit))
    vmask = _runs_mask(thick_v.T, int(60 * unit)).T
    edges: list[dict] = []
    for y0, y1, x0, x1 in _segments(hmask, int(60 * unit)):
        if y1 - y0 > 12 * unit:
            continue  # a filled block, not a rule
        y = (y0 + y1) / 2
        edges.append({"x0": float(x0), "x1": float(x1), "top": y, "bottom": y, "width": float(x1 - x0),
                      "height": 0.0, "orientation": "h", "object_type": "line"})
    for x0, x1, y0, y1 in _segments(vmask.T, int(60 * unit)):
        if x1 - x0 > 12 * unit:
            continue
        x = (x0 + x1) / 2
        edges.append({"x0": x, "x1": x, "top": float(y0), "bottom": float(y1), "width": 0.0,
                      "height": float(y1 - y0), "orientation": "v", "object_type": "line"})
    return edges, (hmask | vmask) if edges else np.zeros_like(binary)


def _cluster(values: list[float], tol: float) -> list[float]:
    """Sorted values with neighbours closer than tol merged into their mean."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(g) / len(g) for g in out]


def _covered(spans: list[tuple[float, float]], lo: float, hi: float) -> float:
    """Fraction of [lo, hi] covered by the union of spans."""
    if hi <= lo:
        return 0.0
    total, cur = 0.0, lo
    for a, b in sorted(spans):
        a, b = max(a, cur), min(b, hi)
        if b > a:
            total += b - a
            cur = b
    return total / (hi - lo)


def _tables(edges: list[dict], unit: float) -> list[list[tuple[float, float, float, float]]]:
    """Cell boxes of each ruled table. Rows and columns come from the distinct line positions; two
    neighbouring grid units belong to one (merged) cell when no line separates them there, so a group
    row merged across the table is one wide cell even where a corner of the scan is broken."""
    tol = 8 * unit
    hs = [e for e in edges if e["orientation"] == "h"]
    vs = [e for e in edges if e["orientation"] == "v"]
    if len(hs) < 2 or len(vs) < 2:
        return []
    # tables: groups of lines that cross or touch one another
    n = len(hs) + len(vs)
    parent = list(range(n))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for i, h in enumerate(hs):
        for j, v in enumerate(vs):
            if h["x0"] - tol <= v["x0"] <= h["x1"] + tol and v["top"] - tol <= h["top"] <= v["bottom"] + tol:
                parent[find(i)] = find(len(hs) + j)
    groups: dict[int, tuple[list[dict], list[dict]]] = {}
    for i, h in enumerate(hs):
        groups.setdefault(find(i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        groups.setdefault(find(len(hs) + j), ([], []))[1].append(v)
    tables = []
    for g_h, g_v in groups.values():
        ys = _cluster([h["top"] for h in g_h], tol)
        xs = _cluster([v["x0"] for v in g_v], tol)
        if len(ys) < 2 or len(xs) < 2:
            continue
        nr, nc = len(ys) - 1, len(xs) - 1
        # separators: a vertical line between columns c and c+1 across row r, a horizontal one between rows
        vsep = [[_covered([(v["top"], v["bottom"]) for v in g_v if abs(v["x0"] - xs[c + 1]) <= tol],
                          ys[r], ys[r + 1]) >= 0.5 for c in range(nc - 1)] for r in range(nr)]
        hsep = [[_covered([(h["x0"], h["x1"]) for h in g_h if abs(h["top"] - ys[r + 1]) <= tol],
                          xs[c], xs[c + 1]) >= 0.5 for c in range(nc)] for r in range(nr - 1)]
        seen = [[False] * nc for _ in range(nr)]
        cells = []
        for r in range(nr):
            for c in range(nc):
                if seen[r][c]:
                    continue
                stack, comp = [(r, c)], []
                seen[r][c] = True
                while stack:
                    a, b = stack.pop()
                    comp.append((a, b))
                    nbrs = []
                    if b + 1 < nc and not vsep[a][b]:
                        nbrs.append((a, b + 1))
                    if b > 0 and not vsep[a][b - 1]:
                        nbrs.append((a, b - 1))
                    if a + 1 < nr and not hsep[a][b]:
                        nbrs.append((a + 1, b))
                    if a > 0 and not hsep[a - 1][b]:
                        nbrs.append((a - 1, b))
                    for x in nbrs:
                        if not seen[x[0]][x[1]]:
                            seen[x[0]][x[1]] = True
                            stack.append(x)
                r0 = min(a for a, _ in comp)
                r1 = max(a for a, _ in comp)
                c0 = min(b for _, b in comp)
                c1 = max(b for _, b in comp)
                cells.append((xs[c0], ys[r0], xs[c1 + 1], ys[r1 + 1]))
        cells = [c for c in cells if c[2] - c[0] > 10 * unit and c[3] - c[1] > 10 * unit]
        if cells:
            tables.append(cells)
    return tables


def _grid(cells, text_of) -> list[list[str]]:
    xs = sorted({round(c[0]) for c in cells})
    tops = sorted({round(c[1]) for c in cells})
    col = {x: k for k, x in enumerate(xs)}
    row = {t: k for k, t in enumerate(tops)}
    grid = [[""] * len(xs) for _ in tops]
    for c in sorted(cells, key=lambda c: (c[1], c[0])):
        grid[row[round(c[1])]][col[round(c[0])]] = text_of(c)
    return grid


# ---------------------------------------------------------------- OCR


def _trim(text: str) -> str:
    """Drop specks read as lone punctuation at the ends of a cell ("CẢI CÁCH :", "' Văn phòng")."""
    tokens = text.split(" ")
    while tokens and not any(ch.isalnum() for ch in tokens[-1]):
        tokens.pop()
    while tokens and not any(ch.isalnum() for ch in tokens[0]) and tokens[0] not in ("-", "+", "•", "–"):
        tokens.pop(0)
    return " ".join(tokens)


def _cell_text(text: str) -> str:
    """A cell's printed lines: a line that starts another unit ("Văn phòng Sở" under "Phòng Chính sách")
    stays on its own line, so two units printed one under the other stay two; any other line continues
    the one above (a wrapped name or sentence: "Văn phòng" / "Sở", "Các phòng" / "chuyên môn")."""
    out: list[str] = []
    for line in (_trim(clean(x)) for x in text.splitlines()):
        if not line:
            continue
        if out and (not starts_with_unit(line) or not line[:1].isupper() or unit_head_only(out[-1])):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return "\n".join(out)


def _read_box(api, box, words: list[tuple[str, float]], psm=None) -> str:
    """Text of one rectangle of the image set on `api`, lines joined by newlines; words kept with confidence."""
    import tesserocr

    x0, y0, x1, y1 = (int(round(v)) for v in box)
    if x1 - x0 < 4 or y1 - y0 < 4:
        return ""
    if psm is not None:
        api.SetPageSegMode(psm)
    api.SetRectangle(x0, y0, x1 - x0, y1 - y0)
    text = api.GetUTF8Text() or ""
    it = api.GetIterator()
    level = tesserocr.RIL.WORD
    if it is not None:
        for w in tesserocr.iterate_level(it, level):
            try:
                word = w.GetUTF8Text(level)
            except RuntimeError:  # an empty box
                continue
            if word:
                words.append((word, w.Confidence(level)))
    if psm is not None:
        api.SetPageSegMode(tesserocr.PSM.SINGLE_BLOCK)
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def _prepare(image):
    """Grey, upright and deskewed page image with the ruling lines found: (image, edges, line mask, info)."""
    import numpy as np
    from PIL import Image

    gray = image.convert("L")
    if max(gray.size) > MAX_SIDE:
        gray.thumbnail((MAX_SIDE, MAX_SIDE))
    info = {"rotated": 0, "skew": 0.0}
    binary = _binary(np.asarray(gray))
    if binary.mean() < 0.0005:
        return gray, [], None, info  # a blank page
    angle = _skew(binary)
    if abs(angle) >= 0.05:
        gray = gray.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
        binary = _binary(np.asarray(gray))
        info["skew"] = angle
    edges, mask = _lines(binary)
    return gray, edges, mask, info


def _orient(gray):
    """The page turned upright when Tesseract's orientation detection is sure it is not (90/180/270)."""
    api = _osd_engine()
    if api is None:
        return gray, 0
    small = gray.copy()
    small.thumbnail((1700, 1700))
    api.SetImage(small)
    try:
        osd = api.DetectOrientationScript()
    except RuntimeError:
        return gray, 0
    if not osd:
        return gray, 0
    degrees = int(osd.get("orient_deg") or 0)
    if degrees and osd.get("orient_conf", 0) >= 2:
        return gray.rotate(degrees, expand=True, fillcolor=255), degrees
    return gray, 0


def read_page(image, number: int) -> PageResult:
    """Everything of one page image; never raises for a bad page (the error is kept on the result)."""
    import numpy as np
    from PIL import Image

    started = time.perf_counter()
    result = PageResult(number)
    try:
        gray, edges, mask, info = _prepare(image)
        if mask is None:
            result.seconds = time.perf_counter() - started
            return result
        parts, words = _ocr_page(gray, edges, mask)
        if _poor(words):
            turned, degrees = _orient(gray)
            if degrees:
                gray, edges, mask, info = _prepare(turned)
                if mask is not None:
                    parts, words = _ocr_page(gray, edges, mask)
                info["rotated"] = degrees
        result.parts, result.words = parts, words
        result.rotated, result.skew = info["rotated"], info["skew"]
    except ImportRejected:
        raise
    except Exception as exc:  # noqa: BLE001 - one bad page is reported, the others still count
        log.exception("OCR of page %s failed", number)
        result.error = exc.__class__.__name__
    del np, Image
    result.seconds = time.perf_counter() - started
    return result


def _poor(words: list[tuple[str, float]]) -> bool:
    if len(words) < 8:
        return True
    confident = sum(1 for _, c in words if c >= LOW_CONF)
    return confident < 0.5 * len(words)


_ROMANS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV"]


def _renumber(grid: list[list[str]], state: list[int]) -> None:
    """Row numbers OCR misread ("]", ")", "IH", "l", "1" for "I") or read twice, put back from their
    sequence and the row's shape: a group row in capitals (text in one cell) carries the next Roman numeral,
    any other row an Arabic number ("l", "I", "|" in a task row are the digit 1)."""
    import re

    roman, arabic = state
    for row in grid:
        num = row[0].strip().rstrip(".")
        if columns.headerish(row[1:]):
            if len(num) <= 3 and num.upper() not in ("STT", "TT"):
                row[0] = "TT"  # the header's "TT"/"STT" misread in the narrow numbering column ("1", "T")
            continue
        lead = re.match(r"^([IVX]{1,4})\s*[.)]\s+\S", num)
        if lead:  # "I. CẢI CÁCH THỂ CHẾ" merged across the whole row, number included
            roman, arabic = _ROMANS.index(lead[1]) + 1 if lead[1] in _ROMANS else roman, 0
            continue
        if not num or len(num) > 4 or num.startswith("(") or num.upper() in ("STT", "TT"):
            continue  # no number, a column-number row "(1)"
        texts = [c for c in row[1:] if c.strip()]
        capitals = len(texts) == 1 and texts[0].upper() == texts[0] and any(ch.isalpha() for ch in texts[0])
        if capitals:
            value = _ROMANS.index(num) + 1 if num in _ROMANS else 0
            if value <= roman and roman < len(_ROMANS):
                value = roman + 1  # unreadable, a digit-like misread or the previous numeral again
                row[0] = _ROMANS[roman]
            roman, arabic = value, 0
            continue
        if num in _ROMANS and len(texts) == 1 and not re.fullmatch(r"[Il|]", num):
            roman, arabic = _ROMANS.index(num) + 1, 0  # a Roman group row in lower case: kept
            continue
        digits = num.translate(str.maketrans("lI|!oO", "111100"))
        if re.fullmatch(r"\d{1,3}", digits):
            value = int(digits)
            if value == arabic and len(texts) > 1:
                value = arabic + 1
            row[0] = str(value)
            arabic = value
            continue
        if re.fullmatch(r"\d{1,3}(?:\.\d{1,3})+|[a-zđ]\)?", num):
            continue
        arabic += 1
        row[0] = str(arabic)
    state[:] = [roman, arabic]


class NumberedGrid(list):
    """A table whose first column holds the row numbers (renumbered across pages once all are read)."""


NUMBERING_CHARS = "0123456789IVXLivxl.,)abcdđe-STst"  # numbers, and the "STT"/"TT" header


def _inked(ink, box, unit: float) -> bool:
    x0, y0, x1, y1 = (max(0, int(round(v))) for v in box)
    return int(ink[y0:y1, x0:x1].sum()) >= 12 * unit * unit


def _ocr_page(gray, edges: list[dict], mask) -> tuple[list[Part], list[tuple[str, float]]]:
    import numpy as np
    import tesserocr
    from PIL import Image

    h, w = gray.height, gray.width
    unit = max(w, h) / 2339
    arr = np.asarray(gray).copy()
    if edges:
        grown = mask.copy()
        grown[1:] |= mask[:-1]
        grown[:-1] |= mask[1:]
        grown[:, 1:] |= mask[:, :-1]
        grown[:, :-1] |= mask[:, 1:]
        arr[grown] = 255  # rulings erased: no stray "|" or "_" in the cells
    clean_img = Image.fromarray(arr)
    ink = _binary(arr)
    ink = ink[:-1, :-1] & ink[1:, :-1] & ink[:-1, 1:] & ink[1:, 1:]  # 2x2 blocks: strokes, not grain
    pad = 3 * unit  # inside the cell, clear of what is left of its rulings
    api = _engine()
    api.SetImage(clean_img)
    words: list[tuple[str, float]] = []
    tables = []
    for cells in _tables(edges, unit):
        box = (min(c[0] for c in cells), min(c[1] for c in cells), max(c[2] for c in cells),
               max(c[3] for c in cells))
        xs = {round(c[0]) for c in cells}
        if len(xs) < 3 or len({round(c[1]) for c in cells}) < 2:
            continue  # a box around a heading, a signature frame: text, not a table
        first_col = min(c[0] for c in cells)
        narrow = [c for c in cells if c[0] == first_col and c[2] - c[0] < 0.1 * (box[2] - box[0])]
        numbering = {c for c in narrow} if len(narrow) >= 0.5 * len({round(c[1]) for c in cells}) else set()

        def text_of(c, numbering=numbering):
            inner = (c[0] + pad, c[1] + pad, c[2] - pad, c[3] - pad)
            if not _inked(ink, inner, unit):
                return ""  # an empty cell: grain would read as letters
            if c in numbering:  # a narrow first column holds the row numbers: I, II, 1, 1.2, a)
                api.SetVariable("tessedit_char_whitelist", NUMBERING_CHARS)
                api.SetPageSegMode(tesserocr.PSM.SINGLE_LINE)
                try:
                    text = clean(_read_box(api, inner, words))
                finally:
                    api.SetVariable("tessedit_char_whitelist", "")
                    api.SetPageSegMode(tesserocr.PSM.SINGLE_BLOCK)
                if text:
                    return text  # else: read it freely below (the sequence repair fixes a misread number)
                # printed but unreadable: "?" lets the sequence repair put the number back
                return _cell_text(_read_box(api, inner, words)) or "?"
            return _cell_text(_read_box(api, inner, words))

        grid = _grid(cells, text_of)
        if numbering:
            grid = NumberedGrid(grid)
        tables.append((box, grid))
    tables.sort(key=lambda t: t[0][1])
    bands: list[tuple[float, float] | list[list[str]]] = []
    y = 0.0
    for (_x0, top, _x1, bottom), grid in tables:
        if top - y > 10 * unit:
            bands.append((y, top))
        bands.append(grid)
        y = max(y, bottom)
    if h - y > 10 * unit:
        bands.append((y, h))
    parts: list[Part] = []
    for band in bands:
        if isinstance(band, list):
            parts.append(("table", band))
            continue
        # a text band is read as an image of its own: Tesseract's page layout analysis goes wrong on a
        # rectangle of a larger image (it reads noise), not on the same pixels cropped
        api.SetImage(clean_img.crop((0, int(band[0]), w, int(band[1]))))
        parts.append(("text", _read_box(api, (0, 0, w, int(band[1]) - int(band[0])), words, tesserocr.PSM.AUTO)))
    return parts, words


# ---------------------------------------------------------------- documents


def workers() -> int:
    try:
        return max(1, min(4, len(os.sched_getaffinity(0))))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, min(4, os.cpu_count() or 1))


def read_pages(render: Callable[[int], object], count: int, *,
               progress: Callable[[int, int, str], None] | None = None,
               deadline: float | None = None) -> list[PageResult]:
    """OCR `count` pages (render(i) gives page i's PIL image), in parallel, in page order."""
    if tessdata() is None:
        raise ImportRejected(MSG_NO_OCR)
    try:
        import tesserocr  # noqa: F401
    except ImportError as exc:
        raise ImportRejected(MSG_NO_OCR) from exc
    results: list[PageResult | None] = [None] * count
    render_lock = threading.Lock()  # PDFium is not thread-safe: one page rendered at a time

    def one(i: int) -> None:
        if deadline is not None and time.monotonic() > deadline:
            results[i] = PageResult(i + 1, error="timeout")
            return
        with render_lock:
            image = render(i)
        results[i] = read_page(image, i + 1)

    def report(n: int) -> None:
        # always from the calling thread: the callback may write to the database
        if progress:
            progress(n, count, f"Đã đọc {n}/{count} trang" if n else f"Đang đọc bản quét: 0/{count} trang")

    report(0)
    if workers() <= 1 or count == 1:
        for i in range(count):
            one(i)
            report(i + 1)
    else:
        futures = [_pool().submit(one, i) for i in range(count)]
        for n, future in enumerate(as_completed(futures), start=1):
            future.result()
            report(n)
    state = [0, 0]
    for r in results:
        for _kind, content in (r.parts if r else []):
            if isinstance(content, NumberedGrid):
                _renumber(content, state)
    return [r for r in results if r is not None]


_pool_lock = threading.Lock()
_pool_instance: ThreadPoolExecutor | None = None


def _pool() -> ThreadPoolExecutor:
    """The process's OCR threads, kept for its life so each keeps its loaded engine between documents."""
    global _pool_instance
    with _pool_lock:
        if _pool_instance is None:
            _pool_instance = ThreadPoolExecutor(max_workers=workers(), thread_name_prefix="ocr")
        return _pool_instance


def doubtful_words(words: list[tuple[str, float]]) -> set[str]:
    """Words Tesseract was unsure of, unless the same word was also read with confidence elsewhere."""
    sure: dict[str, int] = {}
    unsure: set[str] = set()
    for word, conf in words:
        key = clean(word).strip(".,;:()[]\"'“”")
        if len(key) < 2:
            continue
        if conf >= LOW_CONF:
            sure[key] = sure.get(key, 0) + 1
        else:
            unsure.add(key)
    return {w for w in unsure if sure.get(w, 0) < 2}
