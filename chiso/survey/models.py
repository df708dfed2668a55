"""The SIPAS satisfaction survey: questionnaires as versioned data, service counters, responses.

A questionnaire is never changed once people have answered it: an administrator edits a draft, activates
it (the previous active one of the same scope retires), and a later change is a new version. Each answer
keeps whether it counted as "satisfied" under its own version's rule, so the index of past months does not
move when a later version changes the scale.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Questionnaire(models.Model):
    """One version of the questionnaire, for one agency or (agency empty) for every agency without its own."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Bản nháp")
        ACTIVE = "active", _("Đang dùng")
        RETIRED = "retired", _("Đã thay thế")

    agency = models.ForeignKey("org.Agency", verbose_name=_("cơ quan"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="+",
                               help_text=_("Để trống: dùng chung cho mọi cơ quan chưa có phiếu riêng."))
    name = models.CharField(_("tên phiếu"), max_length=200)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    intro = models.TextField(_("lời mở đầu"), blank=True)
    thanks = models.TextField(_("lời cảm ơn"), blank=True)
    # The answer scale, lowest first: level i (1-based) is scale[i-1]. Editable: the official scale is unverified.
    scale = models.JSONField(_("thang trả lời"), default=list)
    # Levels counted as satisfied (per question: satisfied ÷ valid answers).
    satisfied_levels = models.JSONField(_("mức được tính là hài lòng"), default=list)
    target = models.DecimalField(_("mục tiêu (%)"), max_digits=5, decimal_places=2, default=90)
    ask_procedure = models.BooleanField(_("hỏi thủ tục đã giải quyết"), default=True)
    ask_channel = models.BooleanField(_("hỏi cách nộp hồ sơ"), default=True)
    ask_age_group = models.BooleanField(_("hỏi nhóm tuổi"), default=True)
    ask_comment = models.BooleanField(_("cho góp ý tự do"), default=True)
    channels = models.JSONField(_("các cách nộp hồ sơ"), default=list, blank=True)
    age_groups = models.JSONField(_("các nhóm tuổi"), default=list, blank=True)
    comment_max = models.PositiveIntegerField(_("số ký tự góp ý tối đa"), default=1000)
    revision = models.PositiveIntegerField(default=1, editable=False)  # stale edit forms are refused
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    activated_at = models.DateTimeField(_("ngày áp dụng"), null=True, blank=True)

    class Meta:
        verbose_name = _("phiếu khảo sát")
        verbose_name_plural = _("phiếu khảo sát")
        ordering = ["-version"]
        indexes = [models.Index(fields=["agency", "status"], name="survey_q_scope")]  # the active one of a scope

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    @property
    def levels(self) -> list[tuple[int, str]]:
        return list(enumerate(self.scale, start=1))


class Aspect(models.Model):
    """A SIPAS aspect (yếu tố): the index of the aspect is the mean of its questions."""

    questionnaire = models.ForeignKey(Questionnaire, verbose_name=_("phiếu"), on_delete=models.CASCADE,
                                      related_name="aspects")
    code = models.CharField(_("mã"), max_length=10)
    name = models.CharField(_("tên yếu tố"), max_length=200)
    weight = models.DecimalField(_("trọng số"), max_digits=6, decimal_places=3, default=1)
    order = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("yếu tố")
        verbose_name_plural = _("yếu tố")
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["questionnaire", "code"], name="survey_aspect_code",
                                               violation_error_message=_("Mã yếu tố đã có trong phiếu."))]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class Question(models.Model):
    """A statement people rate on the questionnaire's scale."""

    questionnaire = models.ForeignKey(Questionnaire, verbose_name=_("phiếu"), on_delete=models.CASCADE,
                                      related_name="questions")
    aspect = models.ForeignKey(Aspect, verbose_name=_("yếu tố"), on_delete=models.CASCADE, related_name="questions")
    code = models.CharField(_("mã"), max_length=12)
    text = models.CharField(_("nội dung"), max_length=500)
    required = models.BooleanField(_("bắt buộc"), default=True)
    order = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("câu hỏi")
        verbose_name_plural = _("câu hỏi")
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["questionnaire", "code"], name="survey_question_code",
                                               violation_error_message=_("Mã câu hỏi đã có trong phiếu."))]

    def __str__(self) -> str:
        return f"{self.code}. {self.text}"


class Counter(models.Model):
    """A service counter (quầy) of an agency's one-stop shop: each has its own QR code and survey link."""

    agency = models.ForeignKey("org.Agency", verbose_name=_("cơ quan"), on_delete=models.CASCADE,
                               related_name="+")
    name = models.CharField(_("tên quầy"), max_length=120)
    slug = models.SlugField(_("mã trong đường dẫn"), max_length=60)
    is_active = models.BooleanField(_("đang dùng"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)  # stale edit forms are refused

    class Meta:
        verbose_name = _("quầy tiếp nhận")
        verbose_name_plural = _("quầy tiếp nhận")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["agency", "slug"], name="survey_counter_slug",
                                               violation_error_message=_("Cơ quan đã có quầy mang mã này."))]

    def __str__(self) -> str:
        return self.name


class Channel(models.TextChoices):
    QR = "qr", _("Quét mã QR")
    KIOSK = "kiosk", _("Máy tính bảng tại quầy")
    PAPER = "paper", _("Phiếu giấy")
    IMPORT = "import", _("Nhập từ tệp")


