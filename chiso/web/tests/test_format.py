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
