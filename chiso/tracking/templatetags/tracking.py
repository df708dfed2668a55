"""{% tracking_panel task %}: the status, updates and forms of a task, computed on the server so the
task page shows them without JavaScript (the plans app includes it from task_detail.html)."""

from django import template
from django.template.loader import render_to_string

register = template.Library()


@register.simple_tag(takes_context=True)
def tracking_panel(context, task):
    from chiso.tracking.views import panel_context

    request = context["request"]
    return render_to_string("tracking/_panel.html", panel_context(request, task), request=request)


@register.filter
def get_item(mapping, key):
    return mapping.get(key, 0) if hasattr(mapping, "get") else 0
