from decimal import Decimal

import pytest

from chiso.lib.numbers import format_vn_decimal, format_vn_percent, parse_vn_decimal


@pytest.mark.parametrize("text,value", [
    ("12,5", Decimal("12.5")), ("1.250", Decimal("1250")), ("1.250,75", Decimal("1250.75")),
    ("12.5", Decimal("12.5")), ("12.500.000", Decimal("12500000")), (" 98 ", Decimal("98")),
    ("-3,25", Decimal("-3.25")),
])
def test_it_reads_vietnamese_numbers(text, value):
    assert parse_vn_decimal(text) == value


@pytest.mark.parametrize("text", ["", "abc", "1,2,3", "NaN", "Infinity"])
def test_it_refuses_what_is_not_a_number(text):
    assert parse_vn_decimal(text) is None


@pytest.mark.parametrize("value,text", [
    (Decimal("12.500"), "12,5"), (Decimal("9.2779"), "9,2779"), (Decimal("100.000"), "100"), (Decimal("1E+2"), "100"),
    (Decimal("0.000"), "0"), (3, "3"), (None, ""),
])
def test_it_prints_numbers_the_way_documents_do(value, text):
    assert format_vn_decimal(value) == text


def test_it_prints_rates_with_the_decimal_comma():
    assert format_vn_percent(87.5) == "87,5%" and format_vn_percent(None) == "—"
    assert format_vn_percent(100) == "100,0%"
