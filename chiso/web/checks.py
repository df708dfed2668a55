"""Refuse to serve with the demo secret key when debug is off: anyone could sign sessions with it."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

MESSAGE = ("CHISO_SECRET_KEY chưa được đặt: máy chủ không chạy với khóa mẫu khi CHISO_DEBUG tắt. "
           "Hãy đặt CHISO_SECRET_KEY (một chuỗi ngẫu nhiên dài, giữ bí mật) hoặc dùng `make run` cho bản chạy thử.")


def demo_key_in_use() -> bool:
    return not settings.DEBUG and settings.SECRET_KEY == settings.DEMO_SECRET_KEY


def require_own_secret_key() -> None:
    """Called by `chiso serve` and the WSGI application before they serve anything."""
    if demo_key_in_use():
        raise ImproperlyConfigured(MESSAGE)


@register(Tags.security, deploy=True)
def check_secret_key(app_configs, **kwargs):
    """`chiso check --deploy` reports the same refusal."""
    return [Error(MESSAGE, id="chiso.E001")] if demo_key_in_use() else []
