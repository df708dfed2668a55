"""Each format and layout, from documents the tests generate themselves."""

import shutil

import pytest

from chiso.importing import import_plan
from chiso.importing.tests import makedocs


def _check_par_tasks(tasks):
    assert len(tasks) == len(makedocs.PAR_EXPECTED)
    for task, (ref, start, lead, support, due, recurrence, measure) in zip(tasks, makedocs.PAR_EXPECTED,
                                                                          strict=True):
        assert task["ref"] == ref
        assert task["title"].startswith(start)
        assert task["lead"] == lead
        assert task["support"] == support
        assert task["due"] == due
        assert task["recurrence"] == recurrence
        assert task["measure"] == measure
        assert task["index"] == "PAR_INDEX"
    assert tasks[0]["field"] == "CẢI CÁCH THỦ TỤC HÀNH CHÍNH"
    assert tasks[1]["criterion"] == "Công khai thủ tục hành chính"  # merged down from the row above


def test_it_reads_a_docx_with_merged_cells_and_two_appendices(tmp_path):
    result = import_plan(makedocs.sample_docx(tmp_path / "plan.docx"))
    par = [t for t in result["tasks"] if t["index"] == "PAR_INDEX"]
    sipas = [t for t in result["tasks"] if t["index"] == "SIPAS"]
    _check_par_tasks(par)
    # the last cell held two paragraphs
    assert par[-1]["title"].endswith("Công khai kết quả kiểm tra trên Trang thông tin điện tử.")
    assert [t["title"][:10] for t in sipas] == ["Niêm yết c", "Khảo sát m"]
    assert [t["due"] for t in sipas] == ["2026-12-31", None]
    assert [t["recurrence"] for t in sipas] == ["once", "quarterly"]
    plan = result["plan"]
    assert plan["number"] == "15/KH-STN"
    assert plan["issued_on"] == "2026-03-05"
    assert plan["place"] == "Hà Giang"
    assert plan["year"] == 2026
    assert plan["signer"] == "Nguyễn Văn Thử" and plan["signer_title"] == "GIÁM ĐỐC"
    assert set(plan["indices"]) == {"PAR_INDEX", "SIPAS"}
    assert plan["references"] == [{"number": "120/KH-UBND", "date": "2026-01-20"}]
    assert plan["reporting"][0]["due"] == "2026-11-20"


def test_it_reads_an_xlsx_with_title_rows_and_merged_ranges(tmp_path):
    result = import_plan(makedocs.sample_xlsx(tmp_path / "plan.xlsx"))
    _check_par_tasks(result["tasks"])


def test_it_uses_the_original_name_of_an_upload(tmp_path):
    saved = makedocs.sample_xlsx(tmp_path / "upload-123.tmp")
    result = import_plan(saved, filename="Phụ lục kế hoạch.xlsx")
    assert len(result["tasks"]) == 4


def test_it_reads_a_text_layer_pdf_with_ruled_tables(tmp_path):
    result = import_plan(makedocs.sample_pdf(tmp_path / "plan.pdf"))
    tasks = result["tasks"]
    assert [t["ref"] for t in tasks] == ["1", "2"]
    assert tasks[0]["lead"] == ["Văn phòng Sở"] and tasks[0]["support"] == ["Các phòng chuyên môn"]
    assert tasks[0]["due"] == "2026-12-31"
    assert tasks[1]["recurrence"] == "quarterly"
    assert {t["index"] for t in tasks} == {"SIPAS"}
    assert result["plan"]["number"] == "15/KH-STN"


def test_a_pdf_table_over_several_pages_keeps_every_row_once(tmp_path):
    result = import_plan(makedocs.sample_pdf(tmp_path / "long.pdf", extra_rows=60))
    tasks = result["tasks"]
    assert len(tasks) == 62
    assert [t["ref"] for t in tasks] == [str(k) for k in range(1, 63)]
    assert all(t["lead"] == ["Văn phòng Sở"] for t in tasks)


