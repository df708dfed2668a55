"""Pages of integration tokens ("Kết nối API"): list, create (the token shown once), calls, revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from chiso.accounts.access import access_of, require

from . import permissions as perms
from .forms import TokenForm
from .models import ApiToken
from .tokens import Refused, do_create_token, do_revoke_token


def _tokens(user):
    qs = ApiToken.objects.select_related("user").prefetch_related("agencies")
    return qs if access_of(user).is_admin else qs.filter(user=user)


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    require(perms.can_make_tokens(request.user))
    form = TokenForm(request.POST or None, agencies=perms.token_agency_choices(request.user))
    made = None
    if request.method == "POST" and form.is_valid():
        try:
            made = do_create_token(request.user, form.cleaned_data["name"], form.cleaned_data["scopes"],
                                   days=form.cleaned_data["days"],
                                   agency_codes=[a.code for a in form.cleaned_data["agencies"]])
            form = TokenForm(agencies=perms.token_agency_choices(request.user))
        except Refused as exc:
            form.add_error(None, str(exc))
    return render(request, "api/tokens.html", {
        "form": form, "made": made, "tokens": _tokens(request.user), "nav": "api"},
        status=400 if request.method == "POST" and made is None else 200)


@login_required
def token_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(perms.can_make_tokens(request.user))
    token = get_object_or_404(_tokens(request.user), pk=pk)
    require(perms.can_manage_token(request.user, token))
    return render(request, "api/token_detail.html", {
        "token": token, "calls": token.calls.all()[:200], "nav": "api"})


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    require(perms.can_make_tokens(request.user))
    token = get_object_or_404(_tokens(request.user), pk=pk)
    require(perms.can_manage_token(request.user, token))
    if request.method == "POST":
        do_revoke_token(request.user, token)
        messages.success(request, _("Đã thu hồi mã kết nối “%(n)s”.") % {"n": token.name})
        return redirect("api_tokens")
    return render(request, "api/token_revoke.html", {"token": token, "nav": "api"})


def _deliveries(user):
    from .models import WebhookDelivery

    qs = WebhookDelivery.objects.select_related("subscription__token", "event__agency")
    return qs if access_of(user).is_admin else qs.filter(subscription__token__user=user)


@login_required
def delivery_log(request: HttpRequest) -> HttpResponse:
    """Webhook deliveries, newest first; `?that-bai=1` shows failures and those still being retried."""
    require(perms.can_make_tokens(request.user))
    qs = _deliveries(request.user)
    failing = request.GET.get("that-bai") == "1"
    if failing:
        qs = qs.exclude(state="delivered")
    return render(request, "api/deliveries.html", {"deliveries": qs[:300], "failing": failing, "nav": "api"})


@login_required
@require_http_methods(["POST"])
def delivery_retry(request: HttpRequest, pk: int) -> HttpResponse:
    from .webhooks import do_retry

    require(perms.can_make_tokens(request.user))
    delivery = get_object_or_404(_deliveries(request.user), pk=pk)
    do_retry(request.user, delivery)
    messages.success(request, _("Đã đưa lượt gửi vào hàng chờ gửi lại."))
    return redirect(reverse("api_deliveries") + "?that-bai=1")
