"""Write audit records. Called by the action functions inside their transaction."""

from datetime import date, datetime
from decimal import Decimal

from django.db import models
from django.db.models.fields.files import FieldFile

from .models import AuditEntry


def snapshot(obj: models.Model, exclude: tuple[str, ...] = ()) -> dict:
    """The record's concrete field values (and many-to-many ids) as JSON-ready data."""
    data: dict = {}
    for field in obj._meta.concrete_fields:
        if field.name in exclude or field.name == "search_text":
            continue
        value = getattr(obj, field.attname)
        data[field.name] = _jsonable(value)
    if obj.pk:
        for field in obj._meta.many_to_many:
            if field.name not in exclude:
                data[field.name] = sorted(o.pk for o in getattr(obj, field.name).all())
    return data


def _jsonable(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, list | dict | str | int | float | bool) or value is None:
        return value
    return str(value)


def record(actor, action: str, obj: models.Model, before: dict | None, after: dict | None,
           plan=None) -> AuditEntry | None:
    """Store one entry; an update that changed nothing is not recorded."""
    if action == AuditEntry.Action.UPDATE and before == after:
        return None
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        model=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        plan=plan,
        before=before,
        after=after,
    )


def history(obj: models.Model):
    """Entries of one object, newest first, with the actor loaded."""
    return AuditEntry.objects.filter(model=obj._meta.label_lower, object_id=str(obj.pk)).select_related("actor")
