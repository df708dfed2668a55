"""Numbers as Vietnamese civil servants type them: 12,5 (decimal comma) and 1.250 (dot for thousands)."""

import re
from decimal import Decimal, InvalidOperation

_GROUPED = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")  # 1.250 or 12.500.000: dots group thousands


def parse_vn_decimal(text: str) -> Decimal | None:
    """"12,5" -> 12.5, "1.250" -> 1250, "1.250,75" -> 1250.75, "12.5" -> 12.5; None when it is not a number."""
    raw = (text or "").strip().replace(" ", "").replace("\u00a0", "")
    if not raw:
        return None
    if "," in raw:
        raw = raw.replace(".", "").replace(",", ".")
    elif _GROUPED.match(raw):
        raw = raw.replace(".", "")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None
