"""Numbers as Vietnamese civil servants type them: 12,5 (decimal comma) and 1.250 (dot for thousands)."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

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


def cell_decimal(value) -> Decimal | None:
    """A spreadsheet cell as a number: ints and floats as they are, text as "9,28" (decimal comma, dots then
    group thousands) or "9.28"; blank is None. Anything else raises ValueError (the caller names the cell)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        number = Decimal(str(value))
    else:
        raw = str(value).strip().replace(" ", "").replace("\u00a0", "")
        if "," in raw:
            raw = raw.replace(".", "").replace(",", ".")
        try:
            number = Decimal(raw)
        except InvalidOperation as exc:
            raise ValueError(value) from exc
    if not number.is_finite():
        raise ValueError(value)
    return number


def cell_integer(value) -> int | None:
    """A spreadsheet cell as a whole number (12, 12.0, "12"); blank is None; a fraction raises ValueError."""
    number = cell_decimal(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise ValueError(value)
    return int(number)


def plain_decimal(value: Decimal) -> Decimal:
    """The same number without trailing decimal zeros and never in exponent form (12.500 -> 12.5, 1E+2 -> 100)."""
    text = f"{value:f}"
    return Decimal(text.rstrip("0").rstrip(".") if "." in text else text)


def format_vn_decimal(value) -> str:
    """A number as the documents print it: decimal comma, no padded zeros (12,5 · 9,2779 · 100); "" for None.
    No thousands dot: scores and targets are small, and a dot would read as a decimal point in English."""
    if value is None or value == "":
        return ""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    return f"{plain_decimal(number):f}".replace(".", ",")


def round_half_up(value, places: int = 1) -> Decimal:
    """THE rounding of every figure ChiSo prints: half away from zero, as people round by hand (6,25 -> 6,3),
    never Python's round() (banker's rounding on a binary float: round(6.25, 1) == 6.2). A float goes through
    its shortest repr, so 6.25 is 6.25 and not 6.2499999."""
    number = value if isinstance(value, Decimal) else Decimal(repr(value) if isinstance(value, float) else str(value))
    return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def percent(part, whole, places: int = 1) -> float | None:
    """part / whole as a percentage rounded half-up (2/32 -> 6.3); None when there is no whole. A float, so
    the figures stay JSON-ready (a report stores them); exact because it is computed from integers."""
    if not whole:
        return None
    if type(part) is int and type(whole) is int and part >= 0 and whole > 0:
        # counts (the usual case, thousands a page): the same half-up rounding in integers, ~10x cheaper
        scale = 10 ** places
        return ((200 * scale * part + whole) // (2 * whole)) / scale
    return float(round_half_up(Decimal(100) * Decimal(part) / Decimal(whole), places))


def format_vn_percent(value, places: int = 1) -> str:
    """A rate with a fixed number of decimals and the decimal comma, rounded half-up: 87,5% · 6,3%; "—" for
    None (no rate)."""
    if value is None:
        return "—"
    return f"{round_half_up(value, places):f}%".replace(".", ",")


def id_or_none(raw) -> int | None:
    """A whole number typed in a URL or form (an id, a page, a version): 1-18 ASCII digits, else None.
    str.isdigit() also accepts "²" and "٣", which int() then refuses or reads, and a huge string is slow."""
    if isinstance(raw, str) and 0 < len(raw) <= 18 and raw.isascii() and raw.isdigit():
        return int(raw)
    return None
