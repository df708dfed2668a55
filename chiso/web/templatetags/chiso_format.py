"""Numbers on pages the way the documents print them: 9,2779 · 12,5 · 1.250 (no padded zeros)."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext

from chiso.formats import number

register = template.Library()


@register.filter
def num(value):
    """A localized number without trailing decimal zeros, thousands grouped; '' for None (chiso.formats.number)."""
    return number(value)


# --- the cells of a task row, as tags (issue 14: a page costs a few ms of CPU) ---------------------------
# These were `{% include %}`d once per row; an include per cell was most of a list page's template time
# (profiled at 3,600 tasks: ~2/3 of the agency dashboard's rendering). The markup is the same as the
# templates includes/due.html, includes/units.html and tracking/_status.html, which other pages still use.

@register.simple_tag
def status_badge(status, label):
    return format_html('<span class="tstatus tstatus-{}">{}</span>', status, label)


@register.simple_tag
def due_cell(task):
    if task.due:
        state = getattr(task, "deadline_state", "") or "ok"
        suffix = ""
        if state == "past" and not getattr(task, "status", ""):
            suffix = " · " + gettext("đã qua hạn")
        elif state == "near":
            suffix = " · " + gettext("sắp đến hạn")
        return format_html('<span class="due due-{}">{}{}</span>', state, task.due.strftime("%d/%m/%Y"), suffix)
    if task.timeframe:
        return format_html('<span class="muted">{}</span>', task.timeframe)
    return format_html('<span class="muted">{}</span>', task.get_recurrence_display())


@register.simple_tag
def unit_list(units, text=""):
    names = [u.name for u in units]
    if names:
        return format_html_join("", '<span class="unit">{}</span>', ((n,) for n in names))
    return format_html('<span class="muted">{}</span>', text or "—")


@register.simple_tag
def status_bar(line):
    """The inline bar of a dashboard line (tracking/_bar.html)."""
    bars = line.bars()
    label = "; ".join(f"{lab}: {n}" for _s, lab, n, _p in bars)
    spans = format_html_join("", '<span class="sbar-{}" style="width:{}%" title="{}: {}"></span>',
                             ((s, f"{pct:.1f}", lab, n) for s, lab, n, pct in bars))
    return format_html('<div class="sbar" role="img" aria-label="{}">{}</div>', label, spans)
