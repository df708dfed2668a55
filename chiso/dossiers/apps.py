from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "chiso.dossiers"
    verbose_name = _("Chỉ số phục vụ (hồ sơ TTHC, PAKN)")
