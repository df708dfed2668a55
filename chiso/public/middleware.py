"""CHISO_PUBLIC_ONLY: an instance exposed on the internet answers only the public prefix and static files;
everything else is a 404, as if it did not exist. The intranet instance runs without it."""

from django.conf import settings
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
