"""The notification list (with its XLSX), following a notification, marking read."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.exports.xlsx import xlsx_response
from chiso.lib.numbers import id_or_none

from .models import Notification
from .service import do_mark_read


def _local(url: str) -> str:
    """Only paths of this site are followed (no open redirect)."""
    return url if url.startswith("/") and not url.startswith("//") else ""


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    qs = Notification.objects.filter(user=request.user)
    if request.GET.get("chua-doc"):
        qs = qs.filter(read_at__isnull=True)
    items = list(qs[:200])
    if request.GET.get("xuat") == "xlsx":
        return xlsx_response("thong-bao", [_("Thời điểm"), _("Nội dung"), _("Đã đọc")],
                             ([n.created_at, n.text, n.read_at] for n in items))
    return render(request, "notifications/list.html", {"nav": "notifications", "items": items,
                                                       "unread_only": bool(request.GET.get("chua-doc"))})


@login_required
@require_POST
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a notification read and follow its link (only the person's own notifications). A POST from the
    list: a GET never writes."""
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    do_mark_read(request.user, [notification.pk])
    return redirect(_local(notification.url) or "notification_list")


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    ids = request.POST.getlist("id")
    do_mark_read(request.user, [n for i in ids if (n := id_or_none(i)) is not None] if ids else None)
    return redirect(_local(request.POST.get("next") or "") or "notification_list")
