"""The rows of the self-assessment grid (assessment/submission.html), written in Python.

A page holds a row per field, criterion and sub-criterion (130 on the bench's catalog), each sub-criterion
with up to five forms, its evidence, the tasks mapped to it and the review. Drawn by the template language
that was ~3/4 of the page's CPU (profiled: ~6,000 node renders and ~36,000 variable lookups a page); here it
is a few string joins per row. Every value is escaped with `html.escape` (what Django's `escape` does), every
number printed by `chiso.formats.number` (what the `num` filter prints), every label translated once a page.
"""

from html import escape

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from chiso.formats import number

register = template.Library()

_UPLOAD_ACCEPT = ".pdf,.docx,.xlsx,.png,.jpg,.jpeg"


def _e(value) -> str:
    return escape(str(value), quote=True) if value is not None else ""


def _truncate(text: str, length: int) -> str:
    """Django's truncatechars: at most `length` characters, the last one an ellipsis when cut."""
    return text if len(text) <= length else text[:length - 1] + "…"


class _Labels:
    """The row labels, translated once a page."""

    def __init__(self):
        self.needs, self.tasks = _("Cần:"), _("Nhiệm vụ:")
        self.declare, self.yes, self.no = _("Kê khai"), _("Có"), _("Không")
        self.rate, self.count, self.self_score = _("Tỷ lệ (%)"), _("Số lượng"), _("Điểm tự chấm")
        self.explain_placeholder, self.save = _("Giải trình (khi không có tài liệu)"), _("Lưu")
        self.missing = _("Thiếu tài liệu kiểm chứng hoặc giải trình")
        self.answer_badge, self.remove, self.remove_label = _("giải trình"), _("Gỡ"), _("Gỡ tài liệu")
        self.task_docs, self.pick = _("Tài liệu của nhiệm vụ"), _("Gắn tài liệu của nhiệm vụ")
        self.upload, self.number, self.summary, self.add = (_("Tải lên / dẫn chiếu văn bản"), _("Số, ký hiệu"),
                                                            _("Trích yếu"), _("Thêm"))
        self.accept, self.pending = _("Đồng ý"), _("Chưa thẩm định")
        self.answer_head, self.points, self.reviewed_score = _("Giải trình:"), _("Điểm"), _("Điểm thẩm định")
        self.reason, self.reason_label, self.adjust = _("Lý do"), _("Lý do điều chỉnh"), _("Điều chỉnh")
        self.answer, self.send_answer = _("Giải trình"), _("Gửi giải trình")
        # column heads, repeated on each cell: a phone shows the rows as cards with their labels
        self.col_max, self.col_declared, self.col_self = _("Tối đa"), _("Kê khai"), _("Tự chấm")
        self.col_evidence, self.col_review = _("Tài liệu kiểm chứng"), _("Thẩm định")


@register.simple_tag(takes_context=True)
def grid_rows(context, lines, sub, can_review=False, can_answer=False):
    """Every row of the grid: a header row per field and criterion with its subtotals, a row per
    sub-criterion with its declaration, self-score, evidence (and the forms to change them where the
    person may) and review."""
    csrf = CsrfTokenNode().render(context)  # what {% csrf_token %} writes
    t = _Labels()
    shows_pending = sub.state not in ("draft", "awaiting")
    out = []
    for ln in lines:
        node = ln.node
        code = _e(node.code)
        if ln.score is None:
            out.append(f'<tr class="group depth-{node.depth}"><th><code>{code}</code></th><th>{_e(node.name)}</th>'
                       f'<th class="num">{number(node.max_score)}</th><th></th>'
                       f'<th class="num">{number(ln.self_total)}</th><th></th>'
                       f'<th class="num">{number(ln.reviewed_total)}</th></tr>\n')
            continue
        out.append(_row(ln, code, csrf, t, can_review, can_answer, shows_pending))
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


def _row(ln, code, csrf, t, can_review, can_answer, shows_pending) -> str:
    node, s = ln.node, ln.score
    parts = [f'<tr id="tc-{s.pk}" class="{"flagged" if ln.flagged else ""}" data-code="{code}">'
             f'<td class="code"><code>{code}</code></td><td class="name">{_e(node.name)}']
    if node.rule_text:
        parts.append(f'<br><small class="muted">{_e(node.rule_text)}</small>')
    if node.evidence:
        parts.append(f"<br><small>{_e(t.needs)} {_e(node.evidence)}</small>")
    if ln.tasks:
        links = ", ".join(f'<a href="{_e(task.url)}">{_e(task.ref or task.pk)}</a>' for task in ln.tasks)
        parts.append(f"<br><small>{_e(t.tasks)} {links}</small>")
    parts.append(f'</td><td class="num" data-label="{_e(t.col_max)}">{number(node.max_score)}</td>'
                 f'<td data-label="{_e(t.col_declared)}">')
    parts.append(_declaration(ln, s, csrf, t))
    parts.append(f'</td><td class="num" data-label="{_e(t.col_self)}" data-testid="self-{code}">'
                 f'{number(s.self_score) or "—"}')
    if ln.flagged:
        parts.append(f' <span class="badge warn" title="{_e(t.missing)}">!</span>')
    parts.append(f'</td><td data-label="{_e(t.col_evidence)}">')
    parts.append(_evidence(ln, code, csrf, t, can_answer))
    parts.append(f'</td><td data-label="{_e(t.col_review)}">')
    parts.append(_review(ln, s, code, csrf, t, can_review, can_answer, shows_pending))
    parts.append("</td></tr>\n")
    return "".join(parts)


