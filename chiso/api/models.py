"""Integration tokens for the REST API (/api/v1/) and the log of every call made with them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
