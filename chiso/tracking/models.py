"""Tracking a task to done: check-in periods, progress updates with evidence, review, comments, reminder
policy and reminders. (Holidays live in chiso.periods, notifications in chiso.notifications.)"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from chiso.files.models import StoredFile
from chiso.lib.numbers import id_or_none
from chiso.plans.status import Proposed


class Period(models.Model):
    """One check-in period of a task (a month, quarter, half-year, year, the whole plan, or an event)."""

    task = models.ForeignKey("plans.Task", verbose_name=_("nhiệm vụ"), on_delete=models.CASCADE,
                             related_name="periods")
    label = models.CharField(_("kỳ"), max_length=80)
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"))
    due = models.DateField(_("hạn báo cáo"))
    by_hand = models.BooleanField(_("mở thủ công (khi phát sinh)"), default=False)
    closed_at = models.DateTimeField(_("khóa lúc"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người khóa"), null=True,
                                  blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("kỳ báo cáo")
        verbose_name_plural = _("kỳ báo cáo")
        ordering = ["task", "start"]
        constraints = [
            models.UniqueConstraint(fields=["task", "start", "label"], name="period_unique_in_task",
                                    violation_error_message=_("Nhiệm vụ đã có kỳ này.")),
            models.CheckConstraint(condition=models.Q(start__lte=models.F("end")), name="period_ordered",
                                   violation_error_message=_("Ngày bắt đầu kỳ phải trước ngày kết thúc.")),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class ProgressUpdate(models.Model):
    """A report on a task for one period: what was done, how far, proposed status, proof.

    Updates are never edited in place: a correction is a new revision that supersedes the old one."""

    class Kind(models.TextChoices):
        UPDATE = "update", _("Báo cáo của đơn vị chủ trì")
        CONTRIBUTION = "contribution", _("Đóng góp của đơn vị phối hợp")

    class Review(models.TextChoices):
        SUBMITTED = "submitted", _("Chờ xác nhận")
        CONFIRMED = "confirmed", _("Đã xác nhận")
        RETURNED = "returned", _("Trả lại")
        SUPERSEDED = "superseded", _("Đã thay bằng bản sửa")

    task = models.ForeignKey("plans.Task", verbose_name=_("nhiệm vụ"), on_delete=models.CASCADE,
                             related_name="updates")
    period = models.ForeignKey(Period, verbose_name=_("kỳ"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="updates")
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices, default=Kind.UPDATE)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người báo cáo"), null=True,
                               on_delete=models.SET_NULL, related_name="+")
    unit = models.ForeignKey("org.Unit", verbose_name=_("đơn vị"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    narrative = models.TextField(_("kết quả thực hiện"))
    percent = models.PositiveSmallIntegerField(_("tiến độ (%)"),
                                               validators=[MinValueValidator(0), MaxValueValidator(100)])
    proposed_status = models.CharField(_("đề xuất trạng thái"), max_length=12, choices=Proposed.choices,
                                       default=Proposed.IN_PROGRESS)
    done_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    cause = models.TextField(_("nguyên nhân"), blank=True)
    remedy = models.TextField(_("giải pháp khắc phục"), blank=True)
    review = models.CharField(_("xác nhận"), max_length=12, choices=Review.choices, default=Review.SUBMITTED)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người xác nhận"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)
    review_comment = models.TextField(_("ý kiến của Văn phòng"), blank=True)
    revision = models.PositiveSmallIntegerField(_("lần sửa"), default=1)
    supersedes = models.ForeignKey("self", verbose_name=_("sửa cho bản"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="revisions")
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True)

    class Meta:
        verbose_name = _("báo cáo tiến độ")
        verbose_name_plural = _("báo cáo tiến độ")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(percent__gte=0) & models.Q(percent__lte=100),
                                   name="update_percent_0_100",
                                   violation_error_message=_("Tiến độ phải từ 0 đến 100%.")),
            models.CheckConstraint(condition=~models.Q(proposed_status="done") | models.Q(done_on__isnull=False),
                                   name="update_done_has_date",
                                   violation_error_message=_("Báo cáo hoàn thành phải có ngày hoàn thành.")),
        ]
        indexes = [
            # The task panel: updates of one task, newest first.
            models.Index(fields=["task", "-created_at"], name="update_task_idx"),
            # The office's queue of updates waiting for confirmation.
            models.Index(fields=["review", "task"], name="update_review_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.percent}% — {self.get_proposed_status_display()}"


class Evidence(StoredFile):
    """Proof attached to an update (tài liệu kiểm chứng): an uploaded file (chiso.files) and/or a document
    reference."""

    update = models.ForeignKey(ProgressUpdate, verbose_name=_("báo cáo"), on_delete=models.CASCADE,
                               related_name="evidence")
    doc_number = models.CharField(_("số, ký hiệu"), max_length=80, blank=True)
    doc_date = models.DateField(_("ngày văn bản"), null=True, blank=True)
    doc_summary = models.CharField(_("trích yếu"), max_length=500, blank=True)
    link = models.URLField(_("liên kết"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("tài liệu kiểm chứng")
        verbose_name_plural = _("tài liệu kiểm chứng")
        ordering = ["update", "id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(file="") | ~models.Q(doc_number="") | ~models.Q(link=""),
                                   name="evidence_not_empty",
                                   violation_error_message=_("Tài liệu kiểm chứng cần tệp, số hiệu hoặc liên kết.")),
        ]

    def __str__(self) -> str:
        return self.original_name or self.doc_number or self.link


class Comment(models.Model):
    """An opinion of the leader or the office on a task or one of its updates."""

    task = models.ForeignKey("plans.Task", verbose_name=_("nhiệm vụ"), on_delete=models.CASCADE,
                             related_name="tracking_comments")
    update = models.ForeignKey(ProgressUpdate, verbose_name=_("báo cáo"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người cho ý kiến"), null=True,
                               on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("ý kiến"))
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True)

    class Meta:
        verbose_name = _("ý kiến chỉ đạo")
        verbose_name_plural = _("ý kiến chỉ đạo")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class ReminderPolicy(models.Model):
    """How an agency wants to be reminded; agencies without one use the defaults."""

    agency = models.OneToOneField("org.Agency", verbose_name=_("cơ quan"), on_delete=models.CASCADE,
                                  related_name="reminder_policy")
    days_before = models.CharField(_("nhắc trước hạn (ngày làm việc)"), max_length=40, default="7,3,1",
                                   help_text=_("Các mốc cách nhau bằng dấu phẩy, ví dụ 7,3,1."))
    overdue_every = models.PositiveSmallIntegerField(_("nhắc lại khi quá hạn, mỗi (ngày)"), default=3,
                                                     validators=[MinValueValidator(1)])
    escalate_head_after = models.PositiveSmallIntegerField(
        _("báo trưởng đơn vị khi quá hạn (ngày làm việc)"), default=3, validators=[MinValueValidator(1)])
    escalate_leader_after = models.PositiveSmallIntegerField(
        _("báo lãnh đạo cơ quan khi quá hạn (ngày làm việc)"), default=7, validators=[MinValueValidator(1)])
    period_lead_days = models.PositiveSmallIntegerField(
        _("nhắc báo cáo kỳ trước hạn (ngày làm việc)"), default=3, validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("cấu hình nhắc việc")
        verbose_name_plural = _("cấu hình nhắc việc")

    def __str__(self) -> str:
        return str(self.agency)

    def thresholds(self) -> list[int]:
        return parse_thresholds(self.days_before)

    def clean(self):
        from django.core.exceptions import ValidationError

        try:
            parse_thresholds(self.days_before, strict=True)
        except ValueError as exc:
            raise ValidationError({"days_before": _("Các mốc phải là số nguyên dương, cách nhau bằng dấu phẩy.")}
                                  ) from exc


def parse_thresholds(text: str, strict: bool = False) -> list[int]:
    values = []
    for part in (text or "").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if id_or_none(part) is None or int(part) < 1:
            if strict:
                raise ValueError(part)
            continue
        values.append(int(part))
    return sorted(set(values), reverse=True)


class Reminder(models.Model):
    """One reminder (task, kind, person, day). Inserted before anything is delivered: the unique
    constraint is the claim, so however many `chiso remind` run, each is delivered once."""

    task = models.ForeignKey("plans.Task", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("loại"), max_length=20)  # before_7, due, overdue, escalate_head, period ...
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("ngày"))  # the day the reminder is scheduled for
    text = models.CharField(_("nội dung"), max_length=500)
    claim_token = models.CharField(max_length=32)
    claimed_at = models.DateTimeField()
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lượt nhắc việc")
        verbose_name_plural = _("lượt nhắc việc")
        constraints = [
            models.UniqueConstraint(fields=["task", "kind", "person", "day"], name="reminder_once",
                                    violation_error_message=_("Lượt nhắc này đã có.")),
        ]
        indexes = [
            # The run's own claims, and claims left undelivered by a dead process.
            models.Index(fields=["claim_token", "notified_at"], name="reminder_claim_idx"),
            models.Index(fields=["notified_at", "claimed_at"], name="reminder_unsent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.task_id} {self.person_id} {self.day}"
