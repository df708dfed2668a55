"""The public transparency page of an agency: off until the agency's leader turns it on."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicPage(models.Model):
    """What the leader publishes. Without a row, or with `enabled` off, the agency has no public page."""

    agency = models.OneToOneField("org.Agency", verbose_name=_("cơ quan"), on_delete=models.CASCADE,
                                  related_name="public_page")
    enabled = models.BooleanField(_("công khai tiến độ kế hoạch"), default=False)
    show_survey = models.BooleanField(_("công khai chỉ số hài lòng"), default=True)
    show_services = models.BooleanField(_("công khai chỉ số phục vụ (hồ sơ TTHC)"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)  # part of the cache key; stale forms refused
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người cập nhật"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)

    class Meta:
        verbose_name = _("trang công khai")
        verbose_name_plural = _("trang công khai")
        indexes = [models.Index(fields=["enabled"], name="public_page_enabled")]  # the province list

    def __str__(self) -> str:
        return f"{self.agency_id}: {'bật' if self.enabled else 'tắt'}"
