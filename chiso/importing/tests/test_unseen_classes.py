"""The failure classes found on real plans the importer had not seen (issue 15), each on a document written
here that shows the class, fixed in the general mechanism (no rule names a document's words)."""

from pathlib import Path

from chiso.importing import import_plan, public

HEAD = """UBND TỈNH MẪU
SỞ KIỂM THỬ
Số: 31/KH-SKT
Tỉnh Mẫu, ngày 02 tháng 4 năm 2026
KẾ HOẠCH
Cải thiện Chỉ số PAR INDEX năm 2026
Căn cứ Nghị quyết số 01/NQ-CP, 02/NQ-CP ngày 08/01/2026 của Chính phủ; Kế hoạch số 7/KH-UBND ngày 15/01/2026 \
của UBND tỉnh, Sở Kiểm thử xây dựng Kế hoạch như sau:
I. MỤC TIÊU
Nâng cao Chỉ số PAR INDEX của Sở; học tập cách làm tốt của các tỉnh về Chỉ số PCI.
II. NHIỆM VỤ
(Chi tiết tại Phụ lục)
PHỤ LỤC
Nhiệm vụ cải thiện Chỉ số PAR INDEX năm 2026
"""
TAIL = """Nơi nhận:
- Sở Nội vụ;
- Lưu: VT.
GIÁM ĐỐC
Trần Văn Mẫu
"""

TABLE = """| STT | Nhiệm vụ | Đơn vị chủ trì | Đơn vị phối hợp | Thời gian |
|---|---|---|---|---|
| 1 | CẢI CÁCH THỦ TỤC HÀNH CHÍNH | | | |
| 1.1 | Công khai thủ tục hành chính | | | |
| a | Niêm yết đủ thủ tục tại Bộ phận một cửa | Văn phòng Sở | Các phòng, đơn vị liên quan Năm 2026 | |
| b | Rà soát quy trình nội bộ | Phòng Pháp chế | cơ quan, đơn vị liên quan | 30/6/2026 |
| 2 | Về kiểm soát thủ tục hành chính | | | |
| 2.1 | Đánh giá tác động thủ tục mới | Phòng Pháp chế | | Thường xuyên |
UBND TỈNH MẪU
SỞ KIỂM THỬ
| 2.2 | Kiểm tra việc giải quyết hồ sơ | Văn phòng Sở | | Quý III/2026 |
UBND TỈNH MẪU
SỞ KIỂM THỬ
| 2.3 | Thống kê hồ sơ trễ hạn | Văn phòng Sở | | Hằng tháng |
"""


def parse(tmp_path: Path, text: str, name: str = "ke-hoach.txt") -> dict:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return public(import_plan(path))


def tasks_of(tmp_path) -> dict:
    return {t["title"]: t for t in parse(tmp_path, HEAD + TABLE + TAIL)["tasks"]}


def test_a_time_cell_dumped_on_the_line_of_the_units_is_split_off(tmp_path):
    task = tasks_of(tmp_path)["Niêm yết đủ thủ tục tại Bộ phận một cửa"]
    assert task["support"] == ["Các phòng, đơn vị liên quan"]
    assert (task["timeframe"], task["due"], task["recurrence"]) == ("Năm 2026", "2026-12-31", "once")


def test_a_collective_name_stays_whole(tmp_path):
    assert tasks_of(tmp_path)["Rà soát quy trình nội bộ"]["support"] == ["cơ quan, đơn vị liên quan"]


def test_numbered_group_rows_without_units_are_not_tasks(tmp_path):
    titles = set(tasks_of(tmp_path))
    assert not titles & {"CẢI CÁCH THỦ TỤC HÀNH CHÍNH", "Công khai thủ tục hành chính",
                         "Về kiểm soát thủ tục hành chính"}
    assert len(titles) == 5


def test_the_field_is_the_top_level_group_not_the_sub_group(tmp_path):
    task = tasks_of(tmp_path)["Rà soát quy trình nội bộ"]
    assert (task["field"], task["criterion"]) == ("CẢI CÁCH THỦ TỤC HÀNH CHÍNH", "Công khai thủ tục hành chính")
    assert tasks_of(tmp_path)["Đánh giá tác động thủ tục mới"]["field"] == "Về kiểm soát thủ tục hành chính"


