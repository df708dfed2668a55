"""Numbers on pages the way the documents print them: 9,2779 · 12,5 · 1.250 (no padded zeros)."""

from html import escape as _escape

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_noop

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

def _h(value) -> str:
    """`value` as HTML text: escaped like django.utils.html.escape (it is html.escape), or as is when it is
    already safe; conditional_escape without a SafeString per value (these run a few thousand times a page)."""
    html = getattr(value, "__html__", None)
    return html() if html is not None else _escape(str(value))


def _html(text: str) -> SafeString:
    """Markup built here from literals and values passed through `_h`."""
    return mark_safe(text)  # noqa: S308 - every value in it went through _h


_url_parts: dict[tuple, tuple[str, str]] = {}


def _object_url(name: str, pk) -> str:
    """reverse(name, args=[pk]) for a one-integer URL, by splitting it once around a stand-in number."""
    from django.urls import get_script_prefix, reverse

    key = (name, get_script_prefix())
    parts = _url_parts.get(key)
    if parts is None:
        head, _sep, tail = reverse(name, args=[987654321]).rpartition("987654321")
        parts = _url_parts[key] = (head, tail)
    return f"{parts[0]}{int(pk)}{parts[1]}"


_nav_urls: dict[tuple, str] = {}


@register.simple_tag
def nav_url(name: str) -> str:
    """{% url name %} for a URL without arguments, reversed once per name (the layout's ~16 links on every
    page): the same text, from a dictionary."""
    from django.urls import get_script_prefix, reverse

    key = (name, get_script_prefix())
    url = _nav_urls.get(key)
    if url is None:
        url = _nav_urls[key] = reverse(name)
    return url


@register.simple_tag
def status_badge(status, label):
    return _html(f'<span class="tstatus tstatus-{_h(status)}">{_h(label)}</span>')


@register.simple_tag
def due_cell(task):
    if task.due:
        state = getattr(task, "deadline_state", "") or "ok"
        suffix = ""
        if state == "past" and not getattr(task, "status", ""):
            suffix = " · " + gettext("đã qua hạn")
        elif state == "near":
            suffix = " · " + gettext("sắp đến hạn")
        return _html(f'<span class="due due-{_h(state)}">{task.due.strftime("%d/%m/%Y")}{_h(suffix)}</span>')
    if task.timeframe:
        return _html(f'<span class="muted">{_h(task.timeframe)}</span>')
    return _html(f'<span class="muted">{_h(task.get_recurrence_display())}</span>')


@register.simple_tag
def unit_list(units, text=""):
    names = "".join(f'<span class="unit">{_h(u.name)}</span>' for u in units)
    return _html(names or f'<span class="muted">{_h(text or "—")}</span>')


@register.simple_tag
def status_bar(line):
    """The inline bar of a dashboard line (tracking/_bar.html)."""
    bars = line.bars()
    label = "; ".join(f"{lab}: {n}" for _s, lab, n, _p in bars)
    spans = format_html_join("", '<span class="sbar-{}" style="width:{}%" title="{}: {}"></span>',
                             ((s, f"{pct:.1f}", lab, n) for s, lab, n, pct in bars))
    return format_html('<div class="sbar" role="img" aria-label="{}">{}</div>', label, spans)


@register.simple_tag
def sort_th(col, cls=""):
    """A sortable column head of a task list (was includes/sort_th.html, included ~60 times on a plan's page)."""
    arrow = col["arrow"] and format_html(' <span aria-hidden="true">{}</span>', col["arrow"])
    return format_html(
        '<th{} aria-sort="{}"><a class="sort" href="?{}" hx-get="?{}" hx-target="#task-results" '
        'hx-select="#task-results" hx-swap="outerHTML" hx-push-url="true" hx-indicator="#task-results">{}{}</a></th>',
        format_html(' class="{}"', cls) if cls else "", col["aria"], col["qs"], col["qs"], col["label"], arrow or "")


@register.simple_tag
def task_heads(sorts):
    """The heads of a plan's grouped task tables: the same for every field's table, so the page renders them
    once (`{% task_heads sorts as heads %}`) instead of once per field."""
    return format_html("{}{}{}<th>{}</th>{}{}", sort_th(sorts["tt"]), sort_th(sorts["ten"]), sort_th(sorts["don_vi"]),
                       gettext("Phối hợp"), sort_th(sorts["han"]), sort_th(sorts["trang_thai"]))


