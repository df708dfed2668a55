"""Making, checking and revoking integration tokens. Each `do_…` is one transaction with its audit record."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from chiso.audit.log import Action, record, snapshot
from chiso.org.models import Agency
from chiso.statements import Statement

from . import permissions
from .models import ApiToken
from .scopes import ScopeError, as_list, parse

TOKEN_PREFIX = "chiso_"  # noqa: S105  (a marker, not a secret)


class Refused(Exception):
    """A token cannot be made or used as asked; the message is Vietnamese."""


def digest(raw: str) -> str:
    """Tokens are 256 random bits: a plain SHA-256 is enough to keep them unreadable at rest."""
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass
class NewToken:
    token: ApiToken
    raw: str  # shown once


def _audit_view(token: ApiToken) -> dict:
    data = snapshot(token, exclude=("digest", "window_minute", "window_count", "last_used_at"))
    data["agencies"] = sorted(token.agencies.values_list("code", flat=True))
    return data


@transaction.atomic
def do_create_token(actor, name: str, scope_items: list[str], *, days: int | None = None,
                    agency_codes: list[str] | None = None, rate_per_minute: int | None = None) -> NewToken:
    """Make a token acting with `actor`'s rights. `scope_items` as scopes.parse reads them; agencies come from
    `agency:CODE` scopes or `agency_codes`. A leader's token is limited to the agencies they lead."""
    name = (name or "").strip()
    if not name:
        raise Refused("Hãy đặt tên cho kết nối (ví dụ: iOffice, LGSP-hồ sơ).")
    if len(name) > 100:
        raise Refused("Tên kết nối dài quá 100 ký tự.")
    if not permissions.can_make_tokens(actor):
        raise Refused(f"{actor} không có quyền tạo mã kết nối: cần quản trị hệ thống hoặc lãnh đạo cơ quan.")
    try:
        scopes = parse(scope_items)
    except ScopeError as exc:
        raise Refused(str(exc)) from exc
    codes = list(dict.fromkeys([*scopes.agency_codes, *(agency_codes or [])]))
    agencies = list(Agency.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {a.code for a in agencies})
    if unknown:
        raise Refused(f"Không có cơ quan mã {', '.join(unknown)}.")
    allowed = permissions.token_agency_choices(actor)
    if not permissions.access_of(actor).is_admin:
        allowed_ids = set(allowed.values_list("pk", flat=True))
        outside = [a.code for a in agencies if a.pk not in allowed_ids]
        if outside:
            raise Refused(f"Chỉ tạo được mã cho cơ quan mình lãnh đạo; không được: {', '.join(outside)}.")
        if not agencies:
            agencies = list(allowed)
    if days is not None and not 1 <= days <= 3650:
        raise Refused("Số ngày hiệu lực phải từ 1 đến 3650.")
    if ApiToken.objects.filter(name=name).exists():
        raise Refused(f"Đã có kết nối tên “{name}”.")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        name=name, user=actor, prefix=raw[:12], digest=digest(raw), scopes=as_list(scopes),
        expires_at=timezone.now() + timedelta(days=days) if days else None,
        **({"rate_per_minute": rate_per_minute} if rate_per_minute else {}))
    token.agencies.set(agencies)
    record(actor, Action.CREATE, token, None, _audit_view(token), agency=agencies[0] if len(agencies) == 1 else None,
           summary=f"Mã kết nối API “{name}”")
    return NewToken(token, raw)


@transaction.atomic
def do_revoke_token(actor, token: ApiToken) -> ApiToken:
    """Revoke a token: every later call with it is refused (401). Revoking twice changes nothing."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    before = _audit_view(token)
    token.revoked_at, token.revoked_by = timezone.now(), actor if getattr(actor, "pk", None) else None
    token.save(update_fields=["revoked_at", "revoked_by"])
    record(actor, Action.UPDATE, token, before, _audit_view(token), summary=f"Thu hồi mã kết nối API “{token.name}”")
    return token


def find(raw: str) -> ApiToken | None:
    """The token a caller presents, whatever its state (the caller says why it is refused)."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    found = _BY_DIGEST.objects(digest=digest(raw))
    return found[0] if found else None


# the creator's unit too: their rights (accounts.access) read its agency on every call
_BY_DIGEST = Statement("api.token_by_digest", lambda digest: ApiToken.objects.select_related("user", "user__unit")
                       .filter(digest=digest).order_by("pk")[:1])
