from decimal import Decimal

import pytest
from django.utils import translation

from chiso.web.templatetags.chiso_format import num


@pytest.mark.parametrize("value,vi,en", [
    (Decimal("12.5000"), "12,5", "12.5"), (Decimal("9.2779"), "9,2779", "9.2779"),
    (Decimal("1250.000"), "1.250", "1,250"),
    (16, "16", "16"), (None, "", ""),
])
def test_numbers_print_like_the_documents(value, vi, en):
    with translation.override("vi"):
        assert num(value) == vi
    with translation.override("en"):
        assert num(value) == en


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_num_prints_what_djangos_number_format_prints(lang):
    """num reads the separators once per language (speed); the text stays Django's, zeros stripped."""
    from django.utils.formats import number_format

    values = [Decimal(v) for v in ("0", "0.000", "-0.5", "1", "999", "1000", "-1234.50", "12345.678", "1234567",
                                   "0.0001", "100.000", "9.2779", "-1000000.25", "5E+3", "1.2E-3")] + [3, -45000, 2.5]
    with translation.override(lang):
        for value in values:
            text = f"{Decimal(str(value)):f}"
            text = text.rstrip("0").rstrip(".") if "." in text else text
            places = len(text.split(".")[1]) if "." in text else 0
            assert num(value) == number_format(Decimal(text), decimal_pos=places, use_l10n=True,
                                               force_grouping=True), value
        assert num("không phải số") == "không phải số"
