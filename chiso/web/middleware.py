"""Vietnamese unless the person chose English with the switch.

Django's LocaleMiddleware would follow the browser's Accept-Language, and many office machines in
Vietnam run an English browser; ChiSo must still open in Vietnamese."""

from django.conf import settings
from django.utils import translation


class ChosenLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class BadValueMiddleware:
    """A number too large for the database in a URL, a query or a form field (SQLite raises OverflowError
    for any integer beyond 64 bits, PostgreSQL a DataError "out of range") is the request's fault: answer
    400 with a Vietnamese page, not a server error. Any other error still goes to the 500 handler."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.db import DataError
        from django.shortcuts import render

        if isinstance(exception, OverflowError | DataError):
            from chiso.public.views import bad_request, is_public

            if is_public(request):  # a citizen's page: the public layout's own 400
                return bad_request(request, exception)
            return render(request, "400.html", status=400)
        return None


class SecurityHeadersMiddleware:
    """Content-Security-Policy on every response (settings.CHISO_CSP: own scripts only, nothing inline), and
    `Cache-Control: no-store, private` on everything a signed-in person receives: a shared office computer's
    browser cache or a proxy keeps no copy of plans, reports or evidence."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils.cache import patch_cache_control

        response = self.get_response(request)
        if settings.CHISO_CSP:
            response.headers.setdefault("Content-Security-Policy", settings.CHISO_CSP)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response
