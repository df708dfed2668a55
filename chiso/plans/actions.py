"""Changes to plans and tasks. Each function is one transaction with its audit record;
views, imports, commands and tests all go through these."""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.audit.log import history, record, snapshot
from chiso.audit.models import AuditEntry
from chiso.lib.text import search_key

from .models import Plan, Task


class StaleVersion(ValidationError):
    """An edit made on a form older than the record: nothing was saved. `changes` lists what others saved
    since the form was opened (who, when, field, before, after); `current` is the record's version now."""

    def __init__(self, message: str, changes: list[dict], current: int):
        super().__init__(message, code="stale")
        self.changes, self.current = changes, current


def _label(model: type[models.Model], name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001 - a key of an older snapshot that is no longer a field
        return name


def _short(value) -> str:
    text = "—" if value in (None, "", []) else str(value)
    return text if len(text) <= 80 else text[:77] + "…"


def _changes_since(obj: models.Model, version: int) -> list[dict]:
    """The saved changes of `obj` newer than `version`, oldest first, from its history."""
    out = []
    for entry in history(obj).filter(action=AuditEntry.Action.UPDATE)[:50]:
        if not isinstance(entry.after, dict) or (entry.after.get("version") or 0) <= version:
            break
        out.extend({"who": entry.actor.display_name if entry.actor else _("hệ thống"),
                    "at": timezone.localtime(entry.at).strftime("%H:%M %d/%m/%Y"),
                    "field": _label(type(obj), key), "before": _short(old), "after": _short(new)}
                   for key, old, new in entry.changes())
    return out[::-1]


def _lock_current(obj: models.Model, version: int | None) -> models.Model:
    """The stored record under a row lock; refuses when the editor's form carried an older version."""
    current = type(obj).objects.select_for_update().get(pk=obj.pk)
    if version is not None and current.version != version:
        changes = _changes_since(current, version)
        lines = "; ".join(f"{c['field']}: “{c['before']}” → “{c['after']}” ({c['who']}, {c['at']})"
                          for c in changes[:10])
        raise StaleVersion(
            _("Trong lúc bạn sửa, người khác đã lưu thay đổi. Thay đổi của bạn CHƯA được lưu. "
              "Đã thay đổi: %(lines)s. Hãy xem lại rồi bấm Lưu lần nữa nếu vẫn muốn ghi đè.")
            % {"lines": lines or _("(lưu lại không đổi nội dung)")}, changes, current.version)
    return current


def _plan_search_text(plan: Plan) -> str:
    return search_key(plan.title, plan.number, plan.issuer)


def _save_plan(actor, plan: Plan, before: dict | None, version: int | None = None) -> Plan:
    if plan.pk is not None and before is not None:
        current = _lock_current(plan, version)
        before, plan.version = snapshot(current), current.version + 1
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
def do_update_plan(actor, plan: Plan, before: dict, version: int | None = None) -> Plan:
    """Save `plan` (already changed by a form). The history's "before" is the stored record, read under a
    row lock; `version` is the one the editor's form was opened on (StaleVersion when it is older)."""
    return _save_plan(actor, plan, before, version)


@transaction.atomic
def do_delete_plan(actor, plan: Plan) -> None:
    before = snapshot(plan)
    for task in plan.tasks.all():
        record(actor, AuditEntry.Action.DELETE, task, snapshot(task), None, plan=plan)
    record(actor, AuditEntry.Action.DELETE, plan, before, None, plan=plan)
    try:
        plan.delete()
    except ProtectedError:  # tracked work (progress updates, evidence) is never deleted with its plan
        raise ValidationError(_("Không xóa được kế hoạch: đã có báo cáo tiến độ của nhiệm vụ. Hãy chuyển kế hoạch "
                                "sang “Đã kết thúc” thay vì xóa.")) from None


@transaction.atomic
def do_save_task(actor, task: Task, lead_units=None, support_units=None, before: dict | None = None,
                 version: int | None = None) -> Task:
    """Create or update a task with its lead and support units. An update locks the stored row, refuses a
    form opened on an older `version` (StaleVersion) and raises the version."""
    creating = task.pk is None
    if not creating:
        current = _lock_current(task, version)
        before, task.version = snapshot(current), current.version + 1
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
    Task.objects.filter(pk=task.pk).update(order=order, version=F("version") + 1)
    task.order = order
    task.version = Task.objects.values_list("version", flat=True).get(pk=task.pk)
    record(actor, AuditEntry.Action.UPDATE, task, before, snapshot(task), plan=task.plan)
    return task


@transaction.atomic
def do_delete_task(actor, task: Task) -> None:
    record(actor, AuditEntry.Action.DELETE, task, snapshot(task), None, plan=task.plan)
    try:
        task.delete()
    except ProtectedError:
        raise ValidationError(_("Không xóa được nhiệm vụ: đã có báo cáo tiến độ kèm tài liệu kiểm chứng.")) from None
