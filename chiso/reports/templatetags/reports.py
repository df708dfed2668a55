from html import escape  # django.utils.html.escape's work without its lazy-text wrapper on each call
from urllib.parse import quote

from django import template
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.formats import localize
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

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


# --- the province roll-up's rows, written in Python ------------------------------------------------------
# 200 agencies with their overdue tasks were ~45,000 template nodes a request (a {% translate %} per cell);
# these tags write the same HTML with the labels translated once per page.

_MARK = 987654320  # a number: fits an <int:...> and a <str:...> converter alike


def _path(name: str, *args: str) -> str:
    """A URL pattern reversed once, then filled per row (each argument already quoted for a URL)."""
    path = reverse(name, args=[_MARK + i for i in range(len(args))])
    for i, value in enumerate(args):
        path = path.replace(str(_MARK + i), value)
    return path


def _url_part(value) -> str:
    return quote(str(value), safe=RFC3986_SUBDELIMS + "/~:@")  # as django.urls.reverse quotes an argument


def _e(value) -> str:
    return escape(str(value))


def _rate(value) -> str:
    return "—" if value is None else f"{floatformat(value, 1)}%"


class _Memo(dict):
    """fn(value) remembered for one page: a province repeats the same few rates and counts thousands of times,
    and each localize/floatformat call costs tens of microseconds (the language is the same all page long)."""

    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def __missing__(self, value):
        out = self[value] = self.fn(value)
        return out


@register.simple_tag
def rollup_rows(data: dict, period: str) -> str:
    """The roll-up table's body: one row per agency (reports/rollup.html)."""
    label = {k: escape(v) for k, v in (  # written out, so that makemessages still finds them
        ("Cơ quan", gettext("Cơ quan")), ("Báo cáo", gettext("Báo cáo")), ("Ngày gửi", gettext("Ngày gửi")),
        ("Nhiệm vụ", gettext("Nhiệm vụ")), ("Hoàn thành", gettext("Hoàn thành")), ("Tỷ lệ", gettext("Tỷ lệ")),
        ("Quá hạn", gettext("Quá hạn")))}
    on_time, late, missing = gettext("Đúng hạn"), gettext("Chậm hạn"), gettext("Chưa gửi")
    signed, withdrawn = escape(gettext("bản ký")), escape(gettext("đã rút"))
    period_path = _path("reports:period", "{code}", _url_part(period))
    report_path, copy_path = _path("reports:agency_report", "{pk}"), _path("reports:signed_copy", "{pk}")
    indices = [(i, escape(i)) for i in data["indices"]]
    rate, number = _Memo(_rate), _Memo(localize)
    out = []
    for a in data["agencies"]:
        state = (f'<span class="badge badge-ok">{escape(on_time)}</span>' if a["state"] == "on_time" else
                 f'<span class="badge badge-late">{escape(late)}</span>' if a["state"] == "late" else escape(missing))
        if a["report_id"]:
            pk = str(int(a["report_id"]))
            state += (f' <a href="{escape(report_path.replace("{pk}", pk))}" data-testid="open-report">'
                      f'{_e(a["number"])}</a>')
            if a["has_scan"]:
                state += f' · <a href="{escape(copy_path.replace("{pk}", pk))}">{signed}</a>'
            if a["withdrawn"]:
                state += f" ({withdrawn})"
        c = a["counts"]
        by_index = a["by_index"] or {}
        cells = "".join(f'<td class="num" data-label="{e}">{rate[by_index.get(i)]}</td>' for i, e in indices)
        out.append(
            f'<tr data-code="{_e(a["code"])}">\n'
            f'<td data-label="{label["Cơ quan"]}"><a href="{_e(period_path.replace("{code}", _url_part(a["code"])))}">'
            f'{_e(a["agency"])}</a></td>\n'
            f'<td data-label="{label["Báo cáo"]}" class="state">{state}</td>\n'
            f'<td data-label="{label["Ngày gửi"]}">{dmy(a["issued_on"])}</td>\n'
            f'<td class="num" data-label="{label["Nhiệm vụ"]}">{number[c["total"]]}</td>'
            f'<td class="num" data-label="{label["Hoàn thành"]}">{number[c["completed"]]}</td>\n'
            f'<td class="num" data-label="{label["Tỷ lệ"]}">{rate[c["rate_done"]]}</td>\n'
            f'{cells}\n'
            f'<td class="num" data-label="{label["Quá hạn"]}">{number[c["overdue"]]}</td></tr>')
    return mark_safe("".join(out))  # noqa: S308 - every value escaped above (the labels as {% translate %} does)


@register.simple_tag
def overdue_items(data: dict) -> str:
    """Each agency's overdue tasks on the roll-up page, folded (reports/rollup.html)."""
    due_word = escape(gettext("hạn"))
    late_text = gettext("quá %(n)s ngày")
    more_text = gettext("%(n)s nhiệm vụ trễ nhất; danh sách đầy đủ trong tệp XLSX.")
    number = _Memo(localize)
    out = []
    for a in data["agencies"]:
        if not a["overdue"]:
            continue
        items = []
        for t in a["overdue"]:
            units = ", ".join(_e(u) for u in t["units"])
            cause = f': {_e(t["cause"])}' if t["cause"] else ""
            items.append(f'<li>{_e(t["ref"])}. {_e(t["title"])} — {units} ({due_word} {dmy(t["due"])}, '
                         f'{late_text % {"n": _e(number[t["days_late"]])}}){cause}</li>')
        shown = len(a["overdue"])
        more = (f'<p class="muted">{more_text % {"n": _e(number[shown])}}</p>'
                if a["counts"]["overdue"] > shown else "")
        out.append(f'<details class="card" data-code="{_e(a["code"])}"><summary>{_e(a["agency"])}: '
                   f'{number[a["counts"]["overdue"]]}</summary>\n<ul>{"".join(items)}</ul>{more}</details>')
    return mark_safe("".join(out))  # noqa: S308 - every value escaped above
