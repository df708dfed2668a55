"""CHISO_PUBLIC_ONLY: an instance exposed on the internet answers only the public prefix and static files;
everything else is a 404, as if it did not exist. The intranet instance runs without it."""

from django.conf import settings
from django.contrib.auth import middleware as auth
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import middleware as messages
from django.contrib.sessions import middleware as sessions
from django.http import HttpResponseNotFound

PUBLIC_PREFIX = "/cong-khai/"


class PublicOnlyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.CHISO_PUBLIC_ONLY and not (request.path.startswith(PUBLIC_PREFIX)
                                               or request.path.startswith(settings.STATIC_URL)):
            return HttpResponseNotFound("Không tìm thấy trang.", content_type="text/plain; charset=utf-8")
        return self.get_response(request)


# The public prefix needs no session, no signed-in person and no messages: a citizen's visit neither reads nor
# writes them (~0.4 ms of a request's CPU with nothing to do; bench/survey_profile.py). CSRF still applies there
# (its token lives in its own cookie, not in the session). The REST API is the same: a call carries its token
# (`Authorization: Bearer`), never a session cookie, so a browser's session cannot act through it.
# Subclasses, so Django's checks still find them.
SESSIONLESS = (PUBLIC_PREFIX, "/api/v1/")


def _public(request) -> bool:
    return request.path_info.startswith(SESSIONLESS)


class SessionMiddleware(sessions.SessionMiddleware):
    def process_request(self, request):
        if not _public(request):
            super().process_request(request)

    def process_response(self, request, response):
        return super().process_response(request, response) if hasattr(request, "session") else response


class AuthenticationMiddleware(auth.AuthenticationMiddleware):
    def process_request(self, request):
        if hasattr(request, "session"):
            super().process_request(request)
        else:
            request.user = AnonymousUser()  # nobody is signed in on a public page, whatever their cookies say


class MessageMiddleware(messages.MessageMiddleware):
    def process_request(self, request):
        if hasattr(request, "session"):
            super().process_request(request)