def test_running_page_headers_do_not_become_units_or_rows(tmp_path):
    tasks = tasks_of(tmp_path)
    assert tasks["Kiểm tra việc giải quyết hồ sơ"]["lead"] == ["Văn phòng Sở"]
    assert tasks["Thống kê hồ sơ trễ hạn"]["recurrence"] == "monthly"
    assert not any("UBND" in u or "SỞ KIỂM" in u for t in tasks.values() for u in t["lead"] + t["support"])


def test_document_numbers_listed_together_share_their_date(tmp_path):
    refs = parse(tmp_path, HEAD + TABLE + TAIL)["plan"]["references"]
    assert refs == [{"number": "01/NQ-CP", "date": "2026-01-08"}, {"number": "02/NQ-CP", "date": "2026-01-08"},
                    {"number": "7/KH-UBND", "date": "2026-01-15"}]


def test_an_index_named_in_passing_is_not_a_plan_index(tmp_path):
    assert parse(tmp_path, HEAD + TABLE + TAIL)["plan"]["indices"] == ["PAR_INDEX"]


FLOWED = """STT Nhiệm vụ Đơn vị chủ trì Đơn vị phối hợp Thời gian
I CẢI CÁCH THỂ CHẾ
1 Rà soát văn bản quy phạm pháp luật của Sở
Phòng Pháp chế
Các phòng, đơn vị liên quan Năm 2026
2 Kiểm tra văn bản do Sở tham mưu ban hành
Thanh tra Sở
Văn phòng Sở Thường xuyên
"""


def test_a_flowed_row_whose_time_follows_the_units_on_one_line(tmp_path):
    tasks = parse(tmp_path, HEAD + FLOWED + TAIL)["tasks"]
    got = [(t["lead"], t["support"], t["due"], t["recurrence"]) for t in tasks]
    assert got == [(["Phòng Pháp chế"], ["Các phòng, đơn vị liên quan"], "2026-12-31", "once"),
                   (["Thanh tra Sở"], ["Văn phòng Sở"], None, "continuous")]


OCR_PROSE = """KE HOACH
Cai thien Chi so PAR INDEX nam 2026
IILNHIEM VU, GIAI PHAP
1. Linh vuc cai cach the che: Ra soat van ban quy pham phap luat cua So.
2. Linh vuc cai cach thu tuc hanh chinh: Cong khai thu tuc hanh chinh.
HI. TO CHUC THUC HlEN
1. Van phong S&: tham muu thuc hien nhiem vu thuoc linh vuc cai cach thu tuc hanh chnh.
2. Phong T chirc - Phap ché: chu tri thuc hien linh vuc cai cach thé che cua So.
Noi nhan:
"""


def test_an_ocr_text_without_diacritics_and_with_misread_letters_keeps_its_sections_and_units(tmp_path):
    """"IILNHIEM VU" (II. NHIỆM VỤ), "HI." (III.), "THUC HlEN", "thé che" for "thể chế" — no task vanishes and
    each item still gets the unit the 'Tổ chức thực hiện' section assigns it."""
    tasks = parse(tmp_path, OCR_PROSE)["tasks"]
    assert [(t["ref"], t["lead"]) for t in tasks] == [("1", ["Phong T chirc - Phap ché"]), ("2", ["Van phong S&"])]


def test_an_xlsx_group_row_naming_an_index_switches_it_and_the_field_column_is_the_field(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for row in [["KE HOACH so 12/KH-SKT cai thien cac chi so nam 2026"], [],
                ["STT", "Lĩnh vực", "Nhiệm vụ", "Đơn vị chủ trì", "Thời gian"],
                ["I", "ĐỐI VỚI CHỈ SỐ PAR INDEX"],
                ["1", "Cải cách thể chế", "Rà soát văn bản của Sở", "Phòng Pháp chế", "Năm 2026"],
                ["III", "ĐỐI VỚI CHỈ SỐ PAPI"],
                ["1", "Công khai, minh bạch", "Công khai dự toán ngân sách", "Văn phòng Sở", "Thường xuyên"]]:
        ws.append(row)
    wb.save(tmp_path / "phu-luc.xlsx")
    result = public(import_plan(tmp_path / "phu-luc.xlsx"))
    got = [(t["index"], t["field"], t["criterion"]) for t in result["tasks"]]
    assert got == [("PAR_INDEX", "Cải cách thể chế", None), ("PAPI", "Công khai, minh bạch", None)]
    assert result["plan"]["number"] == "12/KH-SKT"
