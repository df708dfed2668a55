from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackingConfig(AppConfig):
    name = "chiso.tracking"
    verbose_name = _("Theo dõi thực hiện")

    def ready(self):
        from chiso.notifications import kinds

        # About one task, under the bell only: the task's reminders are what the daily mail carries.
        for code in ("update_submitted", "update_confirmed", "update_returned", "comment"):
            kinds.register(code)
        for code in ("reminder_before", "reminder_due", "reminder_overdue", "reminder_escalate_head",
                     "reminder_escalate_leader", "reminder_period"):
            kinds.register(code, section=_("Nhiệm vụ"), order=10, detail_label=_("Kế hoạch"))
