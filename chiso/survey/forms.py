"""Reading an answer sheet: the public page, the paper entry page and the XLSX import all go through
`read_sheet`, so a value outside the scale or a missing required statement is refused the same way."""

import re
import unicodedata
from dataclasses import dataclass, field

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import structure
from .models import Questionnaire

RECEIPT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-_/]{2,59}$")
# A level is one or two ASCII digits: str.isdigit() also takes "²" (int() then fails) and "٣" or "５" (int()
# reads them), and a long string of digits trips Python's int conversion limit.
LEVEL = re.compile(r"[0-9]{1,2}")


def clean_text(value: str, limit: int) -> str:
    """Control characters removed (a tab or newline kept), spaces squeezed at the ends. Never truncates:
    the caller refuses what is too long."""
    text = "".join(ch for ch in str(value or "") if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return text.strip()


@dataclass
class Sheet:
    values: dict[int, int] = field(default_factory=dict)
    procedure: str = ""
    applied_via: str = ""
    age_group: str = ""
    comment: str = ""
    receipt_code: str | None = None
    errors: dict[str, str] = field(default_factory=dict)   # field name ("q<id>", "comment", ...) -> message

    @property
    def ok(self) -> bool:
        return not self.errors


def questions_of(q: Questionnaire) -> list:
    """The questionnaire's questions with their aspect (cached on the object for the request)."""
    if not hasattr(q, "_question_list"):
        q._question_list = list(q.questions.select_related("aspect").order_by("aspect__order", "order", "pk"))
        q._questions = {x.pk: x for x in q._question_list}
    return q._question_list


def read_sheet(q: Questionnaire, data, *, key=lambda question: f"q{question.pk}") -> Sheet:
    """Validate one sheet from a mapping (`data.get(name)`). `key` names a question's field."""
    sheet = Sheet()
    top = len(q.scale)
    for question in questions_of(q):
        raw = str(data.get(key(question)) or "").strip()
        if not raw or raw == "0":
            if question.required:
                sheet.errors[f"q{question.pk}"] = _("Xin chọn một mức cho nhận định %(c)s.") % {"c": question.code}
            continue
        if not LEVEL.fullmatch(raw) or not 1 <= int(raw) <= top:
            sheet.errors[f"q{question.pk}"] = _("Mức “%(v)s” của nhận định %(c)s nằm ngoài thang 1–%(n)s.") % {
                "v": raw[:10], "c": question.code, "n": top}
            continue
        sheet.values[question.pk] = int(raw)
    if q.ask_procedure:
        sheet.procedure = clean_text(data.get("procedure"), 200)
        if len(sheet.procedure) > 200:
            sheet.errors["procedure"] = _("Tên thủ tục dài quá 200 ký tự.")
    if q.ask_channel:
        value = clean_text(data.get("applied_via"), 60)
        if value and value not in q.channels:
            sheet.errors["applied_via"] = _("Cách nộp hồ sơ “%(v)s” không có trong danh sách.") % {"v": value[:60]}
        sheet.applied_via = value
    if q.ask_age_group:
        value = clean_text(data.get("age_group"), 40)
        if value and value not in q.age_groups:
            sheet.errors["age_group"] = _("Nhóm tuổi “%(v)s” không có trong danh sách.") % {"v": value[:40]}
        sheet.age_group = value
    if q.ask_comment:
        comment = clean_text(data.get("comment"), q.comment_max)
        if len(comment) > q.comment_max:
            sheet.errors["comment"] = _("Góp ý dài %(n)s ký tự, quá giới hạn %(m)s ký tự; ô góp ý chỉ giữ lại "
                                        "%(m)s ký tự đầu, xin rút gọn.") % {
                "n": f"{len(comment):,}".replace(",", "."), "m": q.comment_max}
        else:
            sheet.comment = comment
    code = clean_text(data.get("receipt_code"), 60).upper().replace(" ", "")
    if code:
        if not RECEIPT.match(code):
            sheet.errors["receipt_code"] = _("Mã hồ sơ chỉ gồm chữ, số và các dấu . - _ / (3–60 ký tự).")
        else:
            sheet.receipt_code = code
    return sheet


# the length of each text field of a sheet; a value longer than this is refused by read_sheet
LIMITS = {"procedure": 200, "applied_via": 60, "age_group": 40, "receipt_code": 60}


def reshown(q: Questionnaire, data) -> dict:
    """The values sent, to put back in a refused form, each cut to its field's limit: a 1 MB comment is
    refused, not echoed back whole (the message says it was too long)."""
    limits = {**LIMITS, "comment": q.comment_max}
    return {name: str(data.get(name) or "")[:limits.get(name, 1000)] for name in data}


class QuestionnaireForm(forms.ModelForm):
    """The administrator's edit form of a draft: fields, scale and structure as text."""

    scale_text = forms.CharField(label=gettext_lazy("Thang trả lời (mỗi dòng một mức, từ thấp đến cao)"),
                                 widget=forms.Textarea(attrs={"rows": 5}))
    satisfied_text = forms.CharField(label=gettext_lazy("Mức được tính là hài lòng (số thứ tự, cách nhau dấu phẩy)"),
                                     max_length=40)
    channels_text = forms.CharField(label=gettext_lazy("Các cách nộp hồ sơ (mỗi dòng một cách)"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 3}))
    age_groups_text = forms.CharField(label=gettext_lazy("Các nhóm tuổi (mỗi dòng một nhóm)"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 4}))
    structure_text = forms.CharField(label=gettext_lazy("Yếu tố và nhận định"),
                                     widget=forms.Textarea(attrs={"rows": 22, "class": "mono"}))
    revision = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Questionnaire
        fields = ["name", "intro", "thanks", "target", "ask_procedure", "ask_channel", "ask_age_group",
                  "ask_comment", "comment_max"]
        widgets = {"intro": forms.Textarea(attrs={"rows": 3}), "thanks": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, instance: Questionnaire, **kwargs):
        initial = {"scale_text": "\n".join(instance.scale),
                   "satisfied_text": ", ".join(str(v) for v in instance.satisfied_levels),
                   "channels_text": "\n".join(instance.channels), "age_groups_text": "\n".join(instance.age_groups),
                   "structure_text": structure.render(instance), "revision": instance.revision}
        super().__init__(*args, instance=instance, initial=initial, **kwargs)
        self.specs = []

    def clean_target(self):
        value = self.cleaned_data["target"]
        if not 0 <= value <= 100:
            raise forms.ValidationError(_("Mục tiêu là tỷ lệ từ 0 đến 100."))
        return value

    def clean_comment_max(self):
        value = self.cleaned_data["comment_max"]
        if not 50 <= value <= 5000:
            raise forms.ValidationError(_("Giới hạn góp ý từ 50 đến 5.000 ký tự."))
        return value

    def clean_satisfied_text(self):
        raw = self.cleaned_data["satisfied_text"]
        try:
            return sorted({int(p) for p in re.split(r"[,;\s]+", raw) if p})
        except ValueError:
            raise forms.ValidationError(_("Ghi các mức bằng số, ví dụ: 4, 5.")) from None

    def clean_structure_text(self):
        specs, errors = structure.parse(self.cleaned_data["structure_text"])
        if errors:
            raise forms.ValidationError(errors)
        self.specs = specs
        return self.cleaned_data["structure_text"]

    def changes(self) -> dict:
        d = self.cleaned_data
        return {**{n: d[n] for n in self.Meta.fields}, "scale": structure.parse_lines(d["scale_text"], 10),
                "satisfied_levels": d["satisfied_text"], "channels": structure.parse_lines(d["channels_text"]),
                "age_groups": structure.parse_lines(d["age_groups_text"])}
