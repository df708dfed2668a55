import io
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from openpyxl import load_workbook

from chiso.exports.xlsx import workbook_bytes, xlsx_response


def _rows(data: bytes):
    return [[c.value for c in row] for row in load_workbook(io.BytesIO(data)).active.iter_rows()]


def test_it_writes_headers_and_typed_cells():
    moment = timezone.make_aware(datetime(2026, 6, 30, 8, 15))
    data = workbook_bytes(["Tên", "Hạn", "Lúc", "Số"], [["Việc 1", date(2026, 6, 30), moment, 3],
                                                         ["Việc 2", None, None, Decimal("12.5")]])
    rows = _rows(data)
    assert rows[0] == ["Tên", "Hạn", "Lúc", "Số"]
    assert rows[1][0] == "Việc 1" and rows[1][1].date() == date(2026, 6, 30) and rows[1][3] == 3
    assert rows[1][2] == datetime(2026, 6, 30, 8, 15)  # local time, not UTC
    assert rows[2] == ["Việc 2", None, None, 12.5]  # a decimal is a number the spreadsheet can sum
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet["B2"].number_format == "DD/MM/YYYY"


def test_typed_text_never_becomes_a_formula():
    data = workbook_bytes(["Nội dung"], [["=1+1"], ['=HYPERLINK("http://x","bấm")']])
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet["A2"].data_type == "s" and sheet["A2"].value == "=1+1"
    assert sheet["A3"].data_type == "s"


def test_the_response_is_a_dated_attachment():
    response = xlsx_response("ke-hoach", ["A"], [["x"]])
    assert response["Content-Type"].endswith("spreadsheetml.sheet")
    assert response["Content-Disposition"].startswith('attachment; filename="ke-hoach-')


def test_rates_are_numbers_shown_as_percentages():
    import io
    from datetime import date

    from openpyxl import load_workbook

    from chiso.exports.xlsx import Percent, workbook_bytes

    ws = load_workbook(io.BytesIO(workbook_bytes(["Tỷ lệ", "Ngày"], [[Percent(87.5), date(2026, 2, 5)]]))).active
    assert ws["A2"].value == 0.875 and ws["A2"].number_format == "0.0%"
    assert ws["B2"].number_format == "DD/MM/YYYY"
