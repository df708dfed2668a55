"""Plans (kế hoạch), their score targets, tasks (nhiệm vụ) and reporting obligations."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from chiso.frameworks.models import IndexCode
from chiso.lib.numbers import format_vn_decimal

from .status import Proposed


class Recurrence(models.TextChoices):
    ONCE = "once", _("Một lần")
    CONTINUOUS = "continuous", _("Thường xuyên")
    MONTHLY = "monthly", _("Hằng tháng")
    QUARTERLY = "quarterly", _("Hằng quý")
    SEMIANNUAL = "semiannual", _("6 tháng")
    ANNUAL = "annual", _("Hằng năm")
    ON_EVENT = "on_event", _("Khi phát sinh")


class Operator(models.TextChoices):
    GE = ">=", "≥"
    GT = ">", ">"
    EQ = "=", "="
    LE = "<=", "≤"
    LT = "<", "<"


class Plan(models.Model):
    """A plan document of an agency: its header, period, indices covered and source file."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        IN_FORCE = "in_force", _("Đang thực hiện")
        CLOSED = "closed", _("Đã kết thúc")

    agency = models.ForeignKey("org.Agency", verbose_name=_("cơ quan"), on_delete=models.PROTECT,
                               related_name="plans")
    title = models.CharField(_("tên kế hoạch"), max_length=500)
    number = models.CharField(_("số, ký hiệu"), max_length=60, blank=True,
                              help_text=_("Ví dụ 114/KH-SVHTTDL; để trống khi văn bản chưa có số."))
    year = models.PositiveSmallIntegerField(_("năm"))
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    place = models.CharField(_("địa danh"), max_length=100, blank=True)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=200, blank=True)
    signer = models.CharField(_("người ký"), max_length=150, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=150, blank=True)
    period_start = models.DateField(_("thực hiện từ ngày"), null=True, blank=True)
    period_end = models.DateField(_("đến ngày"), null=True, blank=True)
    indices = models.JSONField(_("chỉ số"), default=list, blank=True)  # ["PAR_INDEX", "SIPAS", ...]
    parent = models.ForeignKey("self", verbose_name=_("thực hiện kế hoạch"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="children",
                               help_text=_("Kế hoạch cấp trên mà kế hoạch này triển khai."))
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    source_file = models.FileField(_("tệp văn bản gốc"), upload_to="plans/%Y/", blank=True)
    # SHA-256 of the imported document: importing the same file again asks before a second plan
    source_sha256 = models.CharField(_("mã băm tệp gốc"), max_length=64, blank=True, default="", editable=False,
                                     db_index=True)
    search_text = models.TextField(editable=False, default="")  # folded title + number, for search
    # Raised by every saved change (plans.actions): an edit form carries it, so a stale form is refused.
    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)

    class Meta:
        verbose_name = _("kế hoạch")
        verbose_name_plural = _("kế hoạch")
        ordering = ["-year", "agency__name", "-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "number"], condition=~models.Q(number=""),
                name="plan_number_unique_per_agency_year",
                violation_error_message=_("Cơ quan đã có kế hoạch mang số này trong năm."),
            ),
            models.CheckConstraint(
                condition=models.Q(period_start__isnull=True) | models.Q(period_end__isnull=True)
                | models.Q(period_start__lte=models.F("period_end")),
                name="plan_period_ordered",
                violation_error_message=_("Ngày bắt đầu phải trước ngày kết thúc."),
            ),
        ]
        indexes = [
            # The plan list filtered by agency and year.
            models.Index(fields=["agency", "year"], name="plan_agency_year_idx"),
            # The plan list filtered by year and status.
            models.Index(fields=["year", "status"], name="plan_year_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip() if self.number else self.title

    def index_labels(self) -> list[str]:
        labels = dict(IndexCode.choices)
        return [labels.get(code, code) for code in self.indices or []]


class PlanReference(models.Model):
    """A document the plan is based on or implements (Căn cứ / Thực hiện Kế hoạch số ...)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="references")
    number = models.CharField(_("số, ký hiệu"), max_length=80)
    date = models.DateField(_("ngày"), null=True, blank=True)
    summary = models.CharField(_("trích yếu"), max_length=400, blank=True)

    class Meta:
        verbose_name = _("văn bản căn cứ")
        verbose_name_plural = _("văn bản căn cứ")
        ordering = ["plan", "id"]

    def __str__(self) -> str:
        return self.number


class PlanTarget(models.Model):
    """A score target for one field of an index: last year's rank and score, the maximum, the goal."""

    plan = models.ForeignKey(Plan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="targets")
    index = models.CharField(_("chỉ số"), max_length=20, choices=IndexCode.choices)
    node = models.ForeignKey("frameworks.FrameworkNode", verbose_name=_("lĩnh vực"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    field_name = models.CharField(_("lĩnh vực (như in)"), max_length=300)
    scope = models.CharField(_("nhóm"), max_length=300, blank=True,
                             help_text=_("Ví dụ: tham mưu cho tỉnh / thuộc nhiệm vụ của Sở."))
    prev_rank = models.CharField(_("xếp hạng năm trước"), max_length=20, blank=True)
    prev_score = models.DecimalField(_("điểm năm trước"), max_digits=8, decimal_places=4, null=True, blank=True)
    max_score = models.DecimalField(_("điểm tối đa"), max_digits=8, decimal_places=4, null=True, blank=True)
    expected_increase = models.DecimalField(_("dự kiến tăng"), max_digits=8, decimal_places=4, null=True,
                                            blank=True)
    target_op = models.CharField(_("so sánh"), max_length=2, choices=Operator.choices, default=Operator.GE)
    target_score = models.DecimalField(_("mục tiêu"), max_digits=8, decimal_places=4, null=True, blank=True)
    order = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("mục tiêu điểm")
        verbose_name_plural = _("mục tiêu điểm")
        ordering = ["plan", "order", "id"]

    def __str__(self) -> str:
        return f"{self.field_name} {self.target_op} {self.target_score}"


class Task(models.Model):
    """One assignable piece of work of a plan: what, who leads, who supports, by when, what proves it."""

    plan = models.ForeignKey(Plan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="tasks")
    index = models.CharField(_("chỉ số"), max_length=20, choices=IndexCode.choices, blank=True)
    node = models.ForeignKey("frameworks.FrameworkNode", verbose_name=_("lĩnh vực / tiêu chí"), null=True,
                             blank=True, on_delete=models.SET_NULL, related_name="tasks")
    node_confidence = models.FloatField(_("độ tin cậy khi gắn tiêu chí"), null=True, blank=True)
    field_name = models.CharField(_("lĩnh vực (như in)"), max_length=300, blank=True)
    criterion = models.CharField(_("tiêu chí (như in)"), max_length=500, blank=True)
    ref = models.CharField(_("số thứ tự"), max_length=20, blank=True)
    title = models.TextField(_("nhiệm vụ"))
    activity = models.TextField(_("hoạt động"), blank=True)
    output = models.TextField(_("kết quả / sản phẩm"), blank=True)
    lead_units = models.ManyToManyField("org.Unit", verbose_name=_("đơn vị chủ trì"), blank=True,
                                        related_name="led_tasks")
    support_units = models.ManyToManyField("org.Unit", verbose_name=_("đơn vị phối hợp"), blank=True,
                                           related_name="supported_tasks")
    lead_text = models.CharField(_("chủ trì (như in)"), max_length=500, blank=True)
    support_text = models.CharField(_("phối hợp (như in)"), max_length=1000, blank=True)
    timeframe = models.CharField(_("thời gian (như in)"), max_length=300, blank=True)
    due = models.DateField(_("hạn hoàn thành"), null=True, blank=True)
    recurrence = models.CharField(_("tần suất"), max_length=12, choices=Recurrence.choices,
                                  default=Recurrence.ONCE)
    budget_million_vnd = models.DecimalField(_("kinh phí (triệu đồng)"), max_digits=14, decimal_places=3,
                                             null=True, blank=True, validators=[MinValueValidator(0)])
    measure_op = models.CharField(_("so sánh"), max_length=2, choices=Operator.choices, blank=True)
    measure_value = models.DecimalField(_("chỉ tiêu"), max_digits=12, decimal_places=3, null=True, blank=True)
    measure_unit = models.CharField(_("đơn vị tính"), max_length=40, blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)
    order = models.PositiveIntegerField(_("thứ tự"), default=0)
    # Raised by every saved change (plans.actions): an edit form carries it, so a stale form is refused.
    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        ordering = ["plan", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(budget_million_vnd__isnull=True)
                                   | models.Q(budget_million_vnd__gte=0),
                                   name="task_budget_not_negative",
                                   violation_error_message=_("Kinh phí không được âm.")),
        ]
        indexes = [
            # Tasks of a plan in printed order (plan detail).
            models.Index(fields=["plan", "order"], name="task_plan_order_idx"),
            # Upcoming and overdue deadlines.
            models.Index(fields=["due"], name="task_due_idx"),
            # The province roll-up and dashboards: counts per plan, index and field and the overdue tasks by
            # due date read this index alone (covering), never the wide task rows (issue 14).
            models.Index(fields=["plan", "due", "index", "field_name"], name="task_plan_due_cover_idx"),
        ]

    def __str__(self) -> str:
        text = self.title if len(self.title) <= 80 else self.title[:77] + "…"
        return f"{self.ref} {text}".strip()

    def linked_units(self, name: str) -> list:
        """`lead_units` or `support_units` as a list loaded ahead (the `leads` / `supports` attributes that
        queries.plan_tasks sets, or prefetch_related's cache) without building a related manager and a
        queryset per access (that was a tenth of a plan page's CPU); from the database when not loaded."""
        loaded = self.__dict__.get("leads" if name == "lead_units" else "supports")
        if loaded is not None:
            return list(loaded)
        cached = getattr(self, "_prefetched_objects_cache", {}).get(name)
        return list(cached) if cached is not None else list(getattr(self, name).all())

    @property
    def measure_display(self) -> str:
        if self.measure_value is None:
            return ""
        label = dict(Operator.choices).get(self.measure_op, self.measure_op)
        value = format_vn_decimal(self.measure_value)
        unit = self.measure_unit.strip()
        joiner = "" if unit in {"%", ""} else " "  # "≥ 98%" but "≥ 3 thủ tục"
        return f"{label} {value}{joiner}{unit}".strip()


class TaskState(models.Model):
    """What the confirmed updates of a task say, kept beside the task so lists need no extra query; written
    only by tracking's actions. The status itself also depends on today's date: plans.status derives it."""

    task = models.OneToOneField(Task, verbose_name=_("nhiệm vụ"), on_delete=models.CASCADE,
                                related_name="tracking", primary_key=True)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    reported = models.CharField(_("trạng thái đã xác nhận"), max_length=12, choices=Proposed.choices,
                                blank=True)
    done_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    fail_reason = models.TextField(_("lý do không thực hiện được"), blank=True)
    has_updates = models.BooleanField(_("đã có báo cáo"), default=False)
    pending = models.PositiveIntegerField(_("báo cáo chờ xác nhận"), default=0)
    last_update_at = models.DateTimeField(_("báo cáo gần nhất"), null=True, blank=True)

    class Meta:
        verbose_name = _("tình trạng nhiệm vụ")
        verbose_name_plural = _("tình trạng nhiệm vụ")
        db_table = "tracking_taskstate"  # made by tracking; moved beside the task with the status rule

    def __str__(self) -> str:
        return f"{self.task_id}: {self.reported or '-'} {self.progress}%"


class ReportingObligation(models.Model):
    """Who reports to whom, how often and by when, as the plan says."""

    plan = models.ForeignKey(Plan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE,
                             related_name="reporting")
    from_party = models.CharField(_("đơn vị báo cáo"), max_length=200)
    to_party = models.CharField(_("nơi nhận báo cáo"), max_length=200)
    frequency = models.CharField(_("tần suất"), max_length=12, choices=Recurrence.choices,
                                 default=Recurrence.ONCE)
    due = models.DateField(_("hạn"), null=True, blank=True)
    due_text = models.CharField(_("thời hạn (như in)"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("chế độ báo cáo")
        verbose_name_plural = _("chế độ báo cáo")
        ordering = ["plan", "due", "id"]

    def __str__(self) -> str:
        return f"{self.from_party} → {self.to_party}: {self.due_text or self.get_frequency_display()}"




class ImportSession(models.Model):
    """An uploaded plan document under review: the parsed rows, edited by one person before they
    become a draft plan (or a new version of one) on confirmation."""

    agency = models.ForeignKey("org.Agency", verbose_name=_("cơ quan"), on_delete=models.CASCADE,
                               related_name="import_sessions")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người nhập"),
                                   on_delete=models.CASCADE, related_name="import_sessions")
    source_file = models.FileField(_("tệp văn bản"), upload_to="imports/%Y/")
    filename = models.CharField(_("tên tệp"), max_length=255)
    result = models.JSONField(_("kết quả đọc văn bản"), default=dict)  # the plan-import contract object
    rows = models.JSONField(_("các dòng nhiệm vụ"), default=list)  # tasks under review, each with an "_id"
    plan = models.ForeignKey(Plan, verbose_name=_("kế hoạch"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", help_text=_("Kế hoạch được tạo hoặc cập nhật khi xác nhận."))
    confirmed_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)

    class Meta:
        verbose_name = _("phiên nhập kế hoạch")
        verbose_name_plural = _("phiên nhập kế hoạch")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.agency})"

    @property
    def next_row_id(self) -> int:
        return max((r.get("_id", 0) for r in self.rows), default=0) + 1
