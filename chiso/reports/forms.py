from django import forms

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