def _cut(text: str, n: int) -> str:
    """truncatechars: most texts are short enough, and Truncator is slow to say so."""
    from django.utils.text import Truncator

    return text if len(text) <= n else Truncator(text).chars(n)


_ROW_LABELS = (gettext_noop("TT"), gettext_noop("Nhiệm vụ"), gettext_noop("Chỉ số, lĩnh vực"), gettext_noop("Chủ trì"),
               gettext_noop("Phối hợp"), gettext_noop("Thời hạn"), gettext_noop("Trạng thái"), gettext_noop("Chỉ tiêu"))
_labels_cache: dict[tuple, tuple] = {}


def _row_labels(labels: tuple = _ROW_LABELS) -> tuple:
    """A row's cell labels in the active language, translated once per language (not once a cell)."""
    from django.utils.translation import get_language

    key = (get_language() or "", labels)
    if key not in _labels_cache:
        _labels_cache[key] = tuple(gettext(label) for label in labels)
    return _labels_cache[key]


def _row_labels_html(labels: tuple = _ROW_LABELS) -> tuple:
    """`_row_labels` escaped for HTML, once per language."""
    from django.utils.translation import get_language

    key = ("html", get_language() or "", labels)
    if key not in _labels_cache:
        _labels_cache[key] = tuple(_h(label) for label in _row_labels(labels))
    return _labels_cache[key]


@register.simple_tag
def task_row(task, show_field=False):
    """A plan's task row (was plans/_task_row.html, included once per row): the same markup."""
    tt, title_label, field_label, lead_label, support_label, due_label, status_label, measure_label = _row_labels_html()
    criterion = task.criterion and f'<br><small class="muted">{_h(_cut(task.criterion, 120))}</small>'
    field = ""
    if show_field:
        name = task.field_name and f'<br><small class="muted">{_h(_cut(task.field_name, 80))}</small>'
        field = f'<td data-label="{field_label}">{_h(task.get_index_display() or "")}{name or ""}</td>'
    progress = f' <small class="muted">{_h(task.progress)}%</small>' if getattr(task, "progress", 0) else ""
    measure = task.measure_display
    measure = measure and f'<br><small class="muted">{measure_label}: {_h(measure)}</small>'
    return _html(
        f'<tr>\n  <td data-label="{tt}">{_h(task.ref or "")}</td>\n'
        f'  <td data-label="{title_label}"><a href="{_object_url("task_detail", task.pk)}">'
        f'{_h(_cut(task.title, 220))}</a>{criterion or ""}</td>\n  {field}\n'
        f'  <td data-label="{lead_label}">{unit_list(task.linked_units("lead_units"), task.lead_text)}</td>\n'
        f'  <td data-label="{support_label}">{unit_list(task.linked_units("support_units"), task.support_text)}'
        f'</td>\n  <td data-label="{due_label}">{due_cell(task)}</td>\n'
        f'  <td data-label="{status_label}">{_badge(task, _badges())}{progress}'
        f'{measure or ""}</td>\n</tr>\n')


# The rows of the two task tables (tracking/_task_table.html: the dashboard's lists and "Việc của tôi";
# web/_task_table.html: the home page), one tag for all rows instead of a loop of ~15 template nodes per row
# (profiled: the loop was ~20% of the agency dashboard's CPU). Same markup as the loops they replace.
_TRACKING_LABELS = (gettext_noop("Trạng thái"), gettext_noop("Hạn"), gettext_noop("Nhiệm vụ"),
                    gettext_noop("Chủ trì"), gettext_noop("Tiến độ"), gettext_noop("chờ xác nhận"),
                    gettext_noop("phối hợp"))


def _badge(task, texts: dict) -> str:
    """status_badge of a task; its label, when it is the rule's own lazy label, as text translated once per
    table (`texts`) rather than once per row."""
    label = task.status_label
    text = texts.get(task.status)
    if text is None or label is not text[0]:
        return status_badge(task.status, label)
    return text[1]


_badges_cache: dict[str, dict] = {}


