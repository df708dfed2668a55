"""Format modules per language (FORMAT_MODULE_PATH) and the page's number formatter built on them."""

from decimal import Decimal, InvalidOperation

from django.utils import translation
from django.utils.formats import get_format

_SEPARATORS: dict[str, tuple[str, str, int]] = {}


def _separators() -> tuple[str, str, int]:
    """(decimal mark, thousands mark, group size) of the active language, read from its format module once:
    Django's number_format looks them up again for every number (~90 µs; a grid prints hundreds)."""
    lang = translation.get_language() or ""
    found = _SEPARATORS.get(lang)
    if found is None:
        grouping = get_format("NUMBER_GROUPING", lang, use_l10n=True)
        found = (get_format("DECIMAL_SEPARATOR", lang, use_l10n=True),
                 get_format("THOUSAND_SEPARATOR", lang, use_l10n=True),
                 grouping if isinstance(grouping, int) else 0)
        _SEPARATORS[lang] = found
    return found


def number(value):
    """A localized number without trailing decimal zeros, thousands grouped (12,5 · 9,2779 · 1.250 in
    Vietnamese; 12.5 · 1,250 in English); "" for None. What the `num` filter prints."""
    if value is None or value == "":
        return ""
    try:
        decimal = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        return value
    if not decimal.is_finite():
        return str(decimal)
    text = f"{decimal:f}"
    sign = ""
    if text.startswith("-"):
        sign, text = "-", text[1:]
    whole, _dot, fraction = text.partition(".")
    fraction = fraction.rstrip("0")
    mark, thousands, group = _separators()
    if group > 0 and len(whole) > group:
        head = len(whole) % group or group
        whole = thousands.join([whole[:head]] + [whole[i:i + group] for i in range(head, len(whole), group)])
    return f"{sign}{whole}{mark}{fraction}" if fraction else f"{sign}{whole}"