class Response(models.Model):
    """One person's answers. Nothing personal is kept: no name, no address; the device key is a salted hash
    that changes with the day and the counter."""

    questionnaire = models.ForeignKey(Questionnaire, verbose_name=_("phiếu"), on_delete=models.PROTECT,
                                      related_name="responses")
    # no index of its own: survey_resp_month (agency, month) serves every lookup by agency
    agency = models.ForeignKey("org.Agency", verbose_name=_("cơ quan"), on_delete=models.CASCADE,
                               related_name="+", db_index=False)
    counter = models.ForeignKey(Counter, verbose_name=_("quầy"), null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="responses")
    channel = models.CharField(_("kênh"), max_length=10, choices=Channel.choices, default=Channel.QR)
    submitted_at = models.DateTimeField(_("thời điểm gửi"))
    day = models.DateField(_("ngày"))
    month = models.PositiveIntegerField(editable=False)  # year * 12 + month - 1: the index groups by it
    procedure = models.CharField(_("thủ tục hành chính"), max_length=200, blank=True)
    applied_via = models.CharField(_("cách nộp hồ sơ"), max_length=60, blank=True)
    age_group = models.CharField(_("nhóm tuổi"), max_length=40, blank=True)
    comment = models.TextField(_("góp ý"), blank=True)
    receipt_code = models.CharField(_("mã hồ sơ"), max_length=60, null=True, blank=True)
    device_hash = models.CharField(max_length=64, null=True, blank=True, editable=False)
    nonce = models.CharField(max_length=64, null=True, blank=True, editable=False)  # one form, one answer
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người nhập"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("phiếu trả lời")
        verbose_name_plural = _("phiếu trả lời")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "receipt_code"], name="survey_one_per_dossier",
                                    condition=models.Q(receipt_code__isnull=False),
                                    violation_error_message=_("Hồ sơ này đã được đánh giá.")),
            # the hash covers the counter (or none), so one device answers once a day per counter
            models.UniqueConstraint(fields=["agency", "day", "device_hash"], name="survey_one_per_device_day",
                                    condition=models.Q(device_hash__isnull=False),
                                    violation_error_message=_("Thiết bị này đã đánh giá quầy hôm nay.")),
            models.UniqueConstraint(fields=["nonce"], name="survey_one_per_form",
                                    condition=models.Q(nonce__isnull=False),
                                    violation_error_message=_("Phiếu này đã được gửi.")),
        ]
        indexes = [
            models.Index(fields=["agency", "month"], name="survey_resp_month"),  # comments and counts by month
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.submitted_at:%d/%m/%Y %H:%M}"


class Answer(models.Model):
    """One rating. Agency, counter, aspect and month are copied from the response and the question so that
    the index is one grouped scan of this table.

    Only the response is a foreign key in the database. The copies (question, aspect, agency, counter) are
    written by actions.do_submit from the response's own values and the questionnaire in use, in the same
    transaction as the response, whose keys the database does check; the ORM still applies their on_delete
    rules. Checking them again cost PostgreSQL 52 lookups per answer sheet, each taking a share lock on the
    same hot rows (agency, counter, questions) that every concurrent answer locks too."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+", db_constraint=False)
    aspect = models.ForeignKey(Aspect, on_delete=models.PROTECT, related_name="+", db_constraint=False)
    # no index of its own: survey_ans_cover starts with the agency
    agency = models.ForeignKey("org.Agency", on_delete=models.CASCADE, related_name="+", db_constraint=False,
                               db_index=False)
    counter = models.ForeignKey(Counter, null=True, on_delete=models.SET_NULL, related_name="+",
                                db_constraint=False)
    month = models.PositiveIntegerField()
    procedure_key = models.BigIntegerField(default=0)  # procedure_key(response.procedure): grouped without a join
    value = models.PositiveSmallIntegerField(_("mức"))
    satisfied = models.BooleanField(_("hài lòng"))

    class Meta:
        verbose_name = _("câu trả lời")
        verbose_name_plural = _("câu trả lời")
        indexes = [
            # the index of an agency over a span of months, grouped by question and by counter or procedure:
            # covering, so no grouping reads the table
            models.Index(fields=["agency", "month", "question", "satisfied", "counter", "procedure_key"],
                         name="survey_ans_cover"),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}={self.value}"


def procedure_key(name: str) -> int:
    """A 56-bit key of the folded procedure name (0 for none): answers group by it instead of joining."""
    import hashlib

    from chiso.lib.text import fold

    folded = " ".join(fold(name or "").split())
    return int.from_bytes(hashlib.sha1(folded.encode()).digest()[:7], "big") if folded else 0  # noqa: S324


class RateBucket(models.Model):
    """Submissions from one address in one 10-minute window. The key is an HMAC of the address with a salt
    that changes every day: the address itself is never stored. Old windows are deleted as new ones come."""

    key = models.CharField(max_length=64)
    window = models.PositiveIntegerField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window"], name="survey_rate_bucket")]

    def __str__(self) -> str:
        return f"{self.window}: {self.hits}"


class SurveyTarget(models.Model):
    """The office's decision on a plan task whose target the satisfaction index measures: confirmed (the
    task shows the measured value, met or not met) or refused (the wording matched by chance)."""

    task = models.OneToOneField("plans.Task", verbose_name=_("nhiệm vụ"), on_delete=models.CASCADE,
                                related_name="survey_target")
    confirmed = models.BooleanField(_("đã xác nhận"))
    op = models.CharField(_("so sánh"), max_length=2, default=">=")  # ">" or ">="
    target = models.DecimalField(_("chỉ tiêu (%)"), max_digits=5, decimal_places=2)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người quyết định"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("thời điểm"), auto_now=True)

    class Meta:
        verbose_name = _("chỉ tiêu đo bằng chỉ số hài lòng")
        verbose_name_plural = _("chỉ tiêu đo bằng chỉ số hài lòng")

    def __str__(self) -> str:
        return f"{self.task_id} {self.op} {self.target}"
