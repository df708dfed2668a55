"""Periodic reports: the reporting calendar (editable rules per period kind, ad hoc periods), the unit
reports submitted to the office and the agency reports compiled from them, each version kept."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .periods import Kind, Period

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


# The default calendar (Văn bản 581/BNV-CCHC), written as rows by migration 0002 and by
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


class ReportBase(models.Model):
    """What unit and agency reports share: the period, a version, the frozen figures."""

    period_code = models.CharField(_("kỳ báo cáo"), max_length=12)  # "2025-Q3"
    period_label = models.CharField(_("tên kỳ"), max_length=300)
    start = models.DateField(_("số liệu từ ngày"))
    end = models.DateField(_("đến ngày"))
    due = models.DateField(_("hạn gửi"))
    version = models.PositiveSmallIntegerField(_("lần"), default=1)
    figures = models.JSONField(_("số liệu"), default=dict)  # the figures as drafted, frozen once sent
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)

    class Meta:
        abstract = True

    @property
    def is_frozen(self) -> bool:
        raise NotImplementedError


class UnitReport(ReportBase):
    """A unit's report to the office for a period, drafted from its task updates, then submitted."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        SUBMITTED = "submitted", _("Đã gửi")
        SUPERSEDED = "superseded", _("Đã thay bằng bản sửa")

    agency = models.ForeignKey("org.Agency", verbose_name=_("cơ quan"), on_delete=models.CASCADE,
                               related_name="unit_reports")
    unit = models.ForeignKey("org.Unit", verbose_name=_("đơn vị"), on_delete=models.CASCADE,
                             related_name="reports")
    state = models.CharField(_("trạng thái"), max_length=12, choices=State.choices, default=State.DRAFT)
    results = models.TextField(_("kết quả thực hiện"), blank=True)
    difficulties = models.TextField(_("tồn tại, hạn chế và nguyên nhân"), blank=True)
    next_steps = models.TextField(_("nhiệm vụ kỳ tới"), blank=True)
    proposals = models.TextField(_("đề xuất, kiến nghị"), blank=True)
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người gửi"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    on_time = models.BooleanField(_("đúng hạn"), null=True)
    supersedes = models.ForeignKey("self", verbose_name=_("sửa cho bản"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="corrections")
    # The last deadline reminder sent ("", "due", "late"); moving it forward is the claim (schedule.py).
    reminded = models.CharField(_("đã nhắc hạn"), max_length=8, blank=True, editable=False)

    class Meta:
        verbose_name = _("báo cáo của đơn vị")
        verbose_name_plural = _("báo cáo của đơn vị")
        ordering = ["agency", "period_code", "unit__name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "period_code", "version"], name="unit_report_version_unique",
                                    violation_error_message=_("Đơn vị đã có báo cáo lần này cho kỳ này.")),
        ]
        indexes = [
            # The office's overview: every unit report of a period.
            models.Index(fields=["agency", "period_code"], name="unit_report_period_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.period_label}"

    @property
    def is_frozen(self) -> bool:
        return self.state != self.State.DRAFT


class AgencyReport(ReportBase):
    """The agency's report for a period: compiled from unit reports and task data, edited, issued.
    An issued report never changes; a correction is a new version and both are kept."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        ISSUED = "issued", _("Đã ban hành")
        SUPERSEDED = "superseded", _("Đã thay bằng bản đính chính")

    class Authority(models.TextChoices):
        NONE = "", _("Người đứng đầu ký")
        KT = "KT.", _("KT. — cấp phó ký thay")
        TM = "TM.", _("TM. — thay mặt tập thể")
        TL = "TL.", _("TL. — thừa lệnh")
        TUQ = "TUQ.", _("TUQ. — thừa ủy quyền")
        Q = "Q.", _("Q. — quyền")

    agency = models.ForeignKey("org.Agency", verbose_name=_("cơ quan"), on_delete=models.CASCADE,
                               related_name="agency_reports")
    state = models.CharField(_("trạng thái"), max_length=12, choices=State.choices, default=State.DRAFT)
    number = models.PositiveIntegerField(_("số"), null=True, blank=True)  # restarts every 1 January
    place = models.CharField(_("địa danh"), max_length=100)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    issued_at = models.DateTimeField(_("ban hành lúc"), null=True, blank=True)
    recipient = models.CharField(_("kính gửi"), max_length=300, blank=True)
    direction = models.TextField(_("I. Công tác chỉ đạo, điều hành"), blank=True)
    results_intro = models.TextField(_("II. Kết quả thực hiện (nhận xét chung)"), blank=True)
    strengths = models.TextField(_("Ưu điểm"), blank=True)
    weaknesses = models.TextField(_("Hạn chế"), blank=True)
    causes = models.TextField(_("Nguyên nhân"), blank=True)
    next_tasks = models.TextField(_("IV. Nhiệm vụ trọng tâm kỳ tới"), blank=True)
    proposals = models.TextField(_("V. Đề xuất, kiến nghị"), blank=True)
    authority = models.CharField(_("thẩm quyền ký"), max_length=5, choices=Authority.choices, default="KT.",
                                 blank=True)
    head_title = models.CharField(_("chức vụ người đứng đầu / tập thể"), max_length=150, default="GIÁM ĐỐC")
    signer_title = models.CharField(_("chức vụ người ký"), max_length=150, blank=True, default="PHÓ GIÁM ĐỐC")
    signer_name = models.CharField(_("người ký"), max_length=150, blank=True)
    recipients = models.TextField(_("nơi nhận"), blank=True)
    supersedes = models.ForeignKey("self", verbose_name=_("đính chính cho bản"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="corrections")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người lập"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("báo cáo của cơ quan")
        verbose_name_plural = _("báo cáo của cơ quan")
        ordering = ["agency", "-period_code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "period_code", "version"],
                                    name="agency_report_version_unique",
                                    violation_error_message=_("Cơ quan đã có báo cáo lần này cho kỳ này.")),
            models.CheckConstraint(condition=models.Q(state="draft") | models.Q(number__isnull=False),
                                   name="agency_report_issued_has_number",
                                   violation_error_message=_("Báo cáo đã ban hành phải có số.")),
        ]
        indexes = [
            # The province roll-up: reports of every agency for one period.
            models.Index(fields=["period_code", "state"], name="agency_report_period_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.agency.code} {self.period_code} v{self.version}"

    @property
    def is_frozen(self) -> bool:
        return self.state != self.State.DRAFT

    @property
    def number_symbol(self) -> str:
        """ "Số: 05/BC-STP" — a draft leaves the number blank for the clerk."""
        n = f"{self.number:02d}" if self.number else "      "
        return f"{n}/BC-{self.agency.code}"

    @property
    def on_time(self) -> bool | None:
        if not self.issued_on:
            return None
        return self.issued_on <= self.due
