from django import template

register = template.Library()


@register.filter
def get_rate(mapping, key):
    """mapping[key] in a template (None when missing)."""
    return (mapping or {}).get(key)
