"""The public survey page (no login): one per agency and per service counter, opened from a QR code.

Order of checks on a POST: honeypot, the signed form token (forged, expired or for another counter), the
sheet (scale, required statements, sizes), the receipt code against imported dossiers; then the rate limit
per address (salted hash) — counted on its own for a refused sheet, in the same transaction as the answer
for a good one — and the store with its uniqueness rules (dossier, device and day, form). Every refusal is
a page in plain Vietnamese; nothing is stored twice."""

import secrets

from django.conf import settings
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from chiso.org.models import Agency

from . import actions, memo, receipts
from .forms import questions_of, read_sheet, reshown
from .models import Channel, Counter

DEVICE_COOKIE = "chiso_thiet_bi"
TOKEN_SALT = "chiso.survey.form"  # noqa: S105 - a signing namespace, not a secret
KIOSK_SALT = "chiso.survey.kiosk"
TOKEN_MAX_AGE = 4 * 3600  # a form left open longer is refused with a link to a fresh one


def public_404(view):
    """A page that does not exist (or is not published) answered with the public base template: a citizen
    never sees the intranet's layout."""
    from functools import wraps

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Http404 as exc:
            message = str(exc) if exc.args and isinstance(exc.args[0], str) else ""
            return render(request, "survey/public_not_found.html", {"message": message}, status=404)

    return wrapper


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the header the reverse proxy sets (CHISO_CLIENT_IP_HEADER)."""
    header = settings.CHISO_CLIENT_IP_HEADER
    if header:
        value = request.META.get(header, "")
        if value:
            return value.split(",")[-1].strip()  # the hop our own proxy added
    return request.META.get("REMOTE_ADDR", "")


def kiosk_token(counter: Counter) -> str:
    """The signed key of a counter's tablet: its link turns on kiosk mode (no per-device rule, resets itself)."""
    return signing.dumps({"c": counter.pk}, salt=KIOSK_SALT)


def _is_kiosk(raw: str, counter: Counter | None) -> bool:
    if not raw or counter is None:
        return False
    try:
        return signing.loads(raw, salt=KIOSK_SALT).get("c") == counter.pk
    except signing.BadSignature:
        return False


def _place(code: str, slug: str | None):
    """(agency, counter or None) of a survey link, kept memo.SECONDS per process: every answer asks."""
    if slug is None:
        agency = memo.get(("place", code), lambda: Agency.objects.filter(code=code, is_active=True).first())
        if agency is None:
            raise Http404
        return agency, None
    counter = memo.get(("place", code, slug), lambda: (
        Counter.objects.select_related("agency")
        .filter(agency__code=code, agency__is_active=True, slug=slug, is_active=True).first()))
    if counter is None:
        raise Http404(_("Không có quầy này, hoặc quầy đã ngừng nhận đánh giá."))
    return counter.agency, counter


def _refusal(request, agency, counter, message: str, status: int, kiosk: str = "") -> HttpResponse:
    return render(request, "survey/public_refused.html", {
        "agency": agency, "counter": counter, "message": message, "kiosk": kiosk,
        "again": _survey_url(agency, counter, kiosk)}, status=status)


def _survey_url(agency, counter, kiosk: str = "") -> str:
    url = (reverse("survey_counter", args=[agency.code, counter.slug]) if counter
           else reverse("survey_agency", args=[agency.code]))
    return f"{url}?kiosk={kiosk}" if kiosk else url


# Markers of the visitor's two tokens in a pre-rendered blank form, made up once per process (no agency or
# counter name can contain them by chance); both tokens are URL-safe, so they go in without escaping.
CSRF_MARK = f"csrf-{secrets.token_hex(12)}"
TOKEN_MARK = f"form-{secrets.token_hex(12)}"


