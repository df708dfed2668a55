"""Numbers on pages the way the documents print them: 9,2779 · 12,5 · 1.250 (no padded zeros)."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def num(value):
    """A localized number without trailing decimal zeros, thousands grouped; '' for None."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return value
    text = f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    places = len(text.split(".")[1]) if "." in text else 0
    return number_format(Decimal(text), decimal_pos=places, use_l10n=True, force_grouping=True)
