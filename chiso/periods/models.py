"""The editable rows behind the calendars: public holidays and make-up days, the reporting rules of
each kind of period (province defaults and an agency's own), and ad hoc reporting periods."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .codes import Kind, Period


class Holiday(models.Model):
    """A public holiday (day off) or a make-up working day on a weekend, editable by administrators."""

    date = models.DateField(_("ngày"), unique=True)
    name = models.CharField(_("tên"), max_length=150)
    is_day_off = models.BooleanField(_("ngày nghỉ"), default=True,
                                     help_text=_("Bỏ chọn khi đây là ngày làm việc bù vào cuối tuần."))

    class Meta:
        verbose_name = _("ngày nghỉ lễ, làm bù")
        verbose_name_plural = _("lịch nghỉ lễ, làm bù")
        db_table = "tracking_holiday"  # made by tracking before periods had a home; the rows stay
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"


KIND_CHOICES = [
    (Kind.MONTH, _("Hằng tháng")),
    (Kind.Q1, _("Quý I")),
    (Kind.H1, _("6 tháng")),
    (Kind.Q3, _("Quý III")),
    (Kind.YEAR, _("Năm")),
    (Kind.ADHOC, _("Đột xuất")),
]
DAY = [MinValueValidator(1), MaxValueValidator(31)]


class ReportingRule(models.Model):
    """When a kind of period is reported: its data cut-off window and a deadline for each level.

    Rows without an agency are the province-wide defaults (from Văn bản 581/BNV-CCHC); an agency's own
    row replaces the default for that kind. Days are days of the period's last month (31 = last day)."""

    agency = models.ForeignKey("org.Agency", verbose_name=_("cơ quan"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="reporting_rules",
                               help_text=_("Để trống: lịch mặc định cho mọi cơ quan."))
    kind = models.CharField(_("loại kỳ"), max_length=8, choices=[c for c in KIND_CHOICES if c[0] != Kind.ADHOC])
    start_months_before = models.PositiveSmallIntegerField(
        _("số liệu từ (số tháng trước tháng cuối kỳ)"), validators=[MaxValueValidator(24)],
        help_text=_("Quý I: 3 (từ 15/12 năm trước); năm: 12."))
    start_day = models.PositiveSmallIntegerField(_("ngày bắt đầu lấy số liệu"), default=15, validators=DAY)
    end_day = models.PositiveSmallIntegerField(_("ngày chốt số liệu (tháng cuối kỳ)"), default=14, validators=DAY)
    unit_day = models.PositiveSmallIntegerField(_("hạn đơn vị gửi Văn phòng"), validators=DAY)
    office_day = models.PositiveSmallIntegerField(_("hạn Văn phòng trình dự thảo"), validators=DAY)
    agency_day = models.PositiveSmallIntegerField(_("hạn cơ quan gửi Sở Nội vụ"), validators=DAY)
    province_day = models.PositiveSmallIntegerField(_("hạn tỉnh báo cáo Bộ Nội vụ"), default=20, validators=DAY)
    draft_days_before = models.PositiveSmallIntegerField(
        _("tự lập dự thảo trước hạn (ngày)"), default=5, validators=[MaxValueValidator(60)],
        help_text=_("Số ngày trước hạn của đơn vị để tự lập dự thảo và báo đơn vị, Văn phòng; 0: không tự lập."))

    class Meta:
        verbose_name = _("lịch báo cáo")
        verbose_name_plural = _("lịch báo cáo")
        db_table = "reports_reportingrule"  # made by reports before periods had a home; the rows stay
        ordering = ["agency_id", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "kind"], name="reporting_rule_unique",
                                    violation_error_message=_("Cơ quan đã có lịch cho loại kỳ này.")),
            models.UniqueConstraint(fields=["kind"], condition=models.Q(agency__isnull=True),
                                    name="reporting_rule_default_unique",
                                    violation_error_message=_("Đã có lịch mặc định cho loại kỳ này.")),
            models.CheckConstraint(
                condition=models.Q(unit_day__lte=models.F("office_day"))
                & models.Q(office_day__lte=models.F("agency_day"))
                & models.Q(agency_day__lte=models.F("province_day")),
                name="reporting_rule_levels_ordered",
                violation_error_message=_("Hạn của cấp dưới phải trước hạn của cấp trên.")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.agency or _('mặc định')}"

    @classmethod
    def rules_for(cls, agency) -> dict:
        """kind -> the rule that applies to the agency (its own, else the default)."""
        rows = cls.objects.filter(models.Q(agency__isnull=True) | models.Q(agency=agency))
        out: dict = {}
        for r in sorted(rows, key=lambda r: r.agency_id is not None):
            out[r.kind] = r
        return out

    @classmethod
    def for_agency(cls, agency, kind: str):
        return cls.rules_for(agency).get(kind)


