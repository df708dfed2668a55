"""The public pages (under /cong-khai/, no login, their own base template) and the leader's switch.

An agency's page exists only while its leader keeps it on; the switch is read on every request (one small
query) and the page itself comes from the cache, keyed by the switch's version, so turning it off takes
effect at once and turning it on shows fresh figures."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.accounts.access import require
from chiso.lib.numbers import id_or_none
from chiso.org.models import Agency, Province
from chiso.survey.public_views import public_404

from . import actions, queries
from .models import PublicPage
from .permissions import can_publish


def _cached(key: str, build) -> HttpResponse:
    html = cache.get(key)
    if html is None:
        html = build()
        cache.set(key, html, settings.CHISO_PUBLIC_CACHE_SECONDS)
    response = HttpResponse(html)
    response["Cache-Control"] = f"public, max-age={min(settings.CHISO_PUBLIC_CACHE_SECONDS, 60)}"
    return response


def home(request: HttpRequest) -> HttpResponse:
    """Every province with at least one agency that publishes, and those agencies."""
    def build():
        by_province: dict = {}
        for agency in queries.published_agencies():
            by_province.setdefault(agency.province, []).append(agency)
        return render_to_string("public/home.html", {"provinces": sorted(by_province.items(),
                                                                          key=lambda p: p[0].name)})

    stamp = PublicPage.objects.filter(enabled=True).order_by("-updated_at").values_list("updated_at", flat=True)
    latest = stamp.first()
    return _cached(f"public:home:{latest.isoformat() if latest else '-'}", build)


@public_404
def province(request: HttpRequest, code: str) -> HttpResponse:
    prov = get_object_or_404(Province, code=code)
    agencies = queries.published_agencies(prov)
    return render(request, "public/province.html", {"province": prov, "agencies": agencies})


@public_404
def agency_page(request: HttpRequest, code: str) -> HttpResponse:
    page = queries.page_of(code)
    if page is None:
        raise Http404(_("Cơ quan chưa công khai trang này."))
    agency = page.agency
    today = timezone.localdate()

    def build():
        return render_to_string("public/agency.html", {
            "agency": agency, "page": page, "plans": queries.plan_progress(agency, today), "year": today.year,
            "satisfaction": queries.satisfaction(agency, today.year) if page.show_survey else None,
            "services": queries.services(agency, today.year) if page.show_services else [],
            "survey_url": reverse("survey_agency", args=[agency.code]), "today": today})

    return _cached(f"public:agency:{agency.pk}:{page.version}:{page.updated_at.timestamp()}:{today}", build)


@login_required
def manage(request: HttpRequest, code: str) -> HttpResponse:
    """The leader's switch: publish the agency's page or take it down."""
    agency = get_object_or_404(Agency, code=code)
    require(can_publish(request.user, agency))
    page = PublicPage.objects.filter(agency=agency).first()
    if request.method == "POST":
        try:
            actions.do_set_public_page(
                request.user, agency, enabled=request.POST.get("enabled") == "1",
                show_survey=request.POST.get("show_survey") == "1",
                show_services=request.POST.get("show_services") == "1",
                version=id_or_none(request.POST.get("version", "")))
        except actions.Refused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Đã lưu cài đặt trang công khai."))
        return redirect("public_manage", code=agency.code)
    return render(request, "public/manage.html", {
        "nav": "home", "agency": agency, "page": page, "public_url": settings.CHISO_BASE_URL.rstrip("/")
        + reverse("public_agency", args=[agency.code])})


def _public_error(request: HttpRequest, heading: str, message: str, status: int) -> HttpResponse:
    """An error under /cong-khai/ in the public layout: a citizen never sees the intranet's page or its link
    to a home page that asks for a login. A survey link leads back to its own form."""
    from .middleware import PUBLIC_PREFIX

    back = request.path if request.path.startswith(PUBLIC_PREFIX + "khao-sat/") else reverse("public_home")
    return render(request, "survey/public_error.html", {"heading": heading, "message": message, "back": back},
                  status=status)


def is_public(request: HttpRequest) -> bool:
    from .middleware import PUBLIC_PREFIX

    return request.path.startswith(PUBLIC_PREFIX)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF refusals (CSRF_FAILURE_VIEW): under /cong-khai/ a plain Vietnamese page in the public layout
    (usually a phone that keeps no cookies, or a form left open across a restart); elsewhere Django's own."""
    if is_public(request):
        return _public_error(request, _("Phiếu chưa gửi được"), _(
            "Trang khảo sát đã hết hạn, hoặc trình duyệt không gửi kèm mã bảo vệ của trang (có thể do chặn "
            "cookie). Xin mở lại trang khảo sát rồi trả lời lại."), 403)
    from django.views.csrf import csrf_failure as django_csrf_failure

    return django_csrf_failure(request, reason)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    """handler400: a request refused before any view (a form over the upload limit, too many fields)."""
    from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent

    if is_public(request):
        if isinstance(exception, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
            message = _("Dữ liệu gửi lên quá lớn nên phiếu không được ghi nhận. Xin mở lại trang khảo sát, "
                        "rút gọn góp ý rồi gửi lại.")
        else:
            message = _("Yêu cầu có dữ liệu không hợp lệ nên không được ghi nhận.")
        return _public_error(request, _("Yêu cầu không hợp lệ"), message, 400)
    from django.views.defaults import bad_request as django_bad_request

    return django_bad_request(request, exception)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    """handler404: an address under /cong-khai/ that matches no page gets the public layout too."""
    if is_public(request):
        return render(request, "survey/public_not_found.html", status=404)
    from django.views.defaults import page_not_found as django_page_not_found

    return django_page_not_found(request, exception)
