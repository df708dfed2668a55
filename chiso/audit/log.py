"""Write and read audit records. `record` is the only writer: action functions call it inside their
transaction, whatever app they belong to."""

import functools
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal

from django.db import connection, models
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from .models import BOOKKEEPING, AuditEntry

Action = AuditEntry.Action

# The channel a change came through when it was not a page (an API token's name): entries recorded while it
# is set start with "[API: name]" (kept when a history table shortens the line), so a task's history says
# which integration made the change.
_via: ContextVar[str] = ContextVar("chiso_audit_via", default="")


@contextmanager
def via(label: str):
    """Name the channel of every entry recorded inside the block."""
    token = _via.set(label)
    try:
        yield
    finally:
        _via.reset(token)


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


def _without_bookkeeping(data):
    return {k: v for k, v in data.items() if k not in BOOKKEEPING} if isinstance(data, dict) else data


def _agency_id(obj: models.Model, plan, agency) -> int | None:
    """The agency an entry is scoped to: the one given, else the plan's, else the object's own."""
    if agency is not None:
        return getattr(agency, "pk", agency)
    if plan is not None:
        return plan.agency_id
    return getattr(obj, "agency_id", None)


def record(actor, action: str, obj: models.Model, before: dict | None, after: dict | None, *,
           plan=None, agency=None, summary: str | None = None, keep_unchanged: bool = False) -> AuditEntry | None:
    """Store one entry about `obj` (any model). `plan` and `agency` scope it (the agency defaults to the
    plan's or the object's own); `summary` replaces the object's text on the history line. An update that
    changed nothing is not recorded unless `keep_unchanged`."""
    if action == Action.UPDATE and not keep_unchanged and _without_bookkeeping(before) == _without_bookkeeping(after):
        return None
    text = summary if summary is not None else str(obj)
    channel = _via.get()
    if channel:
        text = f"[{channel}] {text}"
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        model=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=text[:300],
        agency_id=_agency_id(obj, plan, agency),
        plan_id=plan.pk if plan is not None else None,
        before=before,
        after=after,
    )


def record_created(actor_id: int | None, model: type[models.Model], object_id: int, summary: str, after: dict, *,
                   agency_id: int | None = None, plan_id: int | None = None) -> None:
    """`record(actor, CREATE, obj, None, after, ...)` for a row its action inserted without a model instance
    (a public survey answer, the busiest write): the same entry, channel prefix included, in one prepared
    INSERT instead of the ORM's create (~1 ms of Python per entry)."""
    channel = _via.get()
    text = f"[{channel}] {summary}" if channel else summary
    params = [connection.ops.adapt_datetimefield_value(timezone.now()), actor_id, Action.CREATE.value,
              model._meta.label_lower, str(object_id), text[:300], agency_id, plan_id, None,
              _AFTER.get_db_prep_save(after, connection)]
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(connection.vendor), params)


_AFTER = AuditEntry._meta.get_field("after")
_COLUMNS = ("at", "actor_id", "action", "model", "object_id", "object_repr", "agency_id", "plan_id", "before", "after")


@functools.cache
def _insert_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    return (f"INSERT INTO {quote(AuditEntry._meta.db_table)} ({', '.join(quote(c) for c in _COLUMNS)}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(_COLUMNS))})")


def record_account(action: str, user, username: str, address: str, text: str) -> AuditEntry:
    """One sign-in, failed sign-in, lock-out or account change (password, log out everywhere). A failure
    has no actor: the name typed is not proof of who typed it."""
    known = user if getattr(user, "pk", None) else None
    unit = getattr(known, "unit", None) if known is not None else None
    return AuditEntry.objects.create(
        actor=known if action != Action.SIGN_FAIL and action != Action.LOCKOUT else None,
        action=action,
        model="accounts.user",
        object_id=str(known.pk) if known is not None else "",
        object_repr=f"{text}: {username} ({address or '—'})"[:300],
        agency_id=getattr(unit, "agency_id", None),
        after={"tài khoản": username[:150], "địa chỉ": address},
    )


def history(obj: models.Model):
    """Entries of one object, newest first, with the actor loaded."""
    return AuditEntry.objects.filter(model=obj._meta.label_lower, object_id=str(obj.pk)).select_related("actor")


def plan_history(plan_id: int):
    """Entries of a plan and of everything recorded under it (its tasks, their tracking), newest first."""
    return AuditEntry.objects.filter(plan_id=plan_id).select_related("actor")


def agency_history(agency_id: int):
    """Entries of everything of one agency, newest first."""
    return AuditEntry.objects.filter(agency_id=agency_id).select_related("actor")