# The default calendar (Văn bản 581/BNV-CCHC), written as rows by reports' migration 0002 and by
# ensure_default_rules (after a test database flush, for the demo); the rows are what counts.
# Cut-off windows: quý I 15/12 (năm trước) – 14/3; 6 tháng 15/12 – 14/6; quý III 15/6 – 14/9;
# năm 15/12 – 14/12; hằng tháng 15 tháng trước – 14. Inside the province each level reports before the
# one above: units by the 15th → office drafts by the 16th → agency to Sở Nội vụ 18th → province 20th.
DEFAULT_RULES = [
    # kind, months before the last month, start day, end day, unit, office, agency, province, draft days before
    ("month", 1, 15, 14, 15, 16, 18, 20, 0),  # monthly reports are optional: not drafted automatically
    ("q1", 3, 15, 14, 15, 16, 18, 20, 5),
    ("h1", 6, 15, 14, 15, 16, 18, 20, 5),
    ("q3", 3, 15, 14, 15, 16, 18, 20, 5),
    ("year", 12, 15, 14, 15, 16, 18, 20, 5),
]


def ensure_default_rules(model=ReportingRule) -> int:
    """Create the default rows that are missing (never changes an edited one); returns how many."""
    made = 0
    for kind, before, start, end, unit, office, agency, province, draft in DEFAULT_RULES:
        _obj, created = model.objects.get_or_create(agency=None, kind=kind, defaults=dict(
            start_months_before=before, start_day=start, end_day=end, unit_day=unit, office_day=office,
            agency_day=agency, province_day=province, draft_days_before=draft))
        made += created
    return made


class AdHocPeriod(models.Model):
    """An ad hoc report (báo cáo đột xuất) requested of an agency, with its own dates."""

    agency = models.ForeignKey("org.Agency", verbose_name=_("cơ quan"), on_delete=models.CASCADE,
                               related_name="adhoc_periods")
    year = models.PositiveSmallIntegerField(_("năm"))
    number = models.PositiveSmallIntegerField(_("số thứ tự"), validators=[MinValueValidator(1)])
    title = models.CharField(_("nội dung yêu cầu"), max_length=300)
    start = models.DateField(_("số liệu từ ngày"))
    end = models.DateField(_("đến ngày"))
    unit_due = models.DateField(_("hạn đơn vị"))
    agency_due = models.DateField(_("hạn cơ quan"))

    class Meta:
        verbose_name = _("báo cáo đột xuất")
        verbose_name_plural = _("báo cáo đột xuất")
        db_table = "reports_adhocperiod"
        ordering = ["agency", "year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "year", "number"], name="adhoc_period_unique",
                                    violation_error_message=_("Số thứ tự báo cáo đột xuất đã có.")),
            models.CheckConstraint(condition=models.Q(start__lte=models.F("end")), name="adhoc_period_ordered",
                                   violation_error_message=_("Ngày bắt đầu phải trước ngày kết thúc.")),
        ]

    def __str__(self) -> str:
        return f"{self.year}-DX{self.number} {self.title}"

    def as_period(self) -> Period:
        return Period(code=f"{self.year}-DX{self.number}", kind=Kind.ADHOC, year=self.year, label=self.title,
                      start=self.start, end=self.end, unit_due=self.unit_due, office_due=self.agency_due,
                      agency_due=self.agency_due, province_due=self.agency_due)
