"""Webhooks: events written to an outbox in the transaction of the change, delivered by `chiso api webhooks`
signed with HMAC-SHA256 over "<timestamp>.<body>", retried with backoff until the receiver answers 2xx.

Headers of every delivery: X-ChiSo-Event (the kind), X-ChiSo-Delivery (a UUID, the same on every retry: the
receiver's idempotency key), X-ChiSo-Timestamp (Unix seconds when sent), X-ChiSo-Signature
("sha256=<hex>"). A receiver checks the signature, refuses a timestamp more than five minutes away (a replay)
and ignores a delivery id it has already processed; `verify` does the first two."""

import hashlib
import hmac
import json
import logging
import secrets
import time
import urllib.error
import urllib.request
import uuid
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from chiso.audit.log import Action, record

from . import permissions
from .models import ApiToken, WebhookDelivery, WebhookEvent, WebhookSubscription

log = logging.getLogger(__name__)

EVENTS = {
    "task.status_changed": "Trạng thái nhiệm vụ thay đổi",
    "update.confirmed": "Báo cáo tiến độ được xác nhận",
    "report.issued": "Báo cáo của cơ quan được ban hành",
}
LEASE_SECONDS = 60  # a claimed delivery is due again after this if its sender died
TIMEOUT_SECONDS = 10
MAX_ATTEMPTS = 8  # 1 min, 2, 4, 8, 16, 32, 60, 60: about three hours before it is marked failed
TOLERANCE_SECONDS = 300


class Refused(Exception):
    """A subscription cannot be made as asked; the message is Vietnamese."""


# --- the outbox ------------------------------------------------------------------------------------

def emit(kind: str, agency_id: int | None, data: dict) -> WebhookEvent | None:
    """Write an event and a delivery per interested subscription, in the caller's transaction. Nothing is
    written when nobody subscribes."""
    subs = [s for s in WebhookSubscription.objects.filter(is_active=True, token__revoked_at__isnull=True)
            .select_related("token__user") if kind in s.events and _reaches(s.token, agency_id)]
    if not subs:
        return None
    event = WebhookEvent.objects.create(key=str(uuid.uuid4()), kind=kind, agency_id=agency_id, data=data)
    now = timezone.now()
    WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(subscription=s, event=event, next_attempt_at=now) for s in subs])
    return event


def _reaches(token: ApiToken, agency_id: int | None) -> bool:
    if token.expires_at is not None and token.expires_at <= timezone.now():
        return False
    scopes = permissions.scopes_of(token)
    if not scopes.allows("webhooks", "read"):
        return False
    return agency_id is None or agency_id in permissions.agency_ids(token)


# --- subscriptions ---------------------------------------------------------------------------------

@transaction.atomic
def do_subscribe(token: ApiToken, url: str, events: list[str]) -> tuple[WebhookSubscription, str]:
    """Subscribe the token's integration; returns the subscription and its signing secret (shown once)."""
    unknown = sorted(set(events) - set(EVENTS))
    if not events or unknown:
        raise Refused(f"Sự kiện không hợp lệ: {', '.join(unknown) or '(trống)'}; có: {', '.join(EVENTS)}.")
    if not url.lower().startswith(("http://", "https://")) or len(url) > 500:
        raise Refused("Địa chỉ nhận phải bắt đầu bằng http:// hoặc https:// (tối đa 500 ký tự).")
    secret = "whsec_" + secrets.token_urlsafe(32)
    sub = WebhookSubscription.objects.create(token=token, url=url, secret=secret, events=sorted(set(events)))
    record(token.user, Action.CREATE, sub, None, {"url": url, "events": sub.events, "token": token.name},
           summary=f"Đăng ký webhook của “{token.name}”: {url}")
    return sub, secret


@transaction.atomic
def do_unsubscribe(actor, sub: WebhookSubscription) -> None:
    if not sub.is_active:
        return
    sub.is_active = False
    sub.save(update_fields=["is_active"])
    WebhookDelivery.objects.filter(subscription=sub, state=WebhookDelivery.State.PENDING).update(
        state=WebhookDelivery.State.FAILED, last_error="Đăng ký đã hủy")
    record(actor, Action.UPDATE, sub, {"đang dùng": True}, {"đang dùng": False},
           summary=f"Hủy đăng ký webhook của “{sub.token.name}”: {sub.url}")


