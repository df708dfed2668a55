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


def _cut(text: str, n: int) -> str:
    """truncatechars: most texts are short enough, and Truncator is slow to say so."""
    from django.utils.text import Truncator

    return text if len(text) <= n else Truncator(text).chars(n)


_ROW_LABELS = ("TT", "Nhiệm vụ", "Chỉ số, lĩnh vực", "Chủ trì", "Phối hợp", "Thời hạn", "Trạng thái", "Chỉ tiêu")
_labels_cache: dict[str, tuple] = {}


def _row_labels() -> tuple:
    """The row's cell labels in the active language, translated once per language (not eight times a row)."""
    from django.utils.translation import get_language

    language = get_language() or ""
    if language not in _labels_cache:
        _labels_cache[language] = tuple(gettext(label) for label in _ROW_LABELS)
    return _labels_cache[language]


@register.simple_tag
def task_row(task, show_field=False):
    """A plan's task row (was plans/_task_row.html, included once per row): the same markup."""
    from django.urls import reverse

    tt, title_label, field_label, lead_label, support_label, due_label, status_label, measure_label = _row_labels()
    criterion = task.criterion and format_html('<br><small class="muted">{}</small>', _cut(task.criterion, 120))
    field = ""
    if show_field:
        name = task.field_name and format_html('<br><small class="muted">{}</small>', _cut(task.field_name, 80))
        field = format_html('<td data-label="{}">{}{}</td>', field_label, task.get_index_display() or "", name or "")
    progress = format_html(' <small class="muted">{}%</small>', task.progress) if getattr(task, "progress", 0) else ""
    measure = task.measure_display and format_html('<br><small class="muted">{}: {}</small>', measure_label,
                                                   task.measure_display)
    return format_html(
        '<tr>\n  <td data-label="{}">{}</td>\n  <td data-label="{}"><a href="{}">{}</a>{}</td>\n  {}\n'
        '  <td data-label="{}">{}</td>\n  <td data-label="{}">{}</td>\n  <td data-label="{}">{}</td>\n'
        '  <td data-label="{}">{}{}{}</td>\n</tr>\n',
        tt, task.ref or "", title_label, reverse("task_detail", args=[task.pk]), _cut(task.title, 220),
        criterion or "", field,
        lead_label, unit_list(task.linked_units("lead_units"), task.lead_text),
        support_label, unit_list(task.linked_units("support_units"), task.support_text),
        due_label, due_cell(task),
        status_label, status_badge(task.status, task.status_label), progress, measure or "")
