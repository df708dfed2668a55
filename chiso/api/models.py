"""Integration tokens for the REST API (/api/v1/) and the log of every call made with them."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .scopes import label


class ApiToken(models.Model):
    """A token of one integration (LGSP, iOffice, the dossier system ...). Only its SHA-256 digest is kept:
    the token itself is shown once, when it is made. It acts with the rights of `user` (the administrator
    or agency leader who made it), narrowed by its scopes and agencies, never more."""

    name = models.CharField(_("tên kết nối"), max_length=100, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người tạo (quyền của mã)"),
                             on_delete=models.CASCADE, related_name="api_tokens")
    prefix = models.CharField(_("đầu mã"), max_length=16)  # the first characters, to recognise a token in lists
    digest = models.CharField(max_length=64, unique=True, editable=False)  # serves the lookup of every call
    scopes = models.JSONField(_("phạm vi"), default=list)  # ["tasks:read", "updates:write", "*:read"]
    agencies = models.ManyToManyField("org.Agency", verbose_name=_("cơ quan"), blank=True, related_name="+",
                                      help_text=_("Để trống: mọi cơ quan người tạo được xem."))
    rate_per_minute = models.PositiveIntegerField(_("số lượt gọi tối đa mỗi phút"), default=600)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("dùng gần nhất"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người thu hồi"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    # The rate limit's fixed window: the minute (since the epoch) and the calls counted in it.
    window_minute = models.BigIntegerField(default=0, editable=False)
    window_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("mã kết nối API")
        verbose_name_plural = _("mã kết nối API")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def scope_labels(self) -> list[str]:
        return [label(s) for s in self.scopes]


class ApiCall(models.Model):
    """One call to the API with a token: who, what, the answer. Written after the answer is made."""

    token = models.ForeignKey(ApiToken, verbose_name=_("mã kết nối"), null=True, on_delete=models.SET_NULL,
                              related_name="calls")
    token_name = models.CharField(_("tên kết nối"), max_length=100)
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    method = models.CharField(_("phương thức"), max_length=8)
    path = models.CharField(_("địa chỉ"), max_length=300)
    status = models.PositiveSmallIntegerField(_("mã trả lời"))
    duration_ms = models.PositiveIntegerField(_("thời gian (ms)"), default=0)

    class Meta:
        verbose_name = _("lượt gọi API")
        verbose_name_plural = _("lượt gọi API")
        ordering = ["-at", "-id"]
        indexes = [
            # The calls of one token, newest first (the token's page).
            models.Index(fields=["token", "-at"], name="api_call_token_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.token_name} {self.method} {self.path} {self.status}"


class IdempotentWrite(models.Model):
    """A write made with an `Idempotency-Key`: the same key again (a retry after a lost answer) gets the
    first answer back instead of a second write. The row is claimed in the write's own transaction."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("khóa chống lặp"), max_length=100)
    request_hash = models.CharField(max_length=64)  # the same key with another body is refused
    status = models.PositiveSmallIntegerField(default=0)
    response = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lượt ghi có khóa chống lặp")
        verbose_name_plural = _("lượt ghi có khóa chống lặp")
        constraints = [
            models.UniqueConstraint(fields=["token", "key"], name="api_write_once_per_key",
                                    violation_error_message=_("Khóa chống lặp này đã dùng.")),
        ]

    def __str__(self) -> str:
        return f"{self.token_id} {self.key}"


class WebhookSubscription(models.Model):
    """An integration's subscription to events: where to POST them and the secret that signs them. It belongs
    to a token and sees what the token reads: events of other agencies are never sent to it."""

    token = models.ForeignKey(ApiToken, verbose_name=_("mã kết nối"), on_delete=models.CASCADE,
                              related_name="subscriptions")
    url = models.URLField(_("địa chỉ nhận"), max_length=500)
    secret = models.CharField(_("khóa ký"), max_length=100, editable=False)  # HMAC-SHA256 key, shown once
    events = models.JSONField(_("sự kiện"), default=list)  # ["task.status_changed", "update.confirmed", ...]
    is_active = models.BooleanField(_("đang dùng"), default=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("đăng ký webhook")
        verbose_name_plural = _("đăng ký webhook")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.token} → {self.url}"


class WebhookEvent(models.Model):
    """The outbox: an event written in the same transaction as the change it tells about, so no event is
    lost when a process dies; its deliveries are made in that transaction too."""

    key = models.CharField(max_length=36, unique=True)  # a UUID: the receiver's idempotency key
    kind = models.CharField(_("sự kiện"), max_length=40)
    agency = models.ForeignKey("org.Agency", verbose_name=_("cơ quan"), null=True, on_delete=models.SET_NULL,
                               related_name="+")
    data = models.JSONField(_("nội dung"), default=dict)
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True)

    class Meta:
        verbose_name = _("sự kiện webhook")
        verbose_name_plural = _("sự kiện webhook")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"


class WebhookDelivery(models.Model):
    """One event to one subscription: sent until the receiver answers 2xx, with backoff between attempts.
    A sender claims a delivery by moving `next_attempt_at` past its lease in one conditional UPDATE: a
    sender that dies leaves it due again when the lease ends (at least once)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Đang chờ gửi")
        DELIVERED = "delivered", _("Đã gửi")
        FAILED = "failed", _("Gửi không được")

    subscription = models.ForeignKey(WebhookSubscription, verbose_name=_("đăng ký"), on_delete=models.CASCADE,
                                     related_name="deliveries")
    event = models.ForeignKey(WebhookEvent, verbose_name=_("sự kiện"), on_delete=models.CASCADE,
                              related_name="deliveries")
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    next_attempt_at = models.DateTimeField(_("gửi lần tới lúc"))
    last_status = models.PositiveSmallIntegerField(_("mã trả lời gần nhất"), null=True, blank=True)
    last_error = models.CharField(_("lỗi gần nhất"), max_length=300, blank=True)
    delivered_at = models.DateTimeField(_("gửi được lúc"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lượt gửi webhook")
        verbose_name_plural = _("lượt gửi webhook")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "event"], name="webhook_delivery_once",
                                    violation_error_message=_("Sự kiện đã có lượt gửi cho đăng ký này.")),
        ]
        indexes = [
            # The sender: pending deliveries that are due.
            models.Index(fields=["state", "next_attempt_at"], name="webhook_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription_id} ({self.state})"
