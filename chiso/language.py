"""Text that is stored (audit lines, notifications, period labels) or printed in official documents is
written in Vietnamese, whatever language the person who triggered it reads the interface in."""

import functools

from django.conf import settings
from django.utils import translation


def in_vietnamese(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return func(*args, **kwargs)

    return wrapper