@transaction.atomic
def do_retry(actor, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a failed delivery again (after the receiver was fixed)."""
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.state != WebhookDelivery.State.FAILED or not delivery.subscription.is_active:
        return delivery
    delivery.state, delivery.next_attempt_at, delivery.attempts = WebhookDelivery.State.PENDING, timezone.now(), 0
    delivery.save(update_fields=["state", "next_attempt_at", "attempts"])
    record(actor, Action.UPDATE, delivery, {"trạng thái": "failed"}, {"trạng thái": "pending"},
           summary=f"Gửi lại webhook {delivery.event.kind} tới {delivery.subscription.url}")
    return delivery


# --- signing -----------------------------------------------------------------------------------------

def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={mac}"


def verify(secret: str, timestamp: str, body: bytes, sent: str, now: float | None = None,
           tolerance: int = TOLERANCE_SECONDS) -> str | None:
    """None when the delivery is genuine and fresh; otherwise why it is refused (Vietnamese)."""
    try:
        ts = int(timestamp)
    except (TypeError, ValueError):
        return "Thiếu hoặc sai X-ChiSo-Timestamp."
    if abs((now if now is not None else time.time()) - ts) > tolerance:
        return "Thời điểm ký quá xa hiện tại: có thể là một lần gửi lại cũ (replay)."
    if not hmac.compare_digest(signature(secret, ts, body), sent or ""):
        return "Chữ ký không đúng."
    return None


# --- the sender --------------------------------------------------------------------------------------

def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(60 * 2 ** max(attempts - 1, 0), 3600))


def claim(limit: int = 20, now=None) -> list[WebhookDelivery]:
    """Due deliveries, each claimed by one conditional UPDATE (safe with several senders on both databases)."""
    now = now or timezone.now()
    due = list(WebhookDelivery.objects.filter(state=WebhookDelivery.State.PENDING, next_attempt_at__lte=now)
               .order_by("next_attempt_at", "id").values_list("pk", "next_attempt_at")[:limit])
    lease = now + timedelta(seconds=LEASE_SECONDS)
    mine = [pk for pk, seen in due
            if WebhookDelivery.objects.filter(pk=pk, state=WebhookDelivery.State.PENDING, next_attempt_at=seen)
            .update(next_attempt_at=lease)]
    return list(WebhookDelivery.objects.filter(pk__in=mine).select_related("subscription", "event__agency")
                .order_by("id"))


def body_of(delivery: WebhookDelivery) -> bytes:
    event = delivery.event
    return json.dumps({"id": event.key, "event": event.kind, "created_at": event.created_at.isoformat(),
                       "agency": event.agency.code if event.agency_id else None, "data": event.data},
                      ensure_ascii=False, sort_keys=True).encode()


def send(delivery: WebhookDelivery) -> bool:
    """POST one delivery; record the outcome. True when the receiver took it."""
    body = body_of(delivery)
    ts = int(time.time())
    if not delivery.subscription.url.lower().startswith(("http://", "https://")):
        raise ValueError("webhook address must be http(s)")
    request = urllib.request.Request(  # noqa: S310 (http(s) checked above and at subscription)
        delivery.subscription.url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8", "User-Agent": "ChiSo-Webhook/1",
        "X-ChiSo-Event": delivery.event.kind, "X-ChiSo-Delivery": delivery.event.key,
        "X-ChiSo-Timestamp": str(ts), "X-ChiSo-Signature": signature(delivery.subscription.secret, ts, body)})
    status, error = None, ""
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310 (http(s) only)
            status = answer.status
    except urllib.error.HTTPError as exc:
        status, error = exc.code, f"Bên nhận trả lời {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        error = f"Không gửi được: {getattr(exc, 'reason', exc)}"[:300]
    ok = status is not None and 200 <= status < 300
    now = timezone.now()
    qs = WebhookDelivery.objects.filter(pk=delivery.pk, state=WebhookDelivery.State.PENDING)
    if ok:
        qs.update(state=WebhookDelivery.State.DELIVERED, delivered_at=now, attempts=F("attempts") + 1,
                  last_status=status, last_error="")
    else:
        attempts = delivery.attempts + 1
        failed = attempts >= MAX_ATTEMPTS
        qs.update(attempts=attempts, last_status=status, last_error=error[:300],
                  state=WebhookDelivery.State.FAILED if failed else WebhookDelivery.State.PENDING,
                  next_attempt_at=now + backoff(attempts))
    return ok


def run_once(limit: int | None = None) -> tuple[int, int]:
    """Send every due delivery (at most `limit`); returns (delivered, not delivered this time)."""
    sent = failed = 0
    while limit is None or sent + failed < limit:
        batch = claim(20 if limit is None else min(20, limit - sent - failed))
        if not batch:
            break
        for delivery in batch:
            if send(delivery):
                sent += 1
            else:
                failed += 1
    return sent, failed
