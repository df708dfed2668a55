"""Changes to plans and tasks. Each function is one transaction with its audit record;
views, imports, commands and tests all go through these."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from chiso.audit.log import record, snapshot
from chiso.audit.models import AuditEntry
from chiso.lib.text import search_key

from .models import Plan, Task


def _plan_search_text(plan: Plan) -> str:
    return search_key(plan.title, plan.number, plan.issuer)


def _save_plan(actor, plan: Plan, before: dict | None) -> Plan:
    plan.search_text = _plan_search_text(plan)
    plan.full_clean()
    plan.save()
    action = AuditEntry.Action.CREATE if before is None else AuditEntry.Action.UPDATE
    record(actor, action, plan, before, snapshot(plan), plan=plan)
    return plan


@transaction.atomic
def do_create_plan(actor, plan: Plan) -> Plan:
    return _save_plan(actor, plan, None)


@transaction.atomic
def do_update_plan(actor, plan: Plan, before: dict) -> Plan:
    """Save `plan` (already changed by a form); `before` is its snapshot taken before the change."""
    return _save_plan(actor, plan, before)


@transaction.atomic
def do_delete_plan(actor, plan: Plan) -> None:
    before = snapshot(plan)
    for task in plan.tasks.all():
        record(actor, AuditEntry.Action.DELETE, task, snapshot(task), None, plan=plan)
    record(actor, AuditEntry.Action.DELETE, plan, before, None, plan=plan)
    try:
        plan.delete()
    except ProtectedError as exc:  # progress reports are records of work done: they are never deleted with it
        raise ValidationError(_("Kế hoạch đã có báo cáo tiến độ của các đơn vị nên không xóa được; "
                                "hãy chuyển kế hoạch sang trạng thái hết hiệu lực.")) from exc


@transaction.atomic
def do_save_task(actor, task: Task, lead_units=None, support_units=None, before: dict | None = None) -> Task:
    """Create (before is None) or update a task with its lead and support units."""
    creating = task.pk is None
    if creating and not task.order:
        last = task.plan.tasks.order_by("-order").values_list("order", flat=True).first()
        task.order = (last or 0) + 1
    task.full_clean()
    task.save()
    if lead_units is not None:
        task.lead_units.set(lead_units)
    if support_units is not None:
        task.support_units.set(support_units)
    after = snapshot(task)
    if creating:
        record(actor, AuditEntry.Action.CREATE, task, None, after, plan=task.plan)
    else:
        record(actor, AuditEntry.Action.UPDATE, task, before, after, plan=task.plan)
    return task


@transaction.atomic
def do_reorder_task(actor, task: Task, order: int) -> Task:
    """Move a task to another position in its plan (a new version of the plan prints it elsewhere)."""
    if task.order == order:
        return task
    before = snapshot(task)
    Task.objects.filter(pk=task.pk).update(order=order)
    task.order = order
    record(actor, AuditEntry.Action.UPDATE, task, before, snapshot(task), plan=task.plan)
    return task


@transaction.atomic
def do_delete_task(actor, task: Task) -> None:
    record(actor, AuditEntry.Action.DELETE, task, snapshot(task), None, plan=task.plan)
    try:
        task.delete()
    except ProtectedError as exc:
        raise ValidationError(_("Nhiệm vụ đã có báo cáo tiến độ nên không xóa được.")) from exc
