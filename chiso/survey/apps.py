from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveyConfig(AppConfig):
    name = "chiso.survey"
    verbose_name = _("Khảo sát sự hài lòng (SIPAS)")