def _declaration(ln, s, csrf, t) -> str:
    if not ln.editable:
        shown = ""
        if s.declared_yes is not None:
            shown = _e(t.yes if s.declared_yes else t.no)
        elif s.declared_rate is not None:
            shown = f"{number(s.declared_rate)}%"
        elif s.declared_count is not None:
            shown = str(s.declared_count)
        if s.explanation:
            shown += f"{'<br>' if shown else ''}<small>{_e(s.explanation)}</small>"
        return shown
    rule = ln.node.scoring_rule
    kind = rule.value_kind if rule else ""
    if kind == "yes_no":
        field = (f'<select name="yes" aria-label="{_e(t.declare)}"><option value="">—</option>'
                 f'<option value="co"{" selected" if s.declared_yes else ""}>{_e(t.yes)}</option>'
                 f'<option value="khong"{" selected" if s.declared_yes is False else ""}>{_e(t.no)}</option>'
                 "</select>")
    elif kind == "rate":
        field = (f'<input name="rate" size="5" inputmode="decimal" value="{number(s.declared_rate)}" '
                 f'aria-label="{_e(t.rate)}"> %')
    elif kind == "count":
        field = (f'<input name="count" size="4" inputmode="numeric" value="{_e(s.declared_count)}" '
                 f'aria-label="{_e(t.count)}">')
    else:
        field = (f'<input name="score" size="5" inputmode="decimal" value="{number(s.self_score)}" '
                 f'aria-label="{_e(t.self_score)}">')
    return (f'<form method="post" action="{ln.url_save}" class="score-form">{csrf}'
            f'<input type="hidden" name="version" value="{s.version}">{field} '
            f'<textarea name="explanation" rows="1" placeholder="{_e(t.explain_placeholder)}" '
            f'aria-label="{_e(t.explain_placeholder)}">{_e(s.explanation)}</textarea> '
            f'<button class="btn" type="submit">{_e(t.save)}</button></form>')


def _evidence(ln, code, csrf, t, can_answer) -> str:
    parts = []
    if ln.evidence:
        parts.append(f'<form method="post" action="{ln.url_remove}">{csrf}')
        for e in ln.evidence:
            parts.append(f"<div>{_e(e.label)}")
            if e.file_name:
                parts.append(f' · <a href="{_e(e.url)}">{_e(e.file_name)}</a>')
            if e.doc_number:
                parts.append(f" · {_e(e.doc_number)}")
            if e.doc_date:
                parts.append(f" · {e.doc_date:%d/%m/%Y}")
            if e.stage == "answer":
                parts.append(f' <span class="badge">{_e(t.answer_badge)}</span>')
            if ln.editable or (can_answer and e.stage == "answer"):
                parts.append(f' <button class="link" name="item" value="{e.pk}" title="{_e(t.remove)}" '
                             f'aria-label="{_e(t.remove_label)}">×</button>')
            parts.append("</div>")
        parts.append("</form>")
    if ln.editable or can_answer:
        if ln.proposals:
            options = "".join(
                f'<option value="{ev.pk}">'
                f"{_e(_truncate(ev.label, 60))}</option>"
                for ev in ln.proposals)
            parts.append(f'<form method="post" action="{ln.url_evidence}" class="pick">{csrf}'
                         f'<select name="source" aria-label="{_e(t.task_docs)}">{options}</select> '
                         f'<button class="btn" data-testid="pick-{code}">{_e(t.pick)}</button></form>')
        parts.append(f'<details><summary>{_e(t.upload)}</summary><form method="post" enctype="multipart/form-data" '
                     f'action="{ln.url_evidence}">{csrf}'
                     f'<input name="doc_number" placeholder="{_e(t.number)}" aria-label="{_e(t.number)}" size="10"> '
                     f'<input name="doc_date" placeholder="dd/mm/yyyy" aria-label="dd/mm/yyyy" size="10"> '
                     f'<input name="doc_summary" placeholder="{_e(t.summary)}" aria-label="{_e(t.summary)}"> '
                     f'<input type="file" name="file" accept="{_UPLOAD_ACCEPT}"> '
                     f'<button class="btn">{_e(t.add)}</button></form></details>')
    return "".join(parts)


def _review(ln, s, code, csrf, t, can_review, can_answer, shows_pending) -> str:
    parts = []
    if s.review == "accepted":
        parts.append(f'<span class="badge">{_e(t.accept)}</span>')
    elif s.review == "adjusted":
        parts.append(f'<strong data-testid="reviewed-{code}">{number(s.reviewed_score)}</strong>'
                     f"<br><small>{_e(s.review_reason)}</small>")
    elif shows_pending:
        parts.append(f'<span class="muted">{_e(t.pending)}</span>')
    if s.answer:
        parts.append(f"<br><small><strong>{_e(t.answer_head)}</strong> {_e(s.answer)}</small>")
    if can_review:
        parts.append(f'<form method="post" action="{ln.url_review}" class="review-form">{csrf}'
                     f'<button class="btn" name="decision" value="accept" data-testid="accept-{code}">'
                     f"{_e(t.accept)}</button> "
                     f'<input name="reviewed_score" size="5" inputmode="decimal" placeholder="{_e(t.points)}" '
                     f'aria-label="{_e(t.reviewed_score)}"> <input name="reason" placeholder="{_e(t.reason)}" '
                     f'aria-label="{_e(t.reason_label)}"> <button class="btn" name="decision" value="adjust">'
                     f"{_e(t.adjust)}</button></form>")
    if can_answer and s.review == "adjusted":
        parts.append(f'<form method="post" action="{ln.url_answer}">{csrf}'
                     f'<textarea name="answer" rows="2" placeholder="{_e(t.answer)}" aria-label="{_e(t.answer)}">'
                     f'{_e(s.answer)}</textarea> <button class="btn">{_e(t.send_answer)}</button></form>')
    return "".join(parts)