def _badges() -> dict:
    """{status: (its lazy label, its badge in the active language)}, built once per language."""
    from django.utils.translation import get_language

    from chiso.plans.status import STATUS_LABELS

    lang = get_language() or ""
    found = _badges_cache.get(lang)
    if found is None:
        found = _badges_cache[lang] = {s: (label, status_badge(s, str(label))) for s, label in STATUS_LABELS.items()}
    return found


@register.simple_tag
def tracking_task_rows(rows):
    from django.utils.formats import localize

    l_status, l_due, l_task, l_lead, l_progress, pending, support = map(_h, _row_labels(_TRACKING_LABELS))
    badges = _badges()
    late_text = gettext("trễ %(n)s ngày")
    pending = f' <span class="badge">{pending}</span>'
    support = f' <span class="badge">{support}</span>'
    out = []
    for task in rows:
        days_late = getattr(task, "days_late", None)
        late = days_late and f" <small>({_h(late_text % {'n': localize(days_late)})})</small>"
        out.append(
            f'<tr>\n    <td data-label="{l_status}">{_badge(task, badges)}'
            f'{pending if getattr(task, "pending", None) else ""}</td>\n'
            f'    <td data-label="{l_due}">{due_cell(task)}{late or ""}</td>\n'
            f'    <td data-label="{l_task}"><a href="{_object_url("task_detail", task.pk)}">{_h(_cut(task.title, 140))}'
            f'</a>{support if getattr(task, "is_support", None) else ""} <small class="muted">{_h(task.plan.number)}'
            f'</small></td>\n    <td data-label="{l_lead}">{unit_list(task.leads, task.lead_text)}</td>\n'
            f'    <td class="num" data-label="{l_progress}">{_h(localize(task.progress))}%</td>\n  </tr>')
    return _html("".join(out))


_HOME_LABELS = (gettext_noop("Hạn"), gettext_noop("Trạng thái"), gettext_noop("Nhiệm vụ"), gettext_noop("Chủ trì"),
                gettext_noop("Kế hoạch"))


@register.simple_tag
def home_task_rows(tasks):
    l_due, l_status, l_task, l_lead, l_plan = map(_h, _row_labels(_HOME_LABELS))
    badges = _badges()
    return _html("".join(
        f'<tr>\n    <td data-label="{l_due}">{due_cell(task)}</td>\n'
        f'    <td data-label="{l_status}">{_badge(task, badges)}</td>\n'
        f'    <td data-label="{l_task}"><a href="{_object_url("task_detail", task.pk)}">{_h(_cut(task.title, 140))}</a>'
        f'</td>\n    <td data-label="{l_lead}">{unit_list(task.leads, task.lead_text)}</td>\n'
        f'    <td data-label="{l_plan}"><a href="{_object_url("plan_detail", task.plan_id)}">'
        f'{_h(task.plan.number or task.plan.agency.code)}</a></td>\n  </tr>' for task in tasks))


# The agency dashboard's two count tables (tracking/agency_dashboard.html), one tag each instead of a loop of
# ~12 template nodes a row and a `get_item` filter a cell. Same markup as the loops they replace.
_FIELD_LABELS = (gettext_noop("Chỉ số"), gettext_noop("Lĩnh vực"), gettext_noop("Tổng"),
                 gettext_noop("Chưa có nhiệm vụ."))


@register.simple_tag
def field_line_rows(lines, statuses, labels):
    """The rows of "Theo chỉ số và lĩnh vực": (Line objects of tracking.queries)."""
    l_index, l_field, l_total, empty = map(_h, _row_labels(_FIELD_LABELS))
    heads = [(s, _h(labels.get(s, 0))) for s in statuses]
    out = []
    for line in lines:
        counts = line.counts
        cells = "".join(f'<td class="num" data-label="{head}">{_h(counts.get(s, 0))}</td>' for s, head in heads)
        out.append(f'<tr><td data-label="{l_index}">{_h(line.label)}</td><td class="wide" data-label="{l_field}">'
                   f'{_h(line.sub)}</td><td class="num" data-label="{l_total}">{_h(line.total)}</td>\n      {cells}\n'
                   f'      <td class="barcell">{status_bar(line)}</td></tr>')
    return _html("".join(out) or f'<tr><td colspan="9" class="empty">{empty}</td></tr>')


