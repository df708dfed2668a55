from django.urls import path

from .api import api
from .core import error_response, logged

_patterns, _app_name, _namespace = api.urls
app_name = "api"
# Every endpoint logs its calls (token name, answer, time): wrap the views Ninja made.
urlpatterns = [path(str(p.pattern), logged(p.callback), name=p.name) for p in _patterns]


def _unknown(request, rest):
    return error_response(404, "not_found", f"Không có địa chỉ /api/v1/{rest} (xem /api/v1/docs).")


urlpatterns.append(path("<path:rest>", _unknown))
