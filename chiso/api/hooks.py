"""Webhook subscriptions of the calling token: list, subscribe (the signing secret shown once), cancel."""

from django.db.models import Count, Q
from ninja import Status

from . import schemas as s
from . import webhooks
from .api import api
from .core import ApiError, need, not_found
from .models import WebhookDelivery, WebhookSubscription
from .read import ERRORS


def _subs(request):
    return WebhookSubscription.objects.filter(token=request.auth).annotate(
        pending=Count("deliveries", filter=Q(deliveries__state=WebhookDelivery.State.PENDING)),
        failed=Count("deliveries", filter=Q(deliveries__state=WebhookDelivery.State.FAILED)))


def sub_row(sub) -> dict:
    return {"id": sub.pk, "url": sub.url, "events": sub.events, "is_active": sub.is_active,
            "created_at": sub.created_at, "pending": getattr(sub, "pending", 0), "failed": getattr(sub, "failed", 0)}


@api.get("/webhooks", response={200: list[s.Subscription], **ERRORS}, tags=["Webhook"],
         summary="Các đăng ký webhook của mã kết nối này")
def subscriptions(request):
    need(request, "webhooks")
    return [sub_row(x) for x in _subs(request).order_by("id")]


@api.post("/webhooks", response={201: s.NewSubscription, 413: s.Error, **ERRORS}, tags=["Webhook"],
          summary="Đăng ký nhận sự kiện (khóa ký chỉ hiện một lần)")
def subscribe(request, payload: s.SubscriptionIn):
    """Events of the agencies this token reads are POSTed to `url`, signed (see the X-ChiSo-* headers in
    docs/api.md), retried with backoff until the receiver answers 2xx."""
    need(request, "webhooks", "write")
    try:
        sub, secret = webhooks.do_subscribe(request.auth, payload.url, payload.events)
    except webhooks.Refused as exc:
        raise ApiError(400, "invalid", str(exc)) from exc
    return Status(201, {**sub_row(sub), "secret": secret})


@api.delete("/webhooks/{subscription_id}", response={204: None, **ERRORS}, tags=["Webhook"],
            summary="Hủy một đăng ký")
def unsubscribe(request, subscription_id: int):
    need(request, "webhooks", "write")
    sub = WebhookSubscription.objects.filter(token=request.auth, pk=subscription_id).first()
    if sub is None:
        raise not_found("đăng ký webhook")
    webhooks.do_unsubscribe(request.auth.user, sub)
    return Status(204, None)
