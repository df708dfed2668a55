"""The fields every stored evidence file has, as an abstract model: an app's own evidence model (a progress
update's, later an assessment criterion's) inherits them and adds the link to what the file proves."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .checks import CheckedFile


class StoredFile(models.Model):
    """An uploaded file kept under MEDIA_ROOT with its name, type, size and SHA-256 checksum."""

    file = models.FileField(_("tệp"), upload_to="evidence/%Y/%m/", blank=True, max_length=300)
    original_name = models.CharField(_("tên tệp"), max_length=255, blank=True)
    content_type = models.CharField(_("loại tệp"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"), default=0)
    sha256 = models.CharField(_("mã kiểm tra SHA-256"), max_length=64, blank=True)

    class Meta:
        abstract = True

    def store(self, checked: CheckedFile) -> str:
        """Copy a checked upload into storage (named by its checksum) without saving the row; returns the
        stored name so that the caller can remove it if its transaction fails."""
        self.original_name, self.content_type = checked.name, checked.content_type
        self.size, self.sha256 = checked.size, checked.sha256
        self.file.save(f"{checked.sha256[:24]}.{checked.kind}", checked.upload, save=False)
        return self.file.name
