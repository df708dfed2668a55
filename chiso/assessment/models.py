"""Assessment rounds (đợt đánh giá) of a PAR INDEX catalog: each agency's self-assessment per sub-criterion,
its evidence, the coordinator's review, the agency's explanation and the final points."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chiso.files.models import StoredFile


class Round(models.Model):
    """One round of one framework version for a province's agencies, with its deadlines."""

    province = models.ForeignKey("org.Province", verbose_name=_("tỉnh"), on_delete=models.CASCADE,
                                 related_name="assessment_rounds")
    framework = models.ForeignKey("frameworks.Framework", verbose_name=_("bộ chỉ số"), on_delete=models.PROTECT,
                                  related_name="assessment_rounds")
    year = models.PositiveSmallIntegerField(_("năm đánh giá"))
    name = models.CharField(_("tên đợt"), max_length=300)
    self_due = models.DateField(_("hạn tự đánh giá"))
    review_due = models.DateField(_("hạn thẩm định"))
    explain_due = models.DateField(_("hạn giải trình"))
    final_due = models.DateField(_("hạn công bố kết quả"))
    survey_max = models.DecimalField(_("điểm tối đa điều tra xã hội học"), max_digits=7, decimal_places=3,
                                     null=True, blank=True)
    published_at = models.DateTimeField(_("công bố lúc"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người mở đợt"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)

    class Meta:
        verbose_name = _("đợt đánh giá")
        verbose_name_plural = _("đợt đánh giá")
        ordering = ["-year", "province"]
        constraints = [
            models.UniqueConstraint(fields=["province", "framework"], name="round_framework_unique",
                                    violation_error_message=_("Tỉnh đã có đợt đánh giá cho bộ chỉ số này.")),
            models.CheckConstraint(
                condition=models.Q(self_due__lte=models.F("review_due"))
                & models.Q(review_due__lte=models.F("explain_due"))
                & models.Q(explain_due__lte=models.F("final_due")),
                name="round_deadlines_ordered",
                violation_error_message=_("Các hạn phải theo thứ tự: tự đánh giá, thẩm định, giải trình, "
                                          "công bố.")),
        ]

    def __str__(self) -> str:
        return self.name


class Submission(models.Model):
    """One agency's self-assessment in a round and where it stands in the loop."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Đang kê khai")
        AWAITING = "awaiting", _("Chờ lãnh đạo duyệt")
        SUBMITTED = "submitted", _("Đã gửi, chờ thẩm định")
        REVIEWED = "reviewed", _("Đã thẩm định, chờ giải trình")
        FINAL = "final", _("Đã có kết quả cuối cùng")

    round = models.ForeignKey(Round, verbose_name=_("đợt đánh giá"), on_delete=models.CASCADE,
                              related_name="submissions")
    agency = models.ForeignKey("org.Agency", verbose_name=_("cơ quan"), on_delete=models.CASCADE,
                               related_name="assessment_submissions")
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices, default=State.DRAFT)
    survey_score = models.DecimalField(_("điểm điều tra xã hội học"), max_digits=7, decimal_places=3, null=True,
                                       blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người gửi"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("lãnh đạo duyệt"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("thẩm định xong lúc"), null=True, blank=True)
    finalized_at = models.DateTimeField(_("chốt kết quả lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("hồ sơ tự đánh giá")
        verbose_name_plural = _("hồ sơ tự đánh giá")
        ordering = ["round", "agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "agency"], name="submission_unique_in_round",
                                    violation_error_message=_("Cơ quan đã có hồ sơ trong đợt này.")),
        ]

    def __str__(self) -> str:
        return f"{self.agency} — {self.round}"


class Score(models.Model):
    """One sub-criterion of one agency: declared value, self-score, explanation; the review and the answer."""

    class Review(models.TextChoices):
        PENDING = "pending", _("Chưa thẩm định")
        ACCEPTED = "accepted", _("Đồng ý")
        ADJUSTED = "adjusted", _("Điều chỉnh")

    submission = models.ForeignKey(Submission, verbose_name=_("hồ sơ"), on_delete=models.CASCADE,
                                   related_name="scores")
    node = models.ForeignKey("frameworks.FrameworkNode", verbose_name=_("tiêu chí thành phần"),
                             on_delete=models.PROTECT, related_name="assessment_scores")
    declared_yes = models.BooleanField(_("kê khai có/không"), null=True, blank=True)
    declared_rate = models.DecimalField(_("tỷ lệ kê khai (%)"), max_digits=6, decimal_places=2, null=True,
                                        blank=True)
    declared_count = models.PositiveIntegerField(_("số lượng kê khai"), null=True, blank=True)
    self_score = models.DecimalField(_("điểm tự chấm"), max_digits=7, decimal_places=3, null=True, blank=True)
    explanation = models.TextField(_("giải trình khi không có tài liệu"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người kê khai"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("cập nhật"), null=True, blank=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=0)
    review = models.CharField(_("thẩm định"), max_length=10, choices=Review.choices, default=Review.PENDING)
    reviewed_score = models.DecimalField(_("điểm thẩm định"), max_digits=7, decimal_places=3, null=True,
                                         blank=True)
    review_reason = models.TextField(_("lý do điều chỉnh"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người thẩm định"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(_("thẩm định lúc"), null=True, blank=True)
    answer = models.TextField(_("giải trình của cơ quan"), blank=True)
    answered_at = models.DateTimeField(_("giải trình lúc"), null=True, blank=True)
    final_score = models.DecimalField(_("điểm cuối cùng"), max_digits=7, decimal_places=3, null=True, blank=True)

    class Meta:
        verbose_name = _("điểm tiêu chí")
        verbose_name_plural = _("điểm tiêu chí")
        ordering = ["submission", "node__order", "node__code"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "node"], name="score_unique_node",
                                    violation_error_message=_("Tiêu chí đã có trong hồ sơ.")),
            models.CheckConstraint(condition=models.Q(self_score__isnull=True) | models.Q(self_score__gte=0),
                                   name="score_self_not_negative",
                                   violation_error_message=_("Điểm tự chấm không được âm.")),
            models.CheckConstraint(condition=models.Q(declared_rate__isnull=True)
                                   | (models.Q(declared_rate__gte=0) & models.Q(declared_rate__lte=100)),
                                   name="score_rate_0_100",
                                   violation_error_message=_("Tỷ lệ phải từ 0 đến 100%.")),
        ]

    def __str__(self) -> str:
        return f"{self.submission.agency_id} {self.node}"

    @property
    def reviewed_value(self):
        """The score after review: the reviewer's when adjusted, else the agency's own."""
        return self.reviewed_score if self.review == self.Review.ADJUSTED else self.self_score


class ScoreEvidence(StoredFile):
    """Proof for a sub-criterion: evidence picked from the agency's task updates (tracking's file, not copied),
    or a document uploaded or referenced here (số, ngày, trích yếu, file)."""

    class Stage(models.TextChoices):
        SELF = "self", _("Tự đánh giá")
        ANSWER = "answer", _("Giải trình")

    score = models.ForeignKey(Score, verbose_name=_("tiêu chí"), on_delete=models.CASCADE,
                              related_name="evidence")
    source = models.ForeignKey("tracking.Evidence", verbose_name=_("tài liệu của nhiệm vụ"), null=True,
                               blank=True, on_delete=models.CASCADE, related_name="assessment_uses")
    doc_number = models.CharField(_("số, ký hiệu"), max_length=80, blank=True)
    doc_date = models.DateField(_("ngày văn bản"), null=True, blank=True)
    doc_summary = models.CharField(_("trích yếu"), max_length=500, blank=True)
    stage = models.CharField(_("giai đoạn"), max_length=10, choices=Stage.choices, default=Stage.SELF)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người thêm"), null=True,
                                 on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(_("thêm lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("tài liệu kiểm chứng của tiêu chí")
        verbose_name_plural = _("tài liệu kiểm chứng của tiêu chí")
        ordering = ["score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["score", "source"], name="score_evidence_source_once",
                                    violation_error_message=_("Tài liệu này đã được gắn vào tiêu chí.")),
            models.CheckConstraint(condition=models.Q(source__isnull=False) | ~models.Q(file="")
                                   | ~models.Q(doc_number="") | ~models.Q(doc_summary=""),
                                   name="score_evidence_not_empty",
                                   violation_error_message=_("Tài liệu cần tệp, số hiệu hoặc trích yếu.")),
        ]

    def __str__(self) -> str:
        return self.doc_summary or self.original_name or self.doc_number or str(self.source or "")

    @property
    def file_name(self) -> str:
        """The name of the file that proves it (the task evidence's when picked), "" for a reference only."""
        if self.source_id:
            return self.source.original_name if self.source.file else ""
        return self.original_name if self.file else ""
