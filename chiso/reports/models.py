"""Periodic reports: the unit reports submitted to the office and the agency reports compiled from them,
each version kept. The reporting calendar they follow (rules, ad hoc periods) lives in chiso.periods."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chiso.files.models import StoredFile


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
    """The agency's report for a period: compiled from unit reports and task data, then signed off
    (issue 10): draft → submitted to the leader → approved (or returned to draft with a comment) → number
    issued → the signed scan attached → sent. Only a sent report counts as sent, on time or late. A numbered
    report never changes; a correction or a withdrawal makes a new version and both are kept."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        SUBMITTED = "submitted", _("Chờ lãnh đạo duyệt")
        APPROVED = "approved", _("Lãnh đạo đã duyệt")
        ISSUED = "issued", _("Đã cấp số, chờ bản ký")
        SIGNED = "signed", _("Đã có bản ký, chờ gửi")
        SENT = "sent", _("Đã gửi")
        SUPERSEDED = "superseded", _("Đã thay bằng bản đính chính")
        WITHDRAWN = "withdrawn", _("Đã rút")

    UNNUMBERED = ("draft", "submitted", "approved")  # states before the number is issued

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
    # The sign-off (issue 10): who did each step and when; every step is also in the audit log.
    submitted_at = models.DateTimeField(_("trình lúc"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người trình"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người duyệt"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    leader_comment = models.TextField(_("ý kiến của lãnh đạo"), blank=True)
    sent_on = models.DateField(_("ngày gửi"), null=True, blank=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người gửi"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    withdrawn_reason = models.TextField(_("lý do rút"), blank=True)
    withdrawn_at = models.DateTimeField(_("rút lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("báo cáo của cơ quan")
        verbose_name_plural = _("báo cáo của cơ quan")
        ordering = ["agency", "-period_code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "period_code", "version"],
                                    name="agency_report_version_unique",
                                    violation_error_message=_("Cơ quan đã có báo cáo lần này cho kỳ này.")),
            models.CheckConstraint(condition=models.Q(state__in=["draft", "submitted", "approved"])
                                   | models.Q(number__isnull=False),
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
        """On time or late once sent; None before (a numbered report still waiting to be sent is not sent)."""
        if not self.sent_on:
            return None
        return self.sent_on <= self.due

    @property
    def is_numbered(self) -> bool:
        return self.state not in self.UNNUMBERED


class SignedCopy(StoredFile):
    """The scan (PDF) of the report as signed and stamped: what was actually sent."""

    report = models.OneToOneField(AgencyReport, verbose_name=_("báo cáo"), on_delete=models.CASCADE,
                                  related_name="signed_copy")
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người tải lên"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("bản ký của báo cáo")
        verbose_name_plural = _("bản ký của báo cáo")

    def __str__(self) -> str:
        return self.original_name or self.file.name
