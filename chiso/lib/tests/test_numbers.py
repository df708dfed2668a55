from decimal import Decimal

import pytest

from chiso.lib.numbers import cell_decimal, cell_integer, format_vn_decimal, format_vn_percent, parse_vn_decimal


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


@pytest.mark.parametrize("part,whole,rate,text", [
    (2, 32, 6.3, "6,3%"),        # 6,25: Python's round() gives 6,2
    (1, 8, 12.5, "12,5%"), (1, 16, 6.3, "6,3%"), (3, 16, 18.8, "18,8%"), (1, 3, 33.3, "33,3%"),
    (2, 3, 66.7, "66,7%"), (5, 5, 100.0, "100,0%"), (0, 7, 0.0, "0,0%"),
])
def test_rates_round_half_up_in_one_helper(part, whole, rate, text):
    from chiso.lib.numbers import percent

    assert percent(part, whole) == rate
    assert format_vn_percent(percent(part, whole)) == text
    assert format_vn_percent(100 * part / whole) == text  # an unrounded float prints the same


def test_no_whole_no_rate():
    from chiso.lib.numbers import percent, round_half_up

    assert percent(3, 0) is None and format_vn_percent(None) == "—"
    assert round_half_up(0.125, 2) == Decimal("0.13") and round_half_up(Decimal("-2.5"), 0) == Decimal("-3")


@pytest.mark.parametrize("cell, value", [
    (9.28, Decimal("9.28")), (12, Decimal(12)), ("9,28", Decimal("9.28")), ("9.28", Decimal("9.28")),
    ("1.250,5", Decimal("1250.5")), (" 7\u00a0", Decimal(7)), (None, None), ("  ", None),
])
def test_a_cell_reads_as_a_number(cell, value):
    assert cell_decimal(cell) == value


@pytest.mark.parametrize("cell", ["chín", True, "NaN", "1,2,3", float("inf")])
def test_a_cell_that_is_not_a_number_is_refused(cell):
    with pytest.raises(ValueError):
        cell_decimal(cell)


def test_a_whole_cell_refuses_a_fraction():
    assert cell_integer(2025.0) == 2025 and cell_integer("12") == 12 and cell_integer("") is None
    with pytest.raises(ValueError):
        cell_integer("12,5")


def test_percent_of_counts_rounds_as_the_decimal_rule():
    """The integer path of `percent` (counts) gives exactly the Decimal half-up rule's float."""
    from chiso.lib.numbers import percent, round_half_up

    for whole in range(1, 400):
        for part in range(whole + 1):
            for places in (0, 1, 2):
                expected = float(round_half_up(Decimal(100) * Decimal(part) / Decimal(whole), places))
                assert percent(part, whole, places) == expected, (part, whole, places)


def test_id_or_none_takes_ascii_digits_only():
    from chiso.lib.numbers import id_or_none

    assert id_or_none("42") == 42 and id_or_none("0") == 0 and id_or_none("9" * 18) == int("9" * 18)
    for raw in ("²", "٣", "５", "-1", "+1", " 1", "1.0", "", "9" * 19, None, 7, "1e3"):
        assert id_or_none(raw) is None, raw
