"""The idle timeout: a session unused for CHISO_IDLE_MINUTES ends. The last-seen time is kept in the session
and written at most once a minute, so reading pages does not write the session on every request."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils.translation import gettext as _

SEEN = "chiso_seen"
WRITE_EVERY = 60  # seconds


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            moment = int(time.time())
            seen = request.session.get(SEEN)
            if seen and moment - seen > settings.CHISO_IDLE_MINUTES * 60:
                logout(request)
                messages.info(request, _("Phiên làm việc đã kết thúc vì lâu không thao tác. Hãy đăng nhập lại."))
            elif not seen or moment - seen >= WRITE_EVERY:
                request.session[SEEN] = moment
        return self.get_response(request)


def mark_seen(sender, request, user, **kwargs):
    """Sign-in is activity: the session leaves the login with its last-seen time (no write on the next page)."""
    if request is not None and hasattr(request, "session"):
        request.session[SEEN] = int(time.time())
