from decimal import Decimal

import pytest
from django.utils import translation

from chiso.web.templatetags.chiso_format import num


@pytest.mark.parametrize("value,vi,en", [
    (Decimal("12.5000"), "12,5", "12.5"), (Decimal("9.2779"), "9,2779", "9.2779"),
    (Decimal("1250.000"), "1.250", "1,250"),
    (16, "16", "16"), (None, "", ""),
])
def test_numbers_print_like_the_documents(value, vi, en):
    with translation.override("vi"):
        assert num(value) == vi
    with translation.override("en"):
        assert num(value) == en


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_num_prints_what_djangos_number_format_prints(lang):
    """num reads the separators once per language (speed); the text stays Django's, zeros stripped."""
    from django.utils.formats import number_format

    values = [Decimal(v) for v in ("0", "0.000", "-0.5", "1", "999", "1000", "-1234.50", "12345.678", "1234567",
                                   "0.0001", "100.000", "9.2779", "-1000000.25", "5E+3", "1.2E-3")] + [3, -45000, 2.5]
    with translation.override(lang):
        for value in values:
            text = f"{Decimal(str(value)):f}"
            text = text.rstrip("0").rstrip(".") if "." in text else text
            places = len(text.split(".")[1]) if "." in text else 0
            assert num(value) == number_format(Decimal(text), decimal_pos=places, use_l10n=True,
                                               force_grouping=True), value
        assert num("không phải số") == "không phải số"


# --- the row tags build markup from f-strings: every value must come out escaped like the templates did ---

HOSTILE = ["<script>alert(1)</script>", 'a "quoted" & \'single\' <b>', "Phòng Hành chính – Tổng hợp", "", "—"]


@pytest.mark.parametrize("text", HOSTILE)
def test_row_tags_escape_text_as_django_does(text):
    from django.utils.html import conditional_escape, escape
    from django.utils.safestring import mark_safe

    from chiso.web.templatetags.chiso_format import _h

    assert _h(text) == escape(text) == conditional_escape(text)
    safe = mark_safe(text)  # noqa: S308 - the case under test: text already safe
    assert _h(safe) == conditional_escape(safe) == text  # kept as is
    assert _h(None) == escape(None) and _h(12) == "12"


@pytest.mark.django_db
def test_row_tags_never_let_markup_through():
    from datetime import date
    from types import SimpleNamespace

    from chiso.web.templatetags import chiso_format as tags

    bad = "<script>x</script>"
    unit = SimpleNamespace(name=bad, pk=1)
    plan = SimpleNamespace(number=bad, agency=SimpleNamespace(code=bad))
    task = SimpleNamespace(
        pk=7, plan_id=3, plan=plan, ref=bad, title=bad, criterion=bad, field_name=bad, lead_text=bad,
        support_text=bad, due=date(2026, 12, 31), timeframe=bad, deadline_state="near", status="open",
        status_label=bad, progress=40, pending=1, days_late=2, is_support=True, measure_display=bad, leads=[unit],
        supports=[], get_index_display=lambda: bad, get_recurrence_display=lambda: bad,
        linked_units=lambda name: [unit] if name == "lead_units" else [])
    html = "".join([tags.task_row(task, True), tags.tracking_task_rows([task]), tags.home_task_rows([task]),
                    tags.unit_list([], bad), tags.sort_th({"arrow": bad, "aria": bad, "qs": bad, "label": bad}, bad)])
    assert "<script>" not in html
    assert html.count("&lt;script&gt;") >= 15
    from django.urls import reverse

    assert html.count(f'href="{reverse("task_detail", args=[7])}"') == 3
    assert f'href="{reverse("plan_detail", args=[3])}"' in html


@pytest.mark.parametrize("pk", [1, 42, 987654321, 10**12])
def test_object_urls_are_what_reverse_gives(pk):
    from django.urls import reverse

    from chiso.web.templatetags.chiso_format import _object_url

    for name in ("task_detail", "plan_detail"):
        assert _object_url(name, pk) == reverse(name, args=[pk])


