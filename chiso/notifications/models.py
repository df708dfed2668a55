"""Notifications under the bell and the daily digest mail that carries some of them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """An in-app message shown under the bell. Kinds registered with a mail section also go out in the
    person's daily email: `digest` is the Digest that carried it (see digest.send_digests)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người nhận"), on_delete=models.CASCADE,
                             related_name="notifications")
    kind = models.CharField(_("loại"), max_length=30)  # a registered kind (notifications.kinds)
    text = models.CharField(_("nội dung"), max_length=500)
    url = models.CharField(_("đường dẫn"), max_length=300, blank=True)
    detail = models.CharField(_("thuộc"), max_length=200, blank=True,
                              help_text=_("Ví dụ số kế hoạch của nhiệm vụ; in thành một cột trong thư hằng ngày."))
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    digest = models.ForeignKey("Digest", verbose_name=_("thư hằng ngày"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="notices")

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        db_table = "tracking_notification"  # made by tracking before notifications had a home; the rows stay
        ordering = ["-created_at", "-id"]
        indexes = [
            # The bell: unread count of one person; the list: newest first.
            models.Index(fields=["user", "read_at", "-created_at"], name="notification_user_idx"),
            # Notifications waiting for the daily email (not mailed yet): only those rows.
            models.Index(fields=["created_at", "user"], name="notification_unmailed_idx",
                         condition=models.Q(digest__isnull=True)),
        ]

    def __str__(self) -> str:
        return self.text


class Digest(models.Model):
    """The one email of a person for a day, with every mailed notification of theirs not yet sent.
    The row is claimed before sending, marked after."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("ngày"))
    claim_token = models.CharField(max_length=32)
    claimed_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("thư nhắc việc hằng ngày")
        verbose_name_plural = _("thư nhắc việc hằng ngày")
        db_table = "tracking_digest"
        constraints = [
            models.UniqueConstraint(fields=["person", "day"], name="digest_once_per_person_day",
                                    violation_error_message=_("Mỗi người một thư mỗi ngày.")),
        ]
        indexes = [
            # Claims left unsent by a process that died (retried after the lease).
            models.Index(fields=["sent_at", "claimed_at"], name="digest_unsent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.day}"
