from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "chiso.api"
    verbose_name = _("Kết nối hệ thống khác (API)")

    def ready(self):
        from . import signals

        signals.connect()  # webhook events go to the outbox in the transaction of the change