# The dashboard's count tables: the tags must print what the template loops they replaced printed.
OLD_FIELD_ROWS = (
    "{% load i18n tracking chiso_format %}{% translate 'Chỉ số' as l_chi_so %}{% translate 'Lĩnh vực' as l_linh_vuc %}"
    "{% translate 'Tổng' as l_tong %}{% for line in lines %}<tr><td data-label=\"{{ l_chi_so }}\">{{ line.label }}"
    "</td><td class=\"wide\" data-label=\"{{ l_linh_vuc }}\">{{ line.sub }}</td><td class=\"num\" data-label=\""
    "{{ l_tong }}\">{{ line.total }}</td>\n      {% for s in statuses %}<td class=\"num\" data-label=\""
    "{{ labels|get_item:s }}\">{{ line.counts|get_item:s }}</td>{% endfor %}\n      <td class=\"barcell\">"
    "{% status_bar line %}</td></tr>{% empty %}<tr><td colspan=\"9\" class=\"empty\">"
    "{% translate \"Chưa có nhiệm vụ.\" %}</td></tr>{% endfor %}")
OLD_UNIT_ROWS = (
    "{% load i18n %}{% translate 'Đơn vị' as l_u0 %}{% translate 'Nhiệm vụ chủ trì' as l_u1 %}"
    "{% translate 'Hoàn thành đúng hạn' as l_u2 %}{% translate 'Hoàn thành quá hạn' as l_u3 %}"
    "{% translate 'Quá hạn' as l_u4 %}{% translate 'Không thực hiện được' as l_u5 %}"
    "{% translate 'Tỷ lệ đúng hạn' as l_u6 %}{% for u in units %}<tr><td data-label=\"{{ l_u0 }}\">{{ u.unit.name }}"
    "</td><td class=\"num\" data-label=\"{{ l_u1 }}\">{{ u.tasks }}</td><td class=\"num\" data-label=\"{{ l_u2 }}\">"
    "{{ u.done_on_time }}</td><td class=\"num\" data-label=\"{{ l_u3 }}\">{{ u.done_late }}</td><td class=\"num\" "
    "data-label=\"{{ l_u4 }}\">{{ u.overdue }}</td><td class=\"num\" data-label=\"{{ l_u5 }}\">{{ u.failed }}</td>\n"
    "      <td class=\"num\" data-label=\"{{ l_u6 }}\">{% if u.on_time_rate is not None %}"
    "{{ u.on_time_rate|floatformat:1 }}% <span class=\"minibar\"><span style=\"width:"
    "{{ u.on_time_rate|floatformat:'0u' }}%\"></span></span>{% else %}—{% endif %}</td></tr>{% empty %}<tr>"
    "<td colspan=\"7\" class=\"empty\">{% translate \"Chưa có nhiệm vụ.\" %}</td></tr>{% endfor %}")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_dashboard_count_tags_print_what_the_loops_printed(lang):
    from types import SimpleNamespace

    from django.template import engines

    from chiso.plans.status import STATUS_ORDER
    from chiso.tracking.queries import Line, UnitLine, status_labels
    from chiso.web.templatetags.chiso_format import field_line_rows, unit_line_rows

    engine = engines["django"]
    statuses = [str(s) for s in STATUS_ORDER]
    lines = [Line(label, sub, {"total": 7, statuses[0]: 3, statuses[2]: 4}) for label, sub in
             zip(HOSTILE, reversed(HOSTILE), strict=True)] + [Line("PAR INDEX", "Cải cách thể chế", {"total": 0})]
    units = [UnitLine(SimpleNamespace(name=name), tasks=9, done_on_time=n, done_late=1, overdue=2, failed=0, open=3)
             for name, n in zip(HOSTILE, (0, 1, 2, 3, 5), strict=True)]
    units.append(UnitLine(SimpleNamespace(name="Chưa có kết quả"), tasks=2, open=2))  # rate None
    with translation.override(lang):
        labels = status_labels()
        for rows in (lines, []):
            old = engine.from_string(OLD_FIELD_ROWS).render({"lines": rows, "statuses": statuses, "labels": labels})
            assert field_line_rows(rows, statuses, labels) == old
        for rows in (units, []):
            assert unit_line_rows(rows) == engine.from_string(OLD_UNIT_ROWS).render({"units": rows})
        assert "&lt;script&gt;" in unit_line_rows(units) and "<script>" not in unit_line_rows(units)
        assert "—</td>" in unit_line_rows(units) and ("62,5%" if lang == "vi" else "62.5%") in unit_line_rows(units)


