"""Scanned plan pages drawn by the tests (no binary fixtures): a ruled task table printed, scanned at some
dpi, slightly rotated, with grain; also as a phone photo, a page turned 90°, JPG/PNG files."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

SERIF = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"
SERIF_BOLD = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf"

HEADER = ["STT", "Nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian hoàn thành"]
WIDTHS = [0.07, 0.39, 0.18, 0.18, 0.18]
ROWS = [
    ("I", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH"),
    ("1", "Công khai đầy đủ thủ tục hành chính trên Cổng dịch vụ công", "Văn phòng Sở", "Các phòng chuyên môn",
     "Trong năm 2026"),
    ("2", "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính", "Phòng Hành chính tư pháp", "Văn phòng Sở",
     "31/10/2026"),
    ("II", "CẢI CÁCH TỔ CHỨC BỘ MÁY"),
    ("1", "Rà soát quy chế làm việc của cơ quan", "Văn phòng Sở", "", "30/6/2026"),
]


def require_ocr() -> None:
    """Skip without Tesseract's Vietnamese data on a developer's machine; in CI it is a failure."""
    from chiso.importing import scan

    if scan.tessdata() is None:
        if os.environ.get("CI"):
            pytest.fail("CI needs tesseract-ocr-vie (make test-deps) for the OCR tests")
        pytest.skip("Tesseract language data is not installed")


def _wrap(draw, text: str, font, width: int) -> list[str]:
    lines, cur = [], ""
    for word in text.split():
        trial = f"{cur} {word}".strip()
        if draw.textlength(trial, font=font) <= width:
            cur = trial
        else:
            lines.append(cur)
            cur = word
    return [*lines, cur] if cur else lines


def table_page(dpi: int = 200, rows=ROWS, landscape: bool = False):
    """A grey page image: title lines, then the ruled table (group rows merged across the whole table)."""
    from PIL import Image, ImageDraw, ImageFont

    w, h = (int(11.69 * dpi), int(8.27 * dpi)) if landscape else (int(8.27 * dpi), int(11.69 * dpi))
    image = Image.new("L", (w, h), 255)
    draw = ImageDraw.Draw(image)
    size = int(13 / 72 * dpi)  # 13 pt
    font, bold = ImageFont.truetype(SERIF, size), ImageFont.truetype(SERIF_BOLD, size)
    line_h = int(size * 1.25)
    y = int(0.6 * dpi)
    for text, f in [("KẾ HOẠCH", bold), ("Cải thiện Chỉ số PAR INDEX năm 2026", bold),
                    ("PHỤ LỤC: NHIỆM VỤ CẢI THIỆN CHỈ SỐ PAR INDEX NĂM 2026", bold)]:
        draw.text(((w - draw.textlength(text, font=f)) / 2, y), text, font=f, fill=0)
        y += line_h + size // 2
    y += size
    left, right = int(0.6 * dpi), w - int(0.6 * dpi)
    xs = [left]
    for frac in WIDTHS:
        xs.append(xs[-1] + int(frac * (right - left)))
    xs[-1] = right
    pad = size // 3
    thick = max(2, dpi // 100)

    def cell_lines(row, k, f):
        return _wrap(draw, row[k], f, xs[k + 1] - xs[k] - 2 * pad) if k < len(row) else []

    for r, row in enumerate([HEADER, *rows]):
        group = len(row) == 2
        f = bold if r == 0 or group else font
        wrapped = [cell_lines(row, 0, f), _wrap(draw, row[1], f, right - xs[1] - 2 * pad)] if group else \
            [cell_lines(row, k, f) for k in range(len(HEADER))]
        height = max(len(c) for c in wrapped) * line_h + 2 * pad
        draw.rectangle([left, y, right, y + height], outline=0, width=thick)
        cuts = [xs[1]] if group else xs[1:-1]
        for x in cuts:
            draw.line([x, y, x, y + height], fill=0, width=thick)
        starts = [xs[0], xs[1]] if group else xs[:-1]
        for x0, lines in zip(starts, wrapped, strict=False):
            for k, text in enumerate(lines):
                draw.text((x0 + pad, y + pad + k * line_h), text, font=f, fill=0)
        y += height
    return image


def scanned(image, angle: float = 0.6, grain: float = 0.004, seed: int = 7):
    """As a scanner gives it back: slightly rotated, grey, with grain and specks."""
    import numpy as np
    from PIL import Image

    image = image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    arr = np.asarray(image).astype(np.int16)
    rng = np.random.default_rng(seed)
    arr = arr - rng.integers(0, 18, arr.shape)  # paper tone
    specks = rng.random(arr.shape) < grain
    arr[specks] = rng.integers(60, 200, int(specks.sum()))
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


def phone_photo(image, seed: int = 3):
    """A phone photo of the page: a little perspective, a shadow across one side, lower contrast."""
    import numpy as np
    from PIL import Image

    w, h = image.size
    d = int(0.02 * w)
    # corners of the page in the photo (slightly keystoned): map the output quad back to the page
    quad = (d, d // 2, 0, h - d, w, h, w - d // 2, 0)  # upper-left, lower-left, lower-right, upper-right
    photo = image.transform((w, h), Image.Transform.QUAD, quad, resample=Image.Resampling.BICUBIC, fillcolor=200)
    arr = np.asarray(photo).astype(np.float32)
    shade = np.linspace(0.7, 1.0, w)[None, :]
    arr = 40 + arr * 0.75 * shade
    rng = random.Random(seed)
    arr += rng.random() * 4
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


def to_pdf(images, path: Path, dpi: int = 200) -> Path:
    """An image-only PDF, one page per image, the page size following the image at `dpi`."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    for image in images:
        w, h = image.size[0] * 72 / dpi, image.size[1] * 72 / dpi
        page = pdf.new_page(w, h)
        obj = pdfium.PdfImage.new(pdf)
        obj.set_bitmap(pdfium.PdfBitmap.from_pil(image.convert("L")))
        obj.set_matrix(pdfium.PdfMatrix().scale(w, h))
        page.insert_obj(obj)
        page.gen_content()
    pdf.save(str(path))
    pdf.close()
    return path