def _form_context(agency, counter, q, token: str, kiosk_raw: str, sheet, chosen) -> dict:
    rows = [{"q": question, "name": f"q{question.pk}", "error": sheet.errors.get(f"q{question.pk}") if sheet else None,
             "chosen": str(chosen.get(f"q{question.pk}", ""))} for question in questions_of(q)]
    return {"agency": agency, "counter": counter, "q": q, "rows": rows, "token": token, "kiosk": kiosk_raw,
            "sheet": sheet, "errors": list(sheet.errors.values()) if sheet else [], "chosen": chosen,
            "action": _survey_url(agency, counter), "levels": q.levels}


def _blank_form(agency, counter, q, kiosk_raw: str) -> str:
    """The blank form of a place (agency or counter), questionnaire version and kiosk link, rendered once per
    process and kept memo.SECONDS: the same for every visitor but for the CSRF and form tokens, left as
    CSRF_MARK and TOKEN_MARK. A version in use never changes; a counter renamed or switched off is forgotten
    by its action (kind "form"). kiosk_raw is empty or a genuine kiosk key, so a robot cannot fill the memo."""
    key = ("form", agency.pk, counter.pk if counter else 0, q.pk, kiosk_raw, translation.get_language())
    return memo.get(key, lambda: render_to_string("survey/public_form.html", {
        **_form_context(agency, counter, q, TOKEN_MARK, kiosk_raw, None, {}), "csrf_token": CSRF_MARK}))


