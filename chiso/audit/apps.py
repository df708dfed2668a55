from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "chiso.audit"
    label = "audit"

    def ready(self):
        from django.contrib import admin

        from . import receivers  # noqa: F401  (sign-ins and account events are recorded)
        from .admin_audit import audit_every_admin

        # django.contrib.admin comes first in INSTALLED_APPS: its ready() has already imported every app's
        # admin module, so the registry is complete here.
        audit_every_admin(admin.site)
