"""The top bar's "Kết nối API" link: shown to the people who may make tokens (permissions.can_make_tokens),
decided only when a page draws the menu (access_of is cached on the user for the request)."""

from . import permissions


def nav(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"can_use_api": lambda: permissions.can_make_tokens(user)}
