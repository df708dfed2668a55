"""Template helpers of the catalog pages."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def plain_decimal(value):
    """A stored score without its padding zeros (16.000 -> 16, 9.280 -> 9.28), ready for |localize."""
    if not isinstance(value, Decimal):
        return value
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()
