"""The normalisation rules of the contract: due dates and recurrence, units, measures, indices, columns."""

import pytest

from chiso.importing.columns import finalize_roles, role_of, roles_from_header_text
from chiso.importing.normalize import find_measures, index_for, mentioned_indices, pick_measure, split_units
from chiso.lib.vndates import parse_date, parse_timeframe


@pytest.mark.parametrize("text,due,recurrence", [
    ("Trong năm 2025", "2025-12-31", "once"),
    ("Năm 2025", "2025-12-31", "once"),
    ("31/12/2025", "2025-12-31", "once"),
    ("Xong trước 31/10/2025", "2025-10-31", "once"),
    ("Trước ngày 10/8/2025", "2025-08-10", "once"),
    ("Chậm nhất 10/8/2025", "2025-08-10", "once"),
    ("Quý III/2025", "2025-09-30", "once"),
    ("Tháng 8/2025", "2025-08-31", "once"),
    ("6 tháng cuối năm 2025", "2025-12-31", "once"),
    ("Năm 2025 và khi có hướng dẫn của Bộ", "2025-12-31", "once"),
    ("Thường xuyên", None, "continuous"),
    ("Thuong xuyen", None, "continuous"),
    ("Thường xuyên theo QĐ công bố của tỉnh", None, "continuous"),
    ("Khi có phát sinh", None, "on_event"),
    ("Sau khi hoàn thành kiểm tra", None, "on_event"),
    ("Trước, sau tuyển dụng", None, "on_event"),
    ("Theo Kế hoạch của Văn phòng UBND tỉnh", None, "on_event"),
    ("Trước ngày 15 của tháng cuối cùng kỳ báo cáo", None, "quarterly"),
    ("Hằng tháng", None, "monthly"),
    ("Định kỳ 6 tháng", None, "semiannual"),
    ("Hằng năm", None, "annual"),
    ("", None, None),
    (None, None, None),
])
def test_timeframes(text, due, recurrence):
    assert parse_timeframe(text, 2025) == (due, recurrence)


def test_a_date_without_year_takes_the_plan_year():
    assert parse_timeframe("Trước 15/8", 2026) == ("2026-08-15", "once")


def test_long_and_short_dates():
    assert parse_date("ngày 12 tháng 7 năm 2025").isoformat() == "2025-07-12"
    assert parse_date("ngày 30/12/2024").isoformat() == "2024-12-30"
    assert parse_date("ngày 31/2/2025") is None


@pytest.mark.parametrize("text,units", [
    ("Văn phòng Sở, các đơn vị sự nghiệp trực thuộc sở", ["Văn phòng Sở", "các đơn vị sự nghiệp trực thuộc sở"]),
    ("Các phòng, đơn vị thuộc Sở", ["Các phòng, đơn vị thuộc Sở"]),
    ("Các phòng, trung tâm thuộc Sở", ["Các phòng, trung tâm thuộc Sở"]),
    ("Phòng Phổ biến, giáo dục pháp luật", ["Phòng Phổ biến, giáo dục pháp luật"]),
    ("Văn phòng Sở; Thanh tra Sở", ["Văn phòng Sở", "Thanh tra Sở"]),
    ("- Phòng Chuyên môn có TTHC; - Văn phòng Sở", ["Phòng Chuyên môn có TTHC", "Văn phòng Sở"]),
    ("Phòng Kế hoạch - Tài chính", ["Phòng Kế hoạch - Tài chính"]),
    ("Văn phòng Sở.", ["Văn phòng Sở"]),
    ("", []),
])
def test_units_one_per_entry(text, units):
    assert split_units(text) == units


@pytest.mark.parametrize("text,measure", [
    ("Phấn đấu tỷ lệ đạt 98% trở lên; 100% hồ sơ quá hạn có văn bản xin lỗi", {"op": ">=", "value": 98}),
    ("Tối thiểu 03 sáng kiến, giải pháp", {"op": ">=", "value": 3, "unit": "sáng kiến"}),
    ("Phấn đấu đạt trên 70% KH", {"op": ">", "value": 70}),
    ("100% nhiệm vụ được hoàn thành", {"op": "=", "value": 100}),
    ("Tỷ lệ không dưới 95,5%", {"op": ">=", "value": 95.5}),
    ("Giảm tối đa 10% thời gian", {"op": "<=", "value": 10}),
    ("Tỷ lệ hồ sơ đúng hạn ≥ 98%", {"op": ">=", "value": 98}),
    ("Không có chỉ tiêu định lượng", None),
])
def test_measures(text, measure):
    got = pick_measure(text)
    if measure is None:
        assert got is None
    else:
        assert {k: got[k] for k in measure} == measure


def test_a_criterion_with_several_targets_gives_no_measure():
    assert pick_measure("Tiếp tục thực hiện", "trên 100% hồ sơ, trong đó trên 60% trước hạn; tối thiểu 90%") is None
    assert find_measures("đạt 100%; đạt 100%")[0]["value"] == 100


def test_indices_named_in_text():
    assert mentioned_indices("các Chỉ số PAR-INDEX, SIPAS, PAPI năm 2025") == ["PAR_INDEX", "SIPAS", "PAPI"]
    assert mentioned_indices("Chỉ số năng lực cạnh tranh cấp tỉnh (PCI)") == ["PCI"]


def test_index_from_the_field_when_the_appendix_names_several():
    ctx = ["PAR_INDEX", "SIPAS"]
    assert index_for(ctx, "TÁC ĐỘNG CỦA CCHC ĐẾN NGƯỜI DÂN", None, ctx) == "PAR_INDEX"
    assert index_for([], "Kiểm soát tham nhũng trong khu vực công", None, ["PAR_INDEX", "PAPI"]) == "PAPI"
    assert index_for([], 'Cải thiện "mức độ hài lòng về TTHC"', None, []) == "SIPAS"
    assert index_for(["PAPI"], "Cải cách thể chế", None, []) == "PAPI"


def test_column_names_with_or_without_diacritics():
    assert role_of("Đơn vị chủ trì") == "lead"
    assert role_of("Don vi phoi hop") == "support"
    assert role_of("Thời gian hoàn thành") == "time"
    assert role_of("Kết quả/sản phẩm") == "output"
    assert role_of("Kinh phí (triệu đồng)") == "budget"
    assert finalize_roles(["stt", "field", None]) == ["stt", "task", None]
    assert roles_from_header_text("STT Lĩnh vực/ tiêu chí Nhiệm vụ năm 2025 Thời gian thực hiện Phân công nhiệm vụ "
                                  "Chủ trì Phối hợp") == ["stt", "field", "task", "time", "lead", "support"]
