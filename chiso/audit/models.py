"""The audit log: who changed what, when, with the values before and after ("Lịch sử").

Each entry names its object generically (model label + id, so any app's records can have a history) and is
scoped to the agency it belongs to and, for plan data, to the plan. Only chiso.audit.log.record writes it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The version every saved change raises (plans.actions): not worth a line in "Lịch sử".
BOOKKEEPING = {"version"}


class AuditEntry(models.Model):
    """One create / update / delete of a record, written in the same transaction as the change."""

    class Action(models.TextChoices):
        CREATE = "create", _("Tạo mới")
        UPDATE = "update", _("Cập nhật")
        DELETE = "delete", _("Xóa")
        SIGN_IN = "sign_in", _("Đăng nhập")
        SIGN_FAIL = "sign_fail", _("Đăng nhập sai")
        LOCKOUT = "lockout", _("Tạm khóa đăng nhập")
        ACCOUNT = "account", _("Bảo mật tài khoản")  # password changed, logged out everywhere

    at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người thực hiện"), null=True,
                              blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(_("thao tác"), max_length=10, choices=Action.choices)
    model = models.CharField(_("loại đối tượng"), max_length=60)  # the model label: "plans.task"
    object_id = models.CharField(_("mã đối tượng"), max_length=40)
    object_repr = models.CharField(_("đối tượng"), max_length=300)
    # The agency the change belongs to (every agency's data has a history, not only plans); kept when the
    # agency is deleted, like the rest of the entry.
    agency = models.ForeignKey("org.Agency", verbose_name=_("cơ quan"), null=True, blank=True,
                               on_delete=models.DO_NOTHING, related_name="+", db_constraint=False)
    # The plan a change belongs to, so a plan's history includes its tasks in one query. A plain id, not a
    # foreign key: audit sits below plans, and a plan's history outlives the plan.
    plan_id = models.BigIntegerField(_("kế hoạch"), null=True, blank=True, db_index=True)
    before = models.JSONField(_("trước"), null=True, blank=True)
    after = models.JSONField(_("sau"), null=True, blank=True)

    class Meta:
        verbose_name = _("nhật ký thay đổi")
        verbose_name_plural = _("nhật ký thay đổi")
        ordering = ["-at", "-id"]
        indexes = [
            # "Lịch sử" of one object.
            models.Index(fields=["model", "object_id", "-at"], name="audit_object_idx"),
            # "Lịch sử" of a plan with its tasks.
            models.Index(fields=["plan_id", "-at"], name="audit_plan_idx"),
            # The history of everything of one agency.
            models.Index(fields=["agency", "-at"], name="audit_agency_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.get_action_display()} {self.object_repr}"

    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for each field that differs."""
        before, after = self.before or {}, self.after or {}
        keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
        return [(k, before.get(k), after.get(k)) for k in keys
                if before.get(k) != after.get(k) and k not in BOOKKEEPING]
