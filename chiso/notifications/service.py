"""Sending and reading notifications. `notify` is how every app puts something under a person's bell."""

from dataclasses import dataclass

from django.utils import timezone

from chiso.language import in_vietnamese

from . import kinds
from .models import Notification

BATCH = 500


@dataclass
class Notice:
    """One notification for one person, when each person gets a different text."""

    user_id: int
    kind: str
    text: str
    url: str = ""
    detail: str = ""


def deliver(notices: list[Notice]) -> int:
    """Store the notifications (the caller's transaction decides when they count); every kind must be
    registered. Returns how many were made."""
    for code in {n.kind for n in notices}:
        kinds.get(code)
    rows = [Notification(user_id=n.user_id, kind=n.kind, text=n.text[:500], url=n.url[:300],
                         detail=n.detail[:200]) for n in notices]
    for start in range(0, len(rows), BATCH):
        Notification.objects.bulk_create(rows[start:start + BATCH])
    return len(rows)


@in_vietnamese
def notify(users, kind: str, text: str, url: str = "", detail: str = "") -> int:
    """The same notification to each of `users` (None and repeats skipped); returns how many were made."""
    seen: set[int] = set()
    notices = []
    for user in users:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        notices.append(Notice(user.pk, kind, str(text), url, detail))
    return deliver(notices)


def do_mark_read(user, ids=None) -> int:
    """Mark the person's notifications read: the given ones, or all."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