_UNIT_LABELS = (gettext_noop("Đơn vị"), gettext_noop("Nhiệm vụ chủ trì"), gettext_noop("Hoàn thành đúng hạn"),
                gettext_noop("Hoàn thành quá hạn"), gettext_noop("Quá hạn"), gettext_noop("Không thực hiện được"),
                gettext_noop("Tỷ lệ đúng hạn"), gettext_noop("Chưa có nhiệm vụ."))


@register.simple_tag
def unit_line_rows(units):
    """The rows of "Theo đơn vị (thi đua)": (UnitLine objects of tracking.queries)."""
    from django.template.defaultfilters import floatformat

    *heads, empty = map(_h, _row_labels(_UNIT_LABELS))
    out = []
    for u in units:
        numbers = (u.tasks, u.done_on_time, u.done_late, u.overdue, u.failed)
        cells = "".join(f'<td class="num" data-label="{head}">{_h(n)}</td>' for head, n in zip(heads[1:6], numbers,
                                                                                                strict=True))
        rate = u.on_time_rate
        rate = "—" if rate is None else (f'{_h(floatformat(rate, 1))}% <span class="minibar"><span style="width:'
                                          f'{_h(floatformat(rate, "0u"))}%"></span></span>')
        out.append(f'<tr><td data-label="{heads[0]}">{_h(u.unit.name)}</td>{cells}\n'
                   f'      <td class="num" data-label="{heads[6]}">{rate}</td></tr>')
    return _html("".join(out) or f'<tr><td colspan="7" class="empty">{empty}</td></tr>')


@register.simple_tag
def select_options(pairs, selected, cut=0):
    """`<option>`s of a filter (includes/task_filters.html): (value, label) pairs, or plain values shown cut to
    `cut` characters; the one equal to `selected` marked. One tag instead of ~6 template nodes an option."""
    out = []
    for pair in pairs:
        value, label = (pair, _cut(pair, cut) if cut else pair) if isinstance(pair, str) else pair
        mark = " selected" if selected == value else ""
        out.append(f'<option value="{_h(value)}"{mark}>{_h(label)}</option>')
    return _html("".join(out))


_PLAN_LABELS = (gettext_noop("Số, ký hiệu"), gettext_noop("Tên kế hoạch"), gettext_noop("Cơ quan"),
                gettext_noop("Năm"), gettext_noop("Chỉ số"), gettext_noop("Trạng thái"), gettext_noop("Nhiệm vụ"),
                gettext_noop("Quá hạn"), gettext_noop("ngày"))


@register.simple_tag
def plan_rows(plans):
    """The rows of the plan list (plans/_plan_results.html), one tag instead of ~20 template nodes a row."""
    *heads, day = map(_h, _row_labels(_PLAN_LABELS))
    out = []
    for plan in plans:
        issued = plan.issued_on and f'<br><small class="muted">{day} {plan.issued_on.strftime("%d/%m/%Y")}</small>'
        badges = "".join(f'<span class="badge">{_h(label)}</span> ' for label in plan.index_labels())
        overdue = plan.overdue_count
        overdue = f'<span class="due due-past">{_h(overdue)}</span>' if overdue else "0"
        out.append(
            f'\n  <tr>\n    <td data-label="{heads[0]}">{_h(plan.number or "—")}</td>\n'
            f'    <td data-label="{heads[1]}"><a href="{_object_url("plan_detail", plan.pk)}">{_h(plan.title)}</a>'
            f'{issued or ""}</td>\n    <td data-label="{heads[2]}">{_h(plan.agency.name)}</td>\n'
            f'    <td data-label="{heads[3]}">{_h(plan.year)}</td>\n    <td data-label="{heads[4]}">{badges}</td>\n'
            f'    <td data-label="{heads[5]}"><span class="status status-{_h(plan.status)}">'
            f'{_h(plan.get_status_display())}</span></td>\n'
            f'    <td class="num" data-label="{heads[6]}">{_h(plan.task_count)}</td>\n'
            f'    <td class="num" data-label="{heads[7]}">{overdue}</td>\n  </tr>')
    return _html("".join(out))
