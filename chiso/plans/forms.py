"""Plan and task forms: what a civil servant types, checked with Vietnamese messages."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from chiso.frameworks.models import FrameworkNode, IndexCode
from chiso.lib.numbers import parse_vn_decimal, plain_decimal
from chiso.org.models import Unit

from .models import Plan, Task


class VietnameseDecimalField(forms.DecimalField):
    """A decimal typed the Vietnamese way (12,5; 1.250), whatever the interface language."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        parsed = parse_vn_decimal(str(value))
        if parsed is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed


class VersionedForm(forms.ModelForm):
    """An edit form that carries the version of the record it was opened on (plans.actions refuses a save
    from an older one); `stale(exc)` shows what changed and lets the person save again on purpose."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def opened_version(self) -> int | None:
        """The version the form was opened on; an edit sent without one counts as opened on none (0)."""
        if not self.instance.pk:
            return None
        value = self.cleaned_data.get("version")
        return 0 if value is None else value

    def stale(self, exc) -> None:
        self.add_error(None, exc.messages[0])
        self.changes = exc.changes
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = str(exc.current)


DATE_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})


class PlanForm(VersionedForm):
    indices = forms.MultipleChoiceField(label=_("Chỉ số"), choices=IndexCode.choices, required=False,
                                        widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Plan
        fields = ["agency", "title", "number", "year", "issued_on", "place", "issuer", "signer",
                  "signer_title", "period_start", "period_end", "indices", "parent", "status", "source_file"]
        widgets = {"issued_on": DATE_WIDGET, "period_start": DATE_WIDGET, "period_end": DATE_WIDGET,
                   "title": forms.TextInput(attrs={"size": 80})}

    def __init__(self, *args, agencies=None, plans=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["agency"].queryset = agencies
        if plans is not None:
            self.fields["parent"].queryset = plans.exclude(pk=self.instance.pk) if self.instance.pk else plans
        self.fields["indices"].initial = self.instance.indices if self.instance.pk else []

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise forms.ValidationError(_("Năm phải trong khoảng 2000–2100."))
        return year

    def clean(self):
        data = super().clean()
        start, end, year = data.get("period_start"), data.get("period_end"), data.get("year")
        if start and end and start > end:
            self.add_error("period_end", _("Ngày kết thúc phải sau ngày bắt đầu."))
        if year and data.get("issued_on") and abs(data["issued_on"].year - year) > 1:
            self.add_error("issued_on", _("Ngày ban hành không khớp với năm của kế hoạch."))
        return data


class TaskForm(VersionedForm):
    # Shown only after the due date was found outside the plan's period.
    confirm_outside_period = forms.BooleanField(
        label=_("Tôi xác nhận hạn hoàn thành nằm ngoài thời gian thực hiện kế hoạch"), required=False,
        widget=forms.HiddenInput)

    budget_million_vnd = VietnameseDecimalField(label=_("Kinh phí (triệu đồng)"), required=False, localize=True,
                                                max_digits=14, decimal_places=3)
    measure_value = VietnameseDecimalField(label=_("Chỉ tiêu"), required=False, localize=True, max_digits=12,
                                           decimal_places=3)

    class Meta:
        model = Task
        fields = ["ref", "index", "node", "field_name", "criterion", "title", "activity", "output",
                  "lead_units", "support_units", "timeframe", "due", "recurrence", "budget_million_vnd",
                  "measure_op", "measure_value", "measure_unit", "notes"]
        widgets = {
            "due": DATE_WIDGET,
            "title": forms.Textarea(attrs={"rows": 3}),
            "activity": forms.Textarea(attrs={"rows": 2}),
            "output": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
            "lead_units": forms.CheckboxSelectMultiple,
            "support_units": forms.CheckboxSelectMultiple,
        }
        error_messages = {
            "lead_units": {"invalid_choice": _("Đơn vị %(value)s không thuộc cơ quan ban hành kế hoạch."),
                           "invalid_pk_value": _("Đơn vị không hợp lệ.")},
            "support_units": {"invalid_choice": _("Đơn vị %(value)s không thuộc cơ quan ban hành kế hoạch."),
                              "invalid_pk_value": _("Đơn vị không hợp lệ.")},
        }

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.instance.plan = plan
        units = Unit.objects.filter(agency_id=plan.agency_id, is_active=True).order_by("name")
        self.fields["lead_units"].queryset = units
        self.fields["support_units"].queryset = units
        self.fields["node"].queryset = FrameworkNode.objects.select_related("framework").order_by(
            "framework__index", "framework__year", "order")
        self.fields["node"].required = False
        self.outside_period = False
        for name in ("budget_million_vnd", "measure_value"):
            value = self.initial.get(name)
            if isinstance(value, Decimal):  # 10.000 -> 10, 12.500 -> 12,5 rather than "10,000"
                self.initial[name] = plain_decimal(value)

    def clean_budget_million_vnd(self):
        budget = self.cleaned_data.get("budget_million_vnd")
        if budget is not None and budget < 0:
            raise forms.ValidationError(_("Kinh phí không được âm."))
        return budget

    def clean(self):
        data = super().clean()
        due = data.get("due")
        start, end = self.plan.period_start, self.plan.period_end
        if due and ((start and due < start) or (end and due > end)):
            self.outside_period = True
            self.fields["confirm_outside_period"].widget = forms.CheckboxInput()
            if not data.get("confirm_outside_period"):
                self.add_error("due", _("Hạn hoàn thành nằm ngoài thời gian thực hiện kế hoạch "
                                        "(%(start)s – %(end)s). Đánh dấu ô xác nhận bên dưới nếu vẫn muốn lưu.")
                               % {"start": start.strftime("%d/%m/%Y") if start else "…",
                                  "end": end.strftime("%d/%m/%Y") if end else "…"})
        if data.get("measure_value") is not None and not data.get("measure_op"):
            data["measure_op"] = ">="
        return data
