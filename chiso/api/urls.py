from functools import wraps

from django.http import HttpResponseNotAllowed
from django.urls import path

from .api import api
from .core import error_response, logged

_patterns, _app_name, _namespace = api.urls
app_name = "api"
def _json_405(view):
    """Ninja answers a method the path has no operation for with Django's English HTML 405: the one error
    body instead, in Vietnamese, with the Allow header kept."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = [m.strip() for m in response.get("Allow", "").split(",") if m.strip()]
            return error_response(
                405, "method_not_allowed",
                f"Địa chỉ này không nhận phương thức {request.method[:10]}; dùng "
                f"{', '.join(sorted(allowed))} (xem /api/v1/docs).",
                headers={"Allow": response["Allow"]})
        return response

    return wrapper


# Every endpoint logs its calls (token name, answer, time): wrap the views Ninja made.
urlpatterns = [path(str(p.pattern), _json_405(logged(p.callback)), name=p.name) for p in _patterns]


def _unknown(request, rest):
    return error_response(404, "not_found", f"Không có địa chỉ /api/v1/{rest} (xem /api/v1/docs).")


urlpatterns.append(path("<path:rest>", _unknown))