def test_select_options_print_what_the_loops_printed():
    from django.template import engines

    from chiso.plans.status import STATUS_LABELS
    from chiso.web.templatetags.chiso_format import select_options

    engine = engines["django"]
    pairs_loop = engine.from_string('{% for code, label in pairs %}<option value="{{ code }}"{% if sel == code %}'
                                    ' selected{% endif %}>{{ label }}</option>{% endfor %}')
    plain_loop = engine.from_string('{% for f in values %}<option value="{{ f }}"{% if sel == f %} selected'
                                    '{% endif %}>{{ f|truncatechars:60 }}</option>{% endfor %}')
    pairs = [(7, HOSTILE[0]), (12, "Phòng B"), *STATUS_LABELS.items(), ("<x>", HOSTILE[1])]
    values = [*HOSTILE, "Lĩnh vực rất dài " * 8]
    for sel in (7, 12, "overdue", "<x>", None, "", "7"):
        assert select_options(pairs, sel) == pairs_loop.render({"pairs": pairs, "sel": sel})
    for sel in (*values, None, "khác"):
        assert select_options(values, sel, 60) == plain_loop.render({"values": values, "sel": sel})
    assert 'value="7" selected' in select_options(pairs, 7) and "selected" not in select_options(pairs, "7")


OLD_PLAN_ROWS = "{% load i18n %}" + (
    "{% translate 'Số, ký hiệu' as l_0 %}{% translate 'Tên kế hoạch' as l_1 %}{% translate 'Cơ quan' "
    "as l_2 %}{% translate 'Năm' as l_3 %}{% translate 'Chỉ số' as l_4 %}{% translate 'Trạng thái' as "
    "l_5 %}{% translate 'Nhiệm vụ' as l_6 %}{% translate 'Quá hạn' as l_7 %}{% for plan in "
    'page.object_list %}\n  <tr>\n    <td data-label="{{ l_0 }}">{{ plan.number|default:"—" }}</td>\n  '
    '  <td data-label="{{ l_1 }}"><a href="{% url \'plan_detail\' plan.pk %}">{{ plan.title }}</a>{% '
    'if plan.issued_on %}<br><small class="muted">{% translate "ngày" %} {{ '
    'plan.issued_on|date:"d/m/Y" }}</small>{% endif %}</td>\n    <td data-label="{{ l_2 }}">{{ '
    'plan.agency.name }}</td>\n    <td data-label="{{ l_3 }}">{{ plan.year|stringformat:"s" }}</td>\n  '
    '  <td data-label="{{ l_4 }}">{% for label in plan.index_labels %}<span class="badge">{{ label '
    '}}</span> {% endfor %}</td>\n    <td data-label="{{ l_5 }}"><span class="status status-{{ '
    'plan.status }}">{{ plan.get_status_display }}</span></td>\n    <td class="num" data-label="{{ l_6 '
    '}}">{{ plan.task_count }}</td>\n    <td class="num" data-label="{{ l_7 }}">{% if '
    'plan.overdue_count %}<span class="due due-past">{{ plan.overdue_count }}</span>{% else %}0{% '
    'endif %}</td>\n  </tr>{% endfor %}'
)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_plan_rows_print_what_the_loop_printed(lang):
    from datetime import date

    from django.template import engines

    from chiso.org.models import Agency
    from chiso.plans.models import Plan
    from chiso.web.templatetags.chiso_format import plan_rows

    plans = []
    for i, text in enumerate(HOSTILE):
        plan = Plan(pk=i + 1, number=text, title=text or "Kế hoạch", year=2026, status=Plan.Status.IN_FORCE,
                    issued_on=date(2026, 1, 5) if i % 2 else None, agency=Agency(name=text, code=f"A{i}"),
                    indices=["PAR_INDEX", "SIPAS", "<b>"] if i % 2 else [])
        plan.task_count, plan.overdue_count = (60, i) if i else (None, 0)
        plans.append(plan)
    with translation.override(lang):
        expected = engines["django"].from_string(OLD_PLAN_ROWS).render({"page": {"object_list": plans}})
        assert plan_rows(plans) == expected
        assert "&lt;script&gt;" in expected and plan_rows([]) == ""