def test_it_rebuilds_rows_of_a_flowed_text_table(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text(makedocs.par_flowed_text(), encoding="utf-8")
    _check_par_tasks(import_plan(path)["tasks"])


def test_it_reads_text_whose_diacritics_were_lost(tmp_path):
    path = tmp_path / "ocr.txt"
    path.write_text(makedocs.par_flowed_text(strip_diacritics=True), encoding="utf-8")
    result = import_plan(path)
    tasks = result["tasks"]
    assert [t["ref"] for t in tasks] == ["I.1", "I.1", "I.2", "II.1"]
    assert tasks[0]["lead"] == ["Van phong S&"]
    assert [t["due"] for t in tasks] == ["2026-06-30", None, "2026-12-31", "2026-09-30"]
    assert tasks[1]["recurrence"] == "continuous"
    assert {t["index"] for t in tasks} == {"PAR_INDEX"}
    assert tasks[2]["measure"] == {"op": ">=", "value": 98, "unit": "%"}
    assert result["plan"]["number"] == "15/KH-STN"
    assert result["plan"]["issued_on"] == "2026-03-05"


@pytest.mark.parametrize("maker,name", [(makedocs.six_column_markdown, "plan.md"),
                                        (makedocs.html_table_text, "plan.txt")])
def test_it_reads_the_six_column_layout(tmp_path, maker, name):
    path = tmp_path / name
    path.write_text(maker(), encoding="utf-8")
    result = import_plan(path)
    tasks = result["tasks"]
    assert [t["ref"] for t in tasks] == ["I.1", "I.2", "II.1"]
    assert [t["field"] for t in tasks] == ["Cải cách thể chế", "Cải cách thể chế", "Xây dựng chính quyền số"]
    assert tasks[0]["lead"] == ["Phòng Pháp chế"]
    assert tasks[0]["support"] == ["Văn phòng Sở", "Thanh tra Sở"]
    assert [t["due"] for t in tasks] == ["2026-06-30", None, None]
    assert [t["recurrence"] for t in tasks] == ["once", "monthly", "continuous"]
    assert tasks[2]["measure"] == {"op": "=", "value": 100, "unit": "%"}
    assert {t["index"] for t in tasks} == {"PAR_INDEX"}
    assert result["plan"]["title"] == "Kế hoạch Cải thiện Chỉ số PAR INDEX và Chỉ số SIPAS năm 2026"


def test_it_reads_a_prose_only_plan(tmp_path):
    path = tmp_path / "prose.txt"
    path.write_text(makedocs.PROSE_PLAN, encoding="utf-8")
    result = import_plan(path)
    tasks = result["tasks"]
    assert [t["ref"] for t in tasks] == ["1", "2", "3"]
    assert [t["field"] for t in tasks] == ["Công khai, minh bạch", "Trách nhiệm giải trình với người dân",
                                           "Kiểm soát tham nhũng trong khu vực công"]
    assert tasks[0]["lead"] == ["Phòng Kế hoạch - Tài chính"]  # inline "Đơn vị chủ trì: ..."
    assert "Đơn vị chủ trì" not in tasks[0]["title"]
    assert tasks[1]["title"].startswith("Tổ chức đối thoại")
    assert tasks[1]["lead"] == ["Văn phòng Sở"] and tasks[1]["support"] == ["Các phòng chuyên môn"]
    assert tasks[1]["timeframe"] == "Quý IV/2026" and tasks[1]["due"] == "2026-12-31"
    assert tasks[1]["measure"] == {"op": ">=", "value": 2, "unit": "lần"}
    assert tasks[2]["lead"] == ["Thanh tra Sở"]  # from "Tổ chức thực hiện"
    assert {t["index"] for t in tasks} == {"PAPI"}
    plan = result["plan"]
    assert plan["title"] == "Kế hoạch Nâng cao Chỉ số PAPI năm 2026"
    assert plan["references"] == [{"number": "45/KH-UBND", "date": "2026-02-02"}]
    assert plan["reporting"] == [{"from": "Văn phòng Sở", "to": "Giám đốc Sở", "due": "2026-12-15",
                                  "due_text": "trước ngày 15/12/2026", "frequency": "once"}]
    assert plan["signer"] == "Trần Thị Mẫu"


@pytest.mark.skipif(not shutil.which("tesseract"), reason="tesseract OCR not installed")
def test_it_reads_a_scanned_pdf_with_ocr(tmp_path):
    result = import_plan(makedocs.scanned_pdf(tmp_path / "scan.pdf"))
    tasks = result["tasks"]
    assert [t["ref"] for t in tasks] == ["1", "2"]
    assert tasks[0]["field"] == "Công khai, minh bạch"
    assert {t["index"] for t in tasks} == {"PAPI"}


def test_a_scanned_pdf_without_ocr_is_refused_in_one_sentence(tmp_path, monkeypatch):
    from chiso.importing import ImportRejected, scan

    monkeypatch.setattr(scan, "tessdata", lambda: None)
    with pytest.raises(ImportRejected) as exc:
        import_plan(makedocs.scanned_pdf(tmp_path / "scan.pdf"))
    assert "Tesseract" in str(exc.value) and "\n" not in str(exc.value)


UNITS_FIRST_FLOWED = """KẾ HOẠCH
Nâng cao Chỉ số cải cách hành chính (PAR INDEX) năm 2025
PHỤ LỤC
NHIỆM VỤ CẢI THIỆN CHỈ SỐ PAR INDEX NĂM 2025
STT Nhiệm vụ Đơn vị chủ trì Đơn vị phối hợp Thời gian hoàn thành Ghi chú
I CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH
1 Ban hành kế hoạch kiểm tra công tác cải cách
hành chính năm 2025
Văn phòng Sở Các phòng, đơn vị Quý I/2025
2 Tổ chức tuyên truyền cải cách hành chính trên
Trang thông tin điện tử của Sở
Văn phòng Sở Trung tâm Khuyến nông Thường xuyên
II CẢI CÁCH THỂ CHẾ
1 Theo dõi thi hành pháp luật về nông nghiệp Thanh tra Sở Phòng Pháp chế Trong năm 2025
2 Công bố danh mục thủ tục hành chính
Văn phòng Sở Khi có văn bản mới
"""


def test_it_rebuilds_flowed_rows_whose_units_come_before_the_time(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text(UNITS_FIRST_FLOWED, encoding="utf-8")
    tasks = import_plan(path)["tasks"]
    assert [t["ref"] for t in tasks] == ["I.1", "I.2", "II.1", "II.2"]
    assert tasks[0]["title"] == "Ban hành kế hoạch kiểm tra công tác cải cách hành chính năm 2025"
    assert [t["lead"] for t in tasks] == [["Văn phòng Sở"], ["Văn phòng Sở"], ["Thanh tra Sở"], ["Văn phòng Sở"]]
    assert [t["support"] for t in tasks] == [["Các phòng, đơn vị"], ["Trung tâm Khuyến nông"], ["Phòng Pháp chế"], []]
    assert [t["due"] for t in tasks] == ["2025-03-31", None, "2025-12-31", None]
    assert [t["recurrence"] for t in tasks] == ["once", "continuous", "once", "on_event"]


def test_a_docx_table_split_in_two_carries_on(tmp_path):
    """Word split the table at a page break: the second part has no header and its first row continues the
    last row of the first part."""
    import docx

    d = docx.Document()
    d.add_paragraph("KẾ HOẠCH")
    d.add_paragraph("Cải thiện Chỉ số PAPI năm 2026")
    t1 = d.add_table(rows=2, cols=6)
    for k, text in enumerate(makedocs.SIX_HEADER):
        t1.cell(0, k).text = text
    for k, text in enumerate(["1", "Tổ chức đối thoại với người dân về", "Văn phòng Sở", "", "Quý II/2026", ""]):
        t1.cell(1, k).text = text
    d.add_paragraph("")
    t2 = d.add_table(rows=2, cols=6)
    for k, text in enumerate(["", "thủ tục hành chính", "", "", "", ""]):
        t2.cell(0, k).text = text
    for k, text in enumerate(["2", "Công khai kết quả giải quyết phản ánh", "Thanh tra Sở", "", "Thường xuyên", ""]):
        t2.cell(1, k).text = text
    path = tmp_path / "split.docx"
    d.save(str(path))
    tasks = import_plan(path)["tasks"]
    assert [t["title"] for t in tasks] == ["Tổ chức đối thoại với người dân về thủ tục hành chính",
                                           "Công khai kết quả giải quyết phản ánh"]
    assert [t["lead"] for t in tasks] == [["Văn phòng Sở"], ["Thanh tra Sở"]]
    assert {t["index"] for t in tasks} == {"PAPI"}


def test_markdown_marks_are_ignored(tmp_path):
    path = tmp_path / "plan.md"
    text = makedocs.six_column_markdown().replace("KẾ HOẠCH", "# **KẾ HOẠCH**")
    path.write_text(text, encoding="utf-8")
    result = import_plan(path)
    assert result["plan"]["title"].startswith("Kế hoạch Cải thiện")
    assert len(result["tasks"]) == 3


def test_a_flowed_table_goes_on_after_its_header_is_printed_again(tmp_path):
    text = makedocs.par_flowed_text()
    header = "STT Lĩnh vực/tiêu chí Nhiệm vụ Thời gian Chủ trì Phối hợp"
    # a page break in the middle of the third task's text: page number, then the header again
    text = text.replace(" Phấn đấu tỷ lệ hồ sơ giải quyết đúng hạn",
                        " Phấn đấu tỷ lệ hồ sơ giải quyết\n7\n" + header + "\nđúng hạn")
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    tasks = import_plan(path)["tasks"]
    _check_par_tasks(tasks)
    assert tasks[2]["title"] == "Phấn đấu tỷ lệ hồ sơ giải quyết đúng hạn đạt từ 98% trở lên"


DOTTED_FLOWED = """KẾ HOẠCH
Nâng cao Chỉ số PAPI năm 2025
PHỤ LỤC
STT Nội dung Nhiệm vụ Thời gian Chủ trì Phối hợp
1 Tham gia của người dân ở cấp cơ sở
1.1 Tri thức công dân Tuyên truyền pháp luật cho người dân
Thường xuyên Văn phòng Sở Các phòng chuyên môn
1.2 Cơ hội tham gia Lấy ý kiến người dân về dự thảo văn bản
Quý III/2025 Phòng Pháp chế
"""


def test_dotted_sub_numbers_stay_under_their_group(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text(DOTTED_FLOWED, encoding="utf-8")
    tasks = import_plan(path)["tasks"]
    assert [t["ref"] for t in tasks] == ["1.1", "1.2"]
    assert {t["field"] for t in tasks} == {"Tham gia của người dân ở cấp cơ sở"}
    assert [t["criterion"] for t in tasks] == ["Tri thức công dân", "Cơ hội tham gia"]
    assert [t["lead"] for t in tasks] == [["Văn phòng Sở"], ["Phòng Pháp chế"]]
    assert [t["due"] for t in tasks] == [None, "2025-09-30"]
    assert {t["index"] for t in tasks} == {"PAPI"}


def test_hostile_text_is_handled_in_bounded_time(tmp_path):
    import time

    from chiso.importing import ImportRejected

    path = tmp_path / "hostile.txt"
    path.write_text("KẾ HOẠCH " + "x <table " * 200_000 + "\n1\t2\t3\n" * 2000, encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(ImportRejected):
        import_plan(path)
    assert time.perf_counter() - started < 15


def test_units_charged_with_numbered_items_in_the_organisation_section(tmp_path):
    text = """KẾ HOẠCH
Cải thiện Chỉ số SIPAS năm 2026
II. NHIỆM VỤ, GIẢI PHÁP
1.1. Niêm yết đầy đủ thủ tục hành chính tại Bộ phận một cửa.
1.2. Rút ngắn thời gian giải quyết hồ sơ so với quy định.
1.3. Khảo sát mức độ hài lòng của người dân hằng quý.
III. TỔ CHỨC THỰC HIỆN
1. Văn phòng Sở chủ trì thực hiện các nhiệm vụ tại mục 1.1 và 1.3.
2. Trung tâm Phục vụ hành chính công chủ trì nội dung tại mục 1.2.
"""
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    tasks = import_plan(path)["tasks"]
    assert [t["ref"] for t in tasks] == ["1.1", "1.2", "1.3"]
    assert [t["lead"] for t in tasks] == [["Văn phòng Sở"], ["Trung tâm Phục vụ hành chính công"], ["Văn phòng Sở"]]
    assert {t["index"] for t in tasks} == {"SIPAS"}


def test_word_automatic_numbering_is_put_back(tmp_path):
    """Items numbered by Word's list styles keep their numbers, so a prose plan typed that way still has
    numbered solution items and bullets."""
    import docx

    d = docx.Document()
    for line in ["KẾ HOẠCH", "Nâng cao Chỉ số PAPI năm 2026", "II. NHIỆM VỤ VÀ GIẢI PHÁP"]:
        d.add_paragraph(line)
    d.add_paragraph("Công khai, minh bạch: Công khai dự toán ngân sách của Sở.", style="List Number")
    d.add_paragraph("Trách nhiệm giải trình với người dân", style="List Number")
    d.add_paragraph("Nhiệm vụ: Tổ chức đối thoại với doanh nghiệp.", style="List Bullet")
    d.add_paragraph("Đơn vị chủ trì: Văn phòng Sở", style="List Bullet")
    path = tmp_path / "numbered.docx"
    d.save(str(path))
    tasks = import_plan(path)["tasks"]
    assert [t["ref"] for t in tasks] == ["1", "2"]
    assert tasks[0]["field"] == "Công khai, minh bạch"
    assert tasks[1]["title"] == "Tổ chức đối thoại với doanh nghiệp."
    assert tasks[1]["lead"] == ["Văn phòng Sở"]


def test_a_timeframe_broken_over_two_printed_lines_is_kept_whole(tmp_path):
    text = makedocs.par_flowed_text().replace("Trong năm 2026", "Trong năm\n2026")
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    tasks = import_plan(path)["tasks"]
    assert tasks[2]["timeframe"] == "Trong năm 2026"
    assert tasks[2]["due"] == "2026-12-31"


def test_a_plan_that_only_lists_what_each_unit_does(tmp_path):
    text = """KẾ HOẠCH
Nâng cao Chỉ số SIPAS năm 2026
I. MỤC ĐÍCH, YÊU CẦU
Nâng cao mức độ hài lòng của người dân.
II. TỔ CHỨC THỰC HIỆN
1. Văn phòng Sở
- Niêm yết công khai đầy đủ thủ tục hành chính tại Bộ phận một cửa.
- Tổng hợp kết quả khảo sát sự hài lòng hằng quý.
2. Trung tâm Phục vụ hành chính công
- Rút ngắn thời gian giải quyết hồ sơ so với quy định.
"""
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    tasks = import_plan(path)["tasks"]
    assert [t["lead"] for t in tasks] == [["Văn phòng Sở"], ["Văn phòng Sở"], ["Trung tâm Phục vụ hành chính công"]]
    assert tasks[0]["title"] == "Niêm yết công khai đầy đủ thủ tục hành chính tại Bộ phận một cửa."
    assert {t["index"] for t in tasks} == {"SIPAS"}



CELL_PER_LINE = """KẾ HOẠCH
Cải thiện Chỉ số PAR INDEX năm 2026
STT
Nhiệm vụ
Đơn vị chủ trì
Đơn vị phối hợp
Thời gian hoàn thành
Ghi chú
I
Cải cách thể chế
1
Rà soát văn bản quy phạm pháp luật thuộc lĩnh vực quản lý
Phòng Pháp chế
Văn phòng Sở; Thanh tra Sở
30/6/2026

2
Tự kiểm tra văn bản do Sở tham mưu ban hành
Phòng Pháp chế

Hằng tháng

II
Xây dựng chính quyền số
1
Số hóa 100% hồ sơ giải quyết thủ tục hành chính
Trung tâm Công nghệ thông tin
Các phòng chuyên môn
Thường xuyên
Đã bố trí kinh phí
"""


def test_a_dump_with_one_cell_per_line(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text(CELL_PER_LINE, encoding="utf-8")
    tasks = import_plan(path)["tasks"]
    assert [t["ref"] for t in tasks] == ["I.1", "I.2", "II.1"]
    assert [t["title"] for t in tasks] == ["Rà soát văn bản quy phạm pháp luật thuộc lĩnh vực quản lý",
                                           "Tự kiểm tra văn bản do Sở tham mưu ban hành",
                                           "Số hóa 100% hồ sơ giải quyết thủ tục hành chính"]
    assert [t["support"] for t in tasks] == [["Văn phòng Sở", "Thanh tra Sở"], [], ["Các phòng chuyên môn"]]
    assert [t["recurrence"] for t in tasks] == ["once", "monthly", "continuous"]


def test_a_score_targets_table_in_word(tmp_path):
    import docx

    d = docx.Document()
    for line in makedocs.HEAD_LINES:
        d.add_paragraph(line)
    t = d.add_table(rows=1, cols=7)
    head = ["STT", "Lĩnh vực", "Xếp hạng năm 2025", "Điểm năm 2025", "Điểm tối đa", "Dự kiến tăng điểm",
            "Mục tiêu (điểm)"]
    for k, text in enumerate(head):
        t.cell(0, k).text = text
    for row in (["1", "Cải cách thể chế", "12/34", "8,5", "10", "+ 0,5", "≥ 9,0"],
                ["2", "Cải cách tài chính công", "03/34", "6", "6", "0", "6"]):
        cells = t.add_row().cells
        for k, text in enumerate(row):
            cells[k].text = text
    d.add_paragraph("PHỤ LỤC I")
    d.add_paragraph("Nhiệm vụ cải thiện Chỉ số PAR INDEX năm 2026")
    t2 = d.add_table(rows=2, cols=6)
    for k, text in enumerate(makedocs.SIX_HEADER):
        t2.cell(0, k).text = text
    for k, text in enumerate(makedocs.SIX_TEXT_ROWS[1]):
        t2.cell(1, k).text = text
    path = tmp_path / "targets.docx"
    d.save(str(path))
    result = import_plan(path)
    assert result["plan"]["targets"] == [
        {"index": "PAR_INDEX", "field": "Cải cách thể chế", "prev_rank": "12/34", "prev_score": 8.5, "max_score": 10,
         "expected_increase": 0.5, "target_op": ">=", "target_score": 9},
        {"index": "PAR_INDEX", "field": "Cải cách tài chính công", "prev_rank": "03/34", "prev_score": 6,
         "max_score": 6, "expected_increase": 0, "target_op": "=", "target_score": 6},
    ]
    assert len(result["tasks"]) == 1



ARABIC_SECTIONS = """KẾ HOẠCH
Nâng cao Chỉ số PAPI năm 2026
1. MỤC ĐÍCH, YÊU CẦU
Cải thiện điểm số Chỉ số PAPI.
2. NHIỆM VỤ, GIẢI PHÁP
2.1. Công khai, minh bạch: Công khai dự toán ngân sách của Sở.
2.2. Trách nhiệm giải trình: Tổ chức đối thoại với người dân ít nhất 02 lần.
3. TỔ CHỨC THỰC HIỆN
3.1. Văn phòng Sở chủ trì nội dung về trách nhiệm giải trình.
"""
SENTENCE_CASE_SECTIONS = """KẾ HOẠCH
Nâng cao Chỉ số PAPI năm 2026
I. Mục đích, yêu cầu
Cải thiện điểm số Chỉ số PAPI.
II. Nhiệm vụ, giải pháp
1. Công khai, minh bạch: Công khai dự toán ngân sách của Sở.
2. Trách nhiệm giải trình: Tổ chức đối thoại với người dân ít nhất 02 lần.
III. Tổ chức thực hiện
1. Văn phòng Sở chủ trì nội dung về trách nhiệm giải trình.
"""


@pytest.mark.parametrize("text,refs", [(ARABIC_SECTIONS, ["2.1", "2.2"]), (SENTENCE_CASE_SECTIONS, ["1", "2"])])
def test_section_headings_in_other_styles(tmp_path, text, refs):
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    tasks = import_plan(path)["tasks"]
    assert [t["ref"] for t in tasks] == refs
    assert [t["field"] for t in tasks] == ["Công khai, minh bạch", "Trách nhiệm giải trình"]
    assert [t["lead"] for t in tasks] == [[], ["Văn phòng Sở"]]
    assert {t["index"] for t in tasks} == {"PAPI"}



NO_STT_COLUMN = """KẾ HOẠCH
Cải thiện Chỉ số PAR INDEX năm 2026
II. NHIỆM VỤ
Nội dung nhiệm vụ Đơn vị chủ trì Đơn vị phối hợp Thời gian hoàn thành
Rà soát văn bản quy phạm pháp luật thuộc lĩnh vực quản lý
Phòng Pháp chế Văn phòng Sở Quý II/2026
Tự kiểm tra văn bản do Sở tham mưu ban hành
Phòng Pháp chế Hằng tháng
Nơi nhận:
- Lưu: VT.
"""


def test_a_flowed_table_without_an_stt_column(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text(NO_STT_COLUMN, encoding="utf-8")
    tasks = import_plan(path)["tasks"]
    assert [t["title"] for t in tasks] == ["Rà soát văn bản quy phạm pháp luật thuộc lĩnh vực quản lý",
                                           "Tự kiểm tra văn bản do Sở tham mưu ban hành"]
    assert [t["lead"] for t in tasks] == [["Phòng Pháp chế"], ["Phòng Pháp chế"]]
    assert [t["support"] for t in tasks] == [["Văn phòng Sở"], []]
    assert [t["due"] for t in tasks] == ["2026-06-30", None]



UNASSIGNED_ROWS = """KẾ HOẠCH
Thử năm 2026
| STT | Nhiệm vụ | Đơn vị chủ trì | Đơn vị phối hợp | Thời gian hoàn thành | Ghi chú |
|---|---|---|---|---|---|
| I | Cải cách thể chế | | | | |
| 1 | Rà soát văn bản | Phòng Pháp chế | | 30/6/2026 | |
| 2 | Nhiệm vụ chưa phân công đơn vị | | | | |
| 3 | Nhóm nhiệm vụ số hóa | | | | |
| | Số hóa hồ sơ | Văn phòng Sở | | Thường xuyên | |
| II | Cải cách tài chính công | | | | |
| 1 | Công khai ngân sách | | | | |
"""


def test_a_numbered_row_without_units_is_a_task_unless_rows_follow_under_it(tmp_path):
    path = tmp_path / "plan.md"
    path.write_text(UNASSIGNED_ROWS, encoding="utf-8")
    tasks = import_plan(path)["tasks"]
    assert [t["ref"] for t in tasks] == ["I.1", "I.2", "I.3", "II.1"]
    assert [t["title"] for t in tasks] == ["Rà soát văn bản", "Nhiệm vụ chưa phân công đơn vị", "Số hóa hồ sơ",
                                           "Công khai ngân sách"]
    assert tasks[1]["lead"] == [] and tasks[1]["recurrence"] is None
    assert tasks[2]["criterion"] == "Nhóm nhiệm vụ số hóa"
