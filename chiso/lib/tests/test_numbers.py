from decimal import Decimal

import pytest

from chiso.lib.numbers import parse_vn_decimal


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
