"""Sign-in protection, on the database (shared by every server process; no cache server on an intranet).

Each failed sign-in counts against the account name and against the network address, and so does a try
made before the wait is over (refused unchecked): a fast guesser is locked out as surely as a patient one. The first
`CHISO_LOGIN_FREE_TRIES` failures cost nothing; after that each try must wait twice as long as the one
before (2, 4, 8 … seconds, at most 5 minutes) — the request is refused at once, never held in a worker;
at `CHISO_LOGIN_LOCK_AFTER` failures the account (at three times that, the address: offices share one) is
locked for `CHISO_LOGIN_LOCK_MINUTES`. A failure older than the lock time is forgotten. A successful sign-in
clears the account's count, not the address's. We keep this here rather than use django-axes: axes has a
lock-out but no increasing delay, and writes its own log tables where ChiSo's audit log must hold every
sign-in."""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import LoginThrottle
from .signals import account_event

MAX_DELAY_SECONDS = 300


def now() -> datetime:
    return timezone.now()


def client_address(request) -> str:
    """The address the request came from; behind a reverse proxy (CHISO_BEHIND_PROXY) the one it saw."""
    if request is None:
        return ""
    if settings.CHISO_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()[:100]
    return (request.META.get("REMOTE_ADDR") or "")[:100]


def _keys(username: str, address: str) -> list[str]:
    keys = [f"u:{(username or '').strip().casefold()[:150]}"]
    if address:
        keys.append(f"a:{address}")
    return keys


def _limit(key: str) -> int:
    per_account = settings.CHISO_LOGIN_LOCK_AFTER
    return per_account if key.startswith("u:") else per_account * 3


def _delay(failures: int) -> int:
    extra = failures - settings.CHISO_LOGIN_FREE_TRIES
    return 0 if extra <= 0 else min(2 ** extra, MAX_DELAY_SECONDS)


@dataclass
class Refusal:
    message: str
    until: datetime
    locked: bool = False


def refusal(username: str, address: str) -> Refusal | None:
    """Why this sign-in may not be tried now (locked, or too soon after the last failure), else None."""
    moment = now()
    rows = sorted(LoginThrottle.objects.filter(key__in=_keys(username, address)),
                  key=lambda r: not (r.locked_until and r.locked_until > moment))  # a lock speaks first
    for row in rows:
        local = timezone.localtime(row.locked_until).strftime("%H:%M %d/%m/%Y") if row.locked_until else ""
        if row.locked_until and row.locked_until > moment:
            if row.key.startswith("u:"):
                text = _("Tài khoản tạm khóa đến %(t)s vì nhập sai mật khẩu nhiều lần. Nếu cần gấp, hãy liên hệ "
                         "quản trị hệ thống.") % {"t": local}
            else:
                text = _("Máy này đã nhập sai mật khẩu quá nhiều lần; hãy thử lại sau %(t)s.") % {"t": local}
            return Refusal(text, row.locked_until, locked=True)
        wait = _delay(row.failures)
        if wait and row.last_failure_at and row.last_failure_at + timedelta(seconds=wait) > moment:
            left = math.ceil((row.last_failure_at + timedelta(seconds=wait) - moment).total_seconds())
            return Refusal(_("Đã nhập sai nhiều lần: hãy đợi %(n)s giây rồi thử lại.") % {"n": left},
                           row.last_failure_at + timedelta(seconds=wait))
    return None


@transaction.atomic
def failed(username: str, address: str, user=None) -> None:
    """Count a failed sign-in (under row locks); lock the account or address when it reaches its limit."""
    moment = now()
    forget = timedelta(minutes=settings.CHISO_LOGIN_LOCK_MINUTES)
    for key in _keys(username, address):
        LoginThrottle.objects.get_or_create(key=key)
        row = LoginThrottle.objects.select_for_update().get(key=key)
        if row.last_failure_at and row.last_failure_at + forget < moment and not (
                row.locked_until and row.locked_until > moment):
            row.failures = 0
        row.failures += 1
        row.last_failure_at = moment
        if row.failures >= _limit(key) and not (row.locked_until and row.locked_until > moment):
            row.locked_until = moment + forget
            account_event.send(sender=LoginThrottle, kind="lockout", user=user if key.startswith("u:") else None,
                               username=username, address=address,
                               detail=_("Tạm khóa %(k)s đến %(t)s sau %(n)s lần nhập sai") % {
                                   "k": _("tài khoản") if key.startswith("u:") else _("địa chỉ %(a)s") % {"a": address},
                                   "t": timezone.localtime(row.locked_until).strftime("%H:%M %d/%m/%Y"),
                                   "n": row.failures})
        row.save()


def succeeded(username: str) -> None:
    LoginThrottle.objects.filter(key__in=_keys(username, "")).delete()


@transaction.atomic
def do_unlock(key: str) -> int:
    """An administrator lifts a lock (the admin's action)."""
    return LoginThrottle.objects.filter(key=key).update(failures=0, locked_until=None)


@transaction.atomic
def do_logout_everywhere(user, address: str = "") -> None:
    """End every session of the person, this one included: the session hash changes."""
    from django.contrib.auth import get_user_model

    model = get_user_model()  # the request's user is a lazy object
    model.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.session_epoch = model.objects.values_list("session_epoch", flat=True).get(pk=user.pk)
    account_event.send(sender=model, kind="logout_everywhere", user=user, username=user.username,
                       address=address, detail=_("Đăng xuất khỏi mọi nơi"))
