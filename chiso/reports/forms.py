from django import forms
from django.utils.translation import gettext_lazy as _

from chiso.periods.models import AdHocPeriod, ReportingRule
from chiso.plans.forms import DATE_WIDGET

from .actions import AGENCY_TEXT, UNIT_TEXT, text_stamp
from .models import AgencyReport, UnitReport


class TextsForm(forms.ModelForm):
    """A report's texts with the stamp of the texts the page showed (`opened`): a save over texts someone
    changed since is refused (actions.StaleTexts); `stale(exc)` keeps what was typed and takes the new stamp."""

    opened = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["opened"].initial = text_stamp(self.instance, tuple(self._meta.fields))

    def opened_stamp(self) -> str | None:
        return self.cleaned_data.get("opened") or None

    def stale(self, exc) -> None:
        self.add_error(None, exc.messages[0])
        self.data = self.data.copy()
        self.data[self.add_prefix("opened")] = exc.current


class UnitReportForm(TextsForm):
    class Meta:
        model = UnitReport
        fields = list(UNIT_TEXT)
        widgets = {k: forms.Textarea(attrs={"rows": 6}) for k in UNIT_TEXT}


class AgencyReportForm(TextsForm):
    class Meta:
        model = AgencyReport
        fields = list(AGENCY_TEXT)
        widgets = {k: forms.Textarea(attrs={"rows": 5}) for k in
                   ("direction", "results_intro", "strengths", "weaknesses", "causes", "next_tasks", "proposals",
                    "recipients")}


class RuleForm(forms.ModelForm):
    class Meta:
        model = ReportingRule
        fields = ["start_months_before", "start_day", "end_day", "unit_day", "office_day", "agency_day",
                  "province_day", "draft_days_before"]


class AdHocForm(forms.ModelForm):
    class Meta:
        model = AdHocPeriod
        fields = ["title", "start", "end", "unit_due", "agency_due"]
        widgets = {k: DATE_WIDGET for k in ("start", "end", "unit_due", "agency_due")}

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("Ngày kết thúc phải sau ngày bắt đầu."))
        if data.get("unit_due") and data.get("agency_due") and data["unit_due"] > data["agency_due"]:
            self.add_error("unit_due", _("Hạn của đơn vị phải trước hạn của cơ quan."))
        return data


class StepForm(forms.Form):
    """The confirmation of one sign-off step; a step that needs a comment, a reason or the scan asks here."""

    comment = forms.CharField(label=_("Ý kiến"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(label=_("Lý do rút"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    scan = forms.FileField(label=_("Bản quét văn bản đã ký, đóng dấu (PDF)"), required=False)

    def __init__(self, *args, needs: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("comment", "reason", "scan"):
            if name != needs and not (name == "comment" and needs == "comment?"):
                del self.fields[name]
        if needs in ("comment", "reason", "scan"):
            self.fields[needs].required = True
            self.fields[needs].error_messages["required"] = {
                "comment": _("Hãy ghi ý kiến: cần sửa gì trước khi trình lại."),
                "reason": _("Hãy ghi lý do rút báo cáo."),
                "scan": _("Hãy chọn tệp PDF bản đã ký."),
            }[needs]
