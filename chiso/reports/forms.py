from django import forms
from django.utils.translation import gettext_lazy as _

from chiso.periods.models import AdHocPeriod, ReportingRule
from chiso.plans.forms import DATE_WIDGET

from .actions import AGENCY_TEXT, UNIT_TEXT
from .models import AgencyReport, UnitReport


class UnitReportForm(forms.ModelForm):
    class Meta:
        model = UnitReport
        fields = list(UNIT_TEXT)
        widgets = {k: forms.Textarea(attrs={"rows": 6}) for k in UNIT_TEXT}


class AgencyReportForm(forms.ModelForm):
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