@public_404
@never_cache
@csrf_protect  # the form's page sets the CSRF cookie itself (get_token below, or {% csrf_token %} when redrawn)
def survey(request: HttpRequest, code: str, slug: str | None = None) -> HttpResponse:
    agency, counter = _place(code, slug)
    q = actions.active_questionnaire_cached(agency)
    if q is None:
        return _refusal(request, agency, counter, _("Cơ quan chưa mở khảo sát. Xin cảm ơn Ông/Bà."), 404)
    kiosk_raw = request.GET.get("kiosk", "") or request.POST.get("kiosk", "")
    kiosk = _is_kiosk(kiosk_raw, counter)
    kiosk_raw = kiosk_raw if kiosk else ""
    sheet = None
    if request.method == "POST":
        if request.POST.get("website"):  # the honeypot: a field people never see
            return _refusal(request, agency, counter, _("Phiếu không hợp lệ nên không được ghi nhận."), 400,
                            kiosk_raw)
        address = f"kiosk:{counter.pk}" if kiosk else client_address(request)
        limit = settings.CHISO_SURVEY_RATE_LIMIT * (5 if kiosk else 1)

        def too_many():
            return _refusal(request, agency, counter, _(
                "Có quá nhiều phiếu gửi từ cùng một địa chỉ trong ít phút. Xin Ông/Bà thử lại sau 10 phút."), 429,
                kiosk_raw)

        refusal = None
        try:
            token = signing.loads(request.POST.get("token", ""), salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
        except signing.SignatureExpired:
            token = None
            refusal = _refusal(request, agency, counter, _("Phiếu đã mở quá lâu. Xin mở lại trang khảo sát."), 400,
                               kiosk_raw)
        except signing.BadSignature:
            token = None
        if refusal is None and (not token or token.get("a") != agency.pk
                                or token.get("c") != (counter.pk if counter else 0) or token.get("q") != q.pk):
            refusal = _refusal(request, agency, counter, _(
                "Phiếu không hợp lệ (có thể trang đã cũ hoặc phiếu đã thay đổi). Xin mở lại trang khảo sát."), 400,
                kiosk_raw)
        dossier = None
        if refusal is None:
            sheet = read_sheet(q, request.POST)
            if sheet.ok and sheet.receipt_code and receipts.has_dossiers(agency):
                dossier = receipts.find(agency, sheet.receipt_code)
                if dossier is None:
                    sheet.errors["receipt_code"] = _(
                        "Không tìm thấy hồ sơ mã %(c)s của cơ quan. Xin kiểm tra lại mã trên giấy hẹn, "
                        "hoặc để trống ô này.") % {"c": sheet.receipt_code}
        if refusal is not None or not sheet.ok:
            # a refused sheet counts against the address too (its own small write)
            if actions.do_count_hit(address) > limit:
                return too_many()
            if refusal is not None:
                return refusal
        else:
            device = None
            # one answer per dossier when the code is checked against the agency's dossiers; otherwise (no
            # code, or no dossier data to check it against) one per device, day and counter
            if not kiosk and dossier is None:
                token_raw = request.COOKIES.get(DEVICE_COOKIE) or token.get("d", "")
                device = actions.salted("device", token_raw, counter.pk if counter else 0,
                                        timezone.localdate().isoformat())
            procedure = sheet.procedure or (dossier or {}).get("procedure_name") or ""
            try:
                # the address is counted in the same transaction as the answer: one write per answer
                actions.do_submit(actions.Submission(
                    questionnaire=q, agency=agency, counter=counter, channel=Channel.KIOSK if kiosk else Channel.QR,
                    values=sheet.values, procedure=str(procedure)[:200], applied_via=sheet.applied_via,
                    age_group=sheet.age_group, comment=sheet.comment, receipt_code=sheet.receipt_code,
                    device_hash=device, nonce=actions.salted("nonce", token.get("n", ""))), rate=(address, limit))
            except actions.RateLimited:
                return too_many()
            except actions.Duplicate as exc:
                return _refusal(request, agency, counter, str(exc) + " " + _("Xin cảm ơn Ông/Bà."), 409, kiosk_raw)
            thanks = reverse("survey_thanks", args=[agency.code])
            target = f"{thanks}?quay={counter.slug}" if counter else thanks
            return redirect(f"{target}{'&' if counter else '?'}kiosk={kiosk_raw}" if kiosk else target)
    device = request.COOKIES.get(DEVICE_COOKIE) or secrets.token_hex(16)
    token = signing.dumps({"a": agency.pk, "c": counter.pk if counter else 0, "q": q.pk,
                           "n": secrets.token_hex(16), "d": device}, salt=TOKEN_SALT)
    if sheet is None:  # a blank form: rendered once per process, the visitor's two tokens put in its places
        html = _blank_form(agency, counter, q, kiosk_raw)
        response = HttpResponse(html.replace(CSRF_MARK, get_token(request), 1).replace(TOKEN_MARK, token, 1))
    else:
        response = render(request, "survey/public_form.html", _form_context(agency, counter, q, token, kiosk_raw,
                                                                            sheet, reshown(q, request.POST)),
                          status=400)
    if DEVICE_COOKIE not in request.COOKIES:
        response.set_cookie(DEVICE_COOKIE, device, max_age=400 * 86400, httponly=True, samesite="Lax",
                            secure=settings.SESSION_COOKIE_SECURE)
    return response


@public_404
def thanks(request: HttpRequest, code: str) -> HttpResponse:
    slug = request.GET.get("quay", "")
    try:
        agency, counter = _place(code, slug or None)
    except Http404:
        if not slug:
            raise
        agency, counter = _place(code, None)  # a counter switched off since: thank without it
    kiosk_raw = request.GET.get("kiosk", "")
    kiosk = _is_kiosk(kiosk_raw, counter)
    kiosk_raw = kiosk_raw if kiosk else ""
    q = actions.active_questionnaire_cached(agency)
    # the same page for everyone of a place and version: rendered once per process, like the blank form
    key = ("form", "thanks", agency.pk, counter.pk if counter else 0, q.pk if q else 0, kiosk_raw,
           translation.get_language())
    return HttpResponse(memo.get(key, lambda: render_to_string("survey/public_thanks.html", {
        "agency": agency, "counter": counter, "q": q, "kiosk": kiosk, "again": _survey_url(agency, counter, kiosk_raw),
        "reset_seconds": settings.CHISO_SURVEY_KIOSK_RESET})))
