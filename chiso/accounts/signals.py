"""Events of an account that the audit log records (audit sits above accounts, so it listens).

`account_event.send(sender=None, kind=..., user=..., username=..., address=..., detail=...)`; kinds:
"lockout" (too many wrong passwords), "password_changed", "logout_everywhere". Django's own
`user_logged_in` and `user_login_failed` carry the sign-ins."""

from django.dispatch import Signal

account_event = Signal()
