from django import template

register = template.Library()


@register.filter
def get_rate(mapping, key):
    """mapping[key] in a template (None when missing)."""
    return (mapping or {}).get(key)


@register.filter
def dmy(iso):
    """ "2026-09-30" (as stored in a report's figures) -> "30/09/2026"."""
    if not iso:
        return ""
    y, m, d = str(iso)[:10].split("-")
    return f"{d}/{m}/{y}"
