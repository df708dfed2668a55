from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "chiso.dossiers"
    verbose_name = _("Chỉ số phục vụ (hồ sơ TTHC, PAKN)")

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from chiso.jobs.api import register as register_job
        from chiso.notifications import kinds

        # Near-due and overdue dossiers go under the bell and in the daily mail, in one section.
        for code in ("dossier_near_due", "dossier_overdue"):
            kinds.register(code, section=_("Hồ sơ TTHC sắp đến hạn, quá hạn"), order=30, detail_label=_("Cơ quan"))
        register_job("dossier_import", "chiso.dossiers.actions.run_import_job")
        register_job("dossier_kpi_refresh", "chiso.dossiers.refresh.run_refresh_job")
