"""Forms of the tracking pages. They only collect input: the rules live in actions.validate_update."""

from django import forms
from django.utils.translation import gettext_lazy as _

from chiso.plans.forms import DATE_WIDGET
from chiso.plans.status import Proposed

from .actions import DocumentRef, UpdateData


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.png,.jpg,.jpeg"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class UpdateForm(forms.Form):
    period = forms.ChoiceField(label=_("Kỳ báo cáo"), required=False)
    narrative = forms.CharField(label=_("Kết quả thực hiện"), widget=forms.Textarea(attrs={"rows": 4}))
    percent = forms.IntegerField(label=_("Tiến độ (%)"), min_value=0, max_value=100, initial=0)
    proposed_status = forms.ChoiceField(label=_("Đề xuất trạng thái"), choices=Proposed.choices,
                                        initial=Proposed.IN_PROGRESS)
    done_on = forms.DateField(label=_("Ngày hoàn thành"), required=False,
                              widget=DATE_WIDGET)
    cause = forms.CharField(label=_("Nguyên nhân (khi chậm hoặc không thực hiện được)"), required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))
    remedy = forms.CharField(label=_("Giải pháp khắc phục"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    files = MultipleFileField(label=_("Tệp kiểm chứng (PDF, DOCX, XLSX, PNG, JPEG)"), required=False)
    doc_number = forms.CharField(label=_("Văn bản kiểm chứng: số, ký hiệu"), required=False, max_length=80)
    doc_date = forms.DateField(label=_("Ngày văn bản"), required=False,
                               widget=DATE_WIDGET)
    doc_summary = forms.CharField(label=_("Trích yếu"), required=False, max_length=500)
    link = forms.URLField(label=_("Liên kết"), required=False, max_length=500, assume_scheme="https")

    def __init__(self, *args, periods=(), **kwargs):
        super().__init__(*args, **kwargs)
        open_periods = [p for p in periods if not p.is_closed]
        if open_periods:
            self.fields["period"].choices = [(str(p.pk), p.label) for p in open_periods]
        else:
            del self.fields["period"]

    def data_object(self) -> UpdateData:
        c = self.cleaned_data
        return UpdateData(
            narrative=c["narrative"], percent=c["percent"], proposed_status=c["proposed_status"],
            done_on=c.get("done_on"), cause=c.get("cause", ""), remedy=c.get("remedy", ""),
            files=c.get("files") or [],
            documents=[DocumentRef(number=c.get("doc_number", ""), date=c.get("doc_date"),
                                   summary=c.get("doc_summary", ""), link=c.get("link", ""))])

    def add_action_errors(self, exc) -> None:
        mapping = {"documents": "doc_number"}
        for name, messages in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
            target = mapping.get(name, name)
            target = target if target in self.fields else None
            for message in messages:
                self.add_error(target, message)


class ReviewForm(forms.Form):
    comment = forms.CharField(label=_("Ý kiến"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Ý kiến chỉ đạo"), widget=forms.Textarea(attrs={"rows": 2}))


class EventPeriodForm(forms.Form):
    label = forms.CharField(label=_("Tên kỳ (sự việc phát sinh)"), max_length=80)
    start = forms.DateField(label=_("Từ ngày"), widget=DATE_WIDGET)
    due = forms.DateField(label=_("Hạn báo cáo"), widget=DATE_WIDGET)


class ClosePeriodsForm(forms.Form):
    until = forms.DateField(label=_("Khóa các kỳ báo cáo kết thúc đến ngày"),
                            widget=DATE_WIDGET)
