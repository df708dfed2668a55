"""Scanned plans read as tables: documents drawn by the tests, printed and 'scanned' at several resolutions,
rotated, photographed; and the bad scans a clear sentence answers."""

from __future__ import annotations

import time

import pytest

from chiso.importing import ImportRejected, import_plan, public
from chiso.importing.blocks import Blocks
from chiso.importing.tests import scandocs
from chiso.importing.uncertain import mark_uncertain
from chiso.lib.text import fold

EXPECTED = [
    ("I.1", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH", ["Văn phòng Sở"], ["Các phòng chuyên môn"], "2026-12-31"),
    ("I.2", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH", ["Phòng Hành chính tư pháp"], ["Văn phòng Sở"], "2026-10-31"),
    ("II.1", "CẢI CÁCH TỔ CHỨC BỘ MÁY", ["Văn phòng Sở"], [], "2026-06-30"),
]


def check(result: dict, folded: bool = False) -> None:
    """The three tasks with their structure; `folded` compares text without tone marks (a JPEG photo may
    cost a diacritic: "chuyền" for "chuyên", which the review highlights as uncertain)."""
    f = fold if folded else (lambda x: x)
    got = [(t["ref"], f(t["field"]), [f(u) for u in t["lead"]], [f(u) for u in t["support"]], t["due"])
           for t in result["tasks"]]
    assert got == [(r, f(fd), [f(u) for u in ld], [f(u) for u in sp], d) for r, fd, ld, sp, d in EXPECTED]
    assert fold(result["tasks"][1]["title"]) == fold("Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính")
    source = result["plan"]["_source"]
    assert (source["ocr"], source["pages_failed"], len(source["page_seconds"])) == (True, [], 1)


@pytest.fixture(autouse=True)
def ocr():
    scandocs.require_ocr()


@pytest.mark.parametrize("dpi", [150, 200, 300])
def test_a_scanned_table_is_read_as_a_table(tmp_path, dpi):
    """Rulings found, a group row merged across the table gives the field, cells keep their columns."""
    page = scandocs.scanned(scandocs.table_page(dpi))
    check(import_plan(scandocs.to_pdf([page], tmp_path / "scan.pdf", dpi)))


def test_a_page_scanned_sideways_is_turned_upright(tmp_path):
    page = scandocs.scanned(scandocs.table_page(200)).rotate(90, expand=True)
    check(import_plan(scandocs.to_pdf([page], tmp_path / "sideways.pdf")))


def test_a_phone_photo_of_a_page_is_read(tmp_path):
    """Perspective, a shadow across the page and low contrast: local thresholds and cell boxes still hold."""
    photo = scandocs.phone_photo(scandocs.scanned(scandocs.table_page(200)))
    path = tmp_path / "anh-chup.jpg"
    photo.save(path, quality=85)
    check(import_plan(path), folded=True)


def test_a_png_of_one_page_is_read(tmp_path):
    path = tmp_path / "trang.png"
    scandocs.scanned(scandocs.table_page(200)).save(path)
    check(import_plan(path))


def test_ocr_progress_is_reported_page_by_page(tmp_path):
    pages = [scandocs.scanned(scandocs.table_page(150)), scandocs.scanned(scandocs.table_page(150), seed=9)]
    heard = []
    result = import_plan(scandocs.to_pdf(pages, tmp_path / "two.pdf", 150),
                         progress=lambda done, total, message: heard.append((done, total, message)))
    assert heard[0][:2] == (0, 2) and heard[-1][:2] == (2, 2)
    assert heard[-1][2] == "Đã đọc 2/2 trang"
    assert len(result["tasks"]) == 6


def test_a_blank_image_only_pdf_is_refused_in_one_sentence(tmp_path):
    from PIL import Image

    blank = scandocs.scanned(Image.new("L", (1654, 2339), 255), grain=0.0005)
    with pytest.raises(ImportRejected) as exc:
        import_plan(scandocs.to_pdf([blank], tmp_path / "trang-trang.pdf"))
    assert "không nhận dạng được chữ" in str(exc.value) and "\n" not in str(exc.value)


def test_a_300_page_scan_is_refused_at_once(tmp_path):
    from PIL import Image

    tiny = Image.new("L", (60, 85), 255)
    path = scandocs.to_pdf([tiny] * 300, tmp_path / "dai.pdf", dpi=10)
    started = time.monotonic()
    with pytest.raises(ImportRejected) as exc:
        import_plan(path)
    assert "quá dài" in str(exc.value)
    assert time.monotonic() - started < 10  # refused before any page is read


def test_the_time_budget_stops_a_long_scan_with_a_clear_sentence(tmp_path):
    pages = [scandocs.scanned(scandocs.table_page(150), seed=k) for k in range(3)]
    with pytest.raises(ImportRejected) as exc:
        import_plan(scandocs.to_pdf(pages, tmp_path / "cham.pdf", 150), time_limit=0.001)
    assert "thời gian" in str(exc.value)


def test_doubtful_words_and_shifted_columns_mark_their_cells():
    blocks = Blocks()
    blocks.ocr, blocks.doubtful = True, {"Phòng8", "nărn"}
    result = {"plan": {}, "tasks": [
        {"ref": "1", "title": "Rà soát văn bản", "lead": ["Phòng8 Tư pháp"], "support": [],
         "timeframe": "Trong nărn 2026", "due": None, "recurrence": None},
        {"ref": "2", "title": "Kiểm tra", "lead": [], "support": ["Văn phòng Sở"], "timeframe": "Năm 2026",
         "due": "2026-12-31", "recurrence": "once"},
        {"ref": "3", "title": "Công khai", "lead": ["Văn phòng Sở"], "support": [], "timeframe": None, "due": None,
         "recurrence": None},
    ]}
    mark_uncertain(result, blocks)
    assert [t["_uncertain"] for t in result["tasks"]] == [["lead", "timeframe"], ["lead"], []]
    assert public(result)["tasks"][0].keys() == {"ref", "title", "lead", "support", "timeframe", "due", "recurrence"}
