"""Changes made in the admin site (/quan-tri/) write the same before/after record as the action functions.

Apps below audit cannot import a mixin from it, so `audit_every_admin(site)` (run by AuditConfig.ready, after
the admin site has discovered every app's admin module) gives each registered ModelAdmin the mixin: a
subclass of its own class, so every app's admin keeps its behaviour. Covered: add, change (with many-to-many
fields and inline rows such as role grants), delete (one object or a bulk selection) and the admin's
password-change page. Password hashes never enter the log."""

from .log import Action, record, snapshot

HIDDEN = {"password": "•••"}


def _clean(data: dict | None) -> dict | None:
    if data is None:
        return None
    return {k: (HIDDEN[k] if k in HIDDEN and v and not str(v).startswith("•") else v) for k, v in data.items()}


def _scope(obj) -> dict:
    """The plan an object belongs to (a plan is its own), for the plan's history."""
    if obj._meta.label_lower == "plans.plan":
        return {"plan": obj}
    plan = getattr(obj, "plan", None) if hasattr(type(obj), "plan") else None
    return {"plan": plan} if plan is not None and hasattr(plan, "agency_id") else {}


def _stored(obj):
    return type(obj)._default_manager.filter(pk=obj.pk).first() if obj.pk else None


def _write(request, action, obj, before, after, note=""):
    if before and after and "password" in before and before.get("password") != after.get("password"):
        after = {**after, "password": "••• (đã đổi)"}
    label = f"Quản trị: {obj._meta.verbose_name} “{obj}”{note}"
    record(request.user, action, obj, _clean(before), _clean(after), summary=label[:300], **_scope(obj))


class AuditedAdminMixin:
    """Before/after records for everything the admin site saves or deletes."""

    def save_model(self, request, obj, form, change):
        stored = _stored(obj) if change else None
        request._audit_before = getattr(request, "_audit_before", {})
        request._audit_before[(obj._meta.label_lower, obj.pk)] = snapshot(stored) if stored else None
        if stored is not None and isinstance(getattr(stored, "version", None), int):
            obj.version = stored.version + 1  # an edit form opened before this change becomes stale
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        before = getattr(request, "_audit_before", {}).pop((obj._meta.label_lower, obj.pk), None)
        _write(request, Action.UPDATE if change and before is not None else Action.CREATE, obj, before,
               snapshot(obj))

    def save_formset(self, request, form, formset, change):
        befores = {}
        for f in formset.forms:
            if f.instance.pk and (f.has_changed() or f in formset.deleted_forms):
                stored = _stored(f.instance)
                if stored is not None:
                    befores[f.instance.pk] = snapshot(stored)
        super().save_formset(request, form, formset, change)
        for obj in getattr(formset, "new_objects", []):
            _write(request, Action.CREATE, obj, None, snapshot(obj))
        for obj, _fields in getattr(formset, "changed_objects", []):
            _write(request, Action.UPDATE, obj, befores.get(obj.pk), snapshot(obj))
        for obj in getattr(formset, "deleted_objects", []):
            _write(request, Action.DELETE, obj, befores.get(obj.pk) or snapshot(obj), None)

    def delete_model(self, request, obj):
        before = snapshot(obj)
        _write(request, Action.DELETE, obj, before, None)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            _write(request, Action.DELETE, obj, snapshot(obj), None)
        super().delete_queryset(request, queryset)

    def log_change(self, request, obj, message):
        """The admin's own pages that save without save_model (a user's password) still leave a record."""
        if request.path.endswith("/password/"):
            _write(request, Action.UPDATE, obj, {"password": "•••"}, {"password": "••• (đã đổi)"},
                   " — đổi mật khẩu")
        return super().log_change(request, obj, message)


def audit_every_admin(site) -> None:
    """Give every ModelAdmin registered on `site` the mixin (idempotent)."""
    for model, model_admin in list(site._registry.items()):
        cls = type(model_admin)
        if isinstance(model_admin, AuditedAdminMixin):
            continue
        audited = type(f"Audited{cls.__name__}", (AuditedAdminMixin, cls), {"__module__": cls.__module__})
        site._registry[model] = audited(model, site)

