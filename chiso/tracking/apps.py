from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackingConfig(AppConfig):
    name = "chiso.tracking"
    verbose_name = _("Theo dõi thực hiện")
