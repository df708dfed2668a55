from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "chiso.reports"
    verbose_name = _("Báo cáo định kỳ")

    def ready(self):
        from chiso.jobs.api import register
        from chiso.notifications import kinds

        register("report_file", "chiso.reports.file_jobs.build_file")  # PDFs rendered in `chiso jobs`
        register("rollup_file", "chiso.reports.file_jobs.build_rollup_file")  # the roll-up's DOCX and XLSX

        for code in ("report_draft", "report_due", "report_late", "report_unit_submitted",
                     "report_for_approval", "report_decided", "report_sent", "report_withdrawn"):
            kinds.register(code, section=_("Báo cáo định kỳ"), order=20)
