from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "chiso.assessment"
    verbose_name = _("Tự đánh giá, thẩm định chỉ số CCHC")

    def ready(self):
        from chiso.jobs.api import register as register_job
        from chiso.notifications import kinds

        for code in ("assessment_open", "assessment_submitted", "assessment_reviewed", "assessment_final"):
            kinds.register(code, section=_("Tự đánh giá, thẩm định chỉ số CCHC"), order=35,
                           detail_label=_("Cơ quan"))
        register_job("assessment_pack", "chiso.assessment.pack.run_pack_job")
