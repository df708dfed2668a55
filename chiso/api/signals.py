"""The events webhooks tell about, written to the outbox by signal receivers on the models the actions save,
inside the action's own transaction (a rolled-back change leaves no event)."""

from django.db.models.signals import post_save, pre_save
from django.utils import timezone

from chiso.plans.models import TaskState
from chiso.plans.status import status_of
from chiso.reports.models import AgencyReport
from chiso.tracking.models import ProgressUpdate

from .models import WebhookSubscription
from .webhooks import emit


def _anyone_listens() -> bool:
    return WebhookSubscription.objects.filter(is_active=True).exists()


def remember_status(sender, instance: TaskState, **kwargs):
    if not _anyone_listens():
        instance._webhook_before = None
        return
    old = TaskState.objects.filter(pk=instance.pk).first()
    instance._webhook_before = status_of(instance.task, timezone.localdate(), old)


def task_status_changed(sender, instance: TaskState, **kwargs):
    before = getattr(instance, "_webhook_before", None)
    if before is None:
        return
    task = instance.task
    after = status_of(task, timezone.localdate(), instance)
    if after != before:
        emit("task.status_changed", task.plan.agency_id, {
            "task_id": task.pk, "plan_id": task.plan_id, "ref": task.ref, "title": task.title[:300],
            "status_before": before, "status": after, "progress": instance.progress,
            "due": task.due.isoformat() if task.due else None})


def update_confirmed(sender, instance: ProgressUpdate, created: bool, update_fields=None, **kwargs):
    if created or instance.review != ProgressUpdate.Review.CONFIRMED:
        return
    if update_fields is not None and "review" not in update_fields:
        return
    task = instance.task
    emit("update.confirmed", task.plan.agency_id, {
        "update_id": instance.pk, "task_id": task.pk, "percent": instance.percent,
        "proposed_status": instance.proposed_status,
        "done_on": instance.done_on.isoformat() if instance.done_on else None,
        "reviewed_at": instance.reviewed_at.isoformat() if instance.reviewed_at else None})


def remember_report_state(sender, instance: AgencyReport, **kwargs):
    instance._webhook_state = (AgencyReport.objects.filter(pk=instance.pk).values_list("state", flat=True).first()
                               if instance.pk else None)


def report_issued(sender, instance: AgencyReport, **kwargs):
    if instance.state != AgencyReport.State.ISSUED or getattr(instance, "_webhook_state", None) == instance.state:
        return
    emit("report.issued", instance.agency_id, {
        "report_id": instance.pk, "period_code": instance.period_code, "version": instance.version,
        "number": instance.number_symbol.strip(),
        "issued_on": instance.issued_on.isoformat() if instance.issued_on else None,
        "counts": (instance.figures or {}).get("counts", {})})


def connect() -> None:
    pre_save.connect(remember_status, sender=TaskState, dispatch_uid="api_webhook_task_before")
    post_save.connect(task_status_changed, sender=TaskState, dispatch_uid="api_webhook_task_after")
    post_save.connect(update_confirmed, sender=ProgressUpdate, dispatch_uid="api_webhook_update")
    pre_save.connect(remember_report_state, sender=AgencyReport, dispatch_uid="api_webhook_report_before")
    post_save.connect(report_issued, sender=AgencyReport, dispatch_uid="api_webhook_report_after")
