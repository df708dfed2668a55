"""Service KPIs (Decision 766): what lives in the main database.

The dossiers and PAKN records themselves live in Parquet files under the data directory (store.py);
here are only the things people edit or that must be claimed under a transaction: column mappings per
source, import runs, the points rules and rating bands (editable data, never constants), the computed
indicator values, apology letters, near-due alert state and the links between plan tasks and indicators.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    DOSSIER = "dossier", _("Hồ sơ TTHC")
    PAKN = "pakn", _("Phản ánh, kiến nghị")


class ImportSource(models.Model):
    """A system that exports dossiers (e.g. the province's one-stop system), with the column mapping
    its files need. Remembered so the next file from the same source imports without asking again."""

    name = models.CharField(_("tên nguồn"), max_length=100, unique=True)
    kind = models.CharField(_("loại dữ liệu"), max_length=10, choices=Kind.choices, default=Kind.DOSSIER)
    agency = models.ForeignKey("org.Agency", verbose_name=_("cơ quan"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    # {"header as printed": "field name" or "" to ignore the column}
    mapping = models.JSONField(_("ghép cột"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)

    class Meta:
        verbose_name = _("nguồn dữ liệu hồ sơ")
        verbose_name_plural = _("nguồn dữ liệu hồ sơ")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ImportRun(models.Model):
    """One file imported (or refused): who, what, how many rows, every bad row with its line number."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Chờ xử lý")
        RUNNING = "running", _("Đang nhập")
        DONE = "done", _("Đã nhập")
        REJECTED = "rejected", _("Bị từ chối")

    kind = models.CharField(_("loại dữ liệu"), max_length=10, choices=Kind.choices, default=Kind.DOSSIER)
    agency = models.ForeignKey("org.Agency", verbose_name=_("cơ quan"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    source = models.ForeignKey(ImportSource, verbose_name=_("nguồn"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="runs")
    filename = models.CharField(_("tên tệp"), max_length=255)
    path = models.CharField(max_length=500, blank=True)  # the uploaded file while it waits
    mapping = models.JSONField(_("ghép cột"), default=dict, blank=True)  # given with the upload
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"), default=0)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    stage = models.CharField(_("bước"), max_length=200, blank=True)
    rows = models.PositiveIntegerField(_("số dòng"), default=0)
    created = models.PositiveIntegerField(_("hồ sơ mới"), default=0)
    updated = models.PositiveIntegerField(_("hồ sơ cập nhật"), default=0)
    error_count = models.PositiveIntegerField(_("số dòng lỗi"), default=0)
    errors = models.JSONField(_("lỗi"), default=list, blank=True)  # [[line, message], ...] (first 1000)
    message = models.TextField(_("kết quả"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người nhập"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("lượt nhập hồ sơ")
        verbose_name_plural = _("lượt nhập hồ sơ")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The upload page: an agency's latest runs.
            models.Index(fields=["agency", "-created_at"], name="dossier_run_agency_idx"),
            # The worker: queued runs, oldest first.
            models.Index(fields=["status", "created_at"], name="dossier_run_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"


class IndicatorRule(models.Model):
    """How an indicator is scored: full points at or above the threshold, else rate × max ÷ threshold.
    Editable by the administrator: the published figures change, and some are not verified."""

    code = models.CharField(_("mã chỉ số"), max_length=10, unique=True)
    name = models.CharField(_("tên chỉ số"), max_length=300)
    group = models.PositiveSmallIntegerField(_("nhóm"), default=2)
    max_points = models.DecimalField(_("điểm tối đa"), max_digits=6, decimal_places=2, default=0,
                                     validators=[MinValueValidator(0)])
    threshold = models.DecimalField(_("ngưỡng đạt điểm tối đa (%)"), max_digits=6, decimal_places=2,
                                    default=100, validators=[MinValueValidator(0)])
    # PAKN deadlines in working days and similar parameters of one indicator.
    params = models.JSONField(_("tham số"), default=dict, blank=True)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("quy tắc tính điểm chỉ số")
        verbose_name_plural = _("quy tắc tính điểm chỉ số")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RatingBand(models.Model):
    """A rating band of the total (out of 100): from `min_score` up to the next band."""

    min_score = models.DecimalField(_("từ điểm"), max_digits=6, decimal_places=2, unique=True)
    label = models.CharField(_("xếp loại"), max_length=60)
    note = models.CharField(_("ghi chú"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("mức xếp loại")
        verbose_name_plural = _("mức xếp loại")
        ordering = ["-min_score"]

    def __str__(self) -> str:
        return f"≥ {self.min_score}: {self.label}"


class KpiValue(models.Model):
    """The numerator and denominator of one indicator for an agency (or one of its units) and a period,
    computed from the dossier files after every import. Rates and points are derived on read from the
    rules, so editing a rule needs no recomputation."""

    agency = models.ForeignKey("org.Agency", verbose_name=_("cơ quan"), on_delete=models.CASCADE,
                               related_name="+")
    unit = models.ForeignKey("org.Unit", verbose_name=_("đơn vị"), null=True, blank=True,
                             on_delete=models.CASCADE, related_name="+")
    period = models.CharField(_("kỳ"), max_length=10)  # 2025-11, 2025-Q3, 2025-H1, 2025-Y
    start = models.DateField(_("từ ngày"))
    code = models.CharField(_("mã chỉ số"), max_length=10)
    numerator = models.BigIntegerField(_("tử số"), default=0)
    denominator = models.BigIntegerField(_("mẫu số"), default=0)
    computed_at = models.DateTimeField(_("tính lúc"))

    class Meta:
        verbose_name = _("giá trị chỉ số")
        verbose_name_plural = _("giá trị chỉ số")
        constraints = [
            models.UniqueConstraint(fields=["agency", "period", "code"], condition=models.Q(unit__isnull=True),
                                    name="kpi_value_agency_once",
                                    violation_error_message=_("Chỉ số này của cơ quan đã có trong kỳ.")),
            models.UniqueConstraint(fields=["agency", "unit", "period", "code"],
                                    condition=models.Q(unit__isnull=False), name="kpi_value_unit_once",
                                    violation_error_message=_("Chỉ số này của đơn vị đã có trong kỳ.")),
        ]
        indexes = [
            # Dashboard table and trend: one agency, a set of periods.
            models.Index(fields=["agency", "period", "unit"], name="kpi_value_agency_idx"),
            # Province ranking: every agency for one period.
            models.Index(fields=["period", "code"], name="kpi_value_period_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.period}: {self.numerator}/{self.denominator}"


class Apology(models.Model):
    """The written apology (thư xin lỗi) sent to the citizen for one late dossier."""

    agency = models.ForeignKey("org.Agency", verbose_name=_("cơ quan"), on_delete=models.CASCADE,
                               related_name="+")
    unit = models.ForeignKey("org.Unit", verbose_name=_("đơn vị"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    dossier_code = models.CharField(_("mã hồ sơ"), max_length=60)
    number = models.CharField(_("số, ký hiệu"), max_length=60)
    sent_on = models.DateField(_("ngày gửi"))
    file = models.FileField(_("tệp thư đã ký"), upload_to="apologies/%Y/%m/", blank=True, max_length=300)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người ghi nhận"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True)

    class Meta:
        verbose_name = _("thư xin lỗi")
        verbose_name_plural = _("thư xin lỗi")
        ordering = ["-sent_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "dossier_code"], name="apology_once_per_dossier",
                                    violation_error_message=_("Hồ sơ này đã có thư xin lỗi.")),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.dossier_code})"


class AlertPolicy(models.Model):
    """How many working days before its promised date an open dossier is announced to its unit."""

    agency = models.OneToOneField("org.Agency", verbose_name=_("cơ quan"), on_delete=models.CASCADE,
                                  related_name="dossier_alert_policy")
    days_before = models.PositiveSmallIntegerField(_("cảnh báo trước hạn (ngày làm việc)"), default=2,
                                                   validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("cấu hình cảnh báo hồ sơ")
        verbose_name_plural = _("cấu hình cảnh báo hồ sơ")

    def __str__(self) -> str:
        return str(self.agency)


class AlertRun(models.Model):
    """One run of the near-due alerts that announced something. The per-dossier alert state itself is a
    Parquet file of the store (alerts.py); this row, written in the same transaction as the notifications,
    names the state file the run produced, so a run that died before publishing it is adopted by the next
    one instead of announcing the same dossiers again."""

    token = models.CharField(max_length=32, unique=True)
    at = models.DateTimeField(_("thời điểm"))
    file = models.CharField(max_length=200)
    alerts = models.PositiveIntegerField(_("số cảnh báo"), default=0)
    notifications = models.PositiveIntegerField(_("số thông báo"), default=0)

    class Meta:
        verbose_name = _("lượt cảnh báo hồ sơ")
        verbose_name_plural = _("lượt cảnh báo hồ sơ")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.alerts}"


class TaskMeasure(models.Model):
    """A plan task's numeric target measured by an indicator: proposed from the task's wording, confirmed
    (or rejected) by the office. Only confirmed links show a measured value."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Đề xuất")
        CONFIRMED = "confirmed", _("Đã xác nhận")
        REJECTED = "rejected", _("Không dùng")

    task = models.OneToOneField("plans.Task", verbose_name=_("nhiệm vụ"), on_delete=models.CASCADE,
                                related_name="kpi_measure")
    code = models.CharField(_("mã chỉ số"), max_length=10)
    op = models.CharField(_("so sánh"), max_length=2, default="ge")
    target = models.DecimalField(_("chỉ tiêu (%)"), max_digits=6, decimal_places=2)
    unit = models.ForeignKey("org.Unit", verbose_name=_("đơn vị"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+",
                             help_text=_("Để trống: đo trên toàn cơ quan."))
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices, default=State.PROPOSED)
    reason = models.CharField(_("căn cứ đề xuất"), max_length=200, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người xác nhận"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    confirmed_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("chỉ tiêu đo bằng chỉ số")
        verbose_name_plural = _("chỉ tiêu đo bằng chỉ số")

    def __str__(self) -> str:
        return f"{self.task_id} → {self.code} {self.op} {self.target}"
