from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FrameworksConfig(AppConfig):
    name = "chiso.frameworks"
    label = "frameworks"
    verbose_name = _("Bộ chỉ số và kết quả công bố")
