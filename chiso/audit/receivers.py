"""Sign-ins and account events into the audit log: Django's login signals and accounts' own events."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from chiso.accounts.security import client_address
from chiso.accounts.signals import account_event
from chiso.language import in_vietnamese

from .log import Action, record_account


@receiver(user_logged_in, dispatch_uid="audit_sign_in")
@in_vietnamese
def signed_in(sender, request, user, **kwargs):
    record_account(Action.SIGN_IN, user, user.get_username(), client_address(request), "Đăng nhập")


@receiver(user_login_failed, dispatch_uid="audit_sign_fail")
@in_vietnamese
def sign_in_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username") or "")[:150]
    user = get_user_model().objects.filter(username=username).first() if username else None
    record_account(Action.SIGN_FAIL, user, username, client_address(request), "Đăng nhập sai")


@receiver(account_event, dispatch_uid="audit_account_event")
@in_vietnamese
def account_changed(sender, kind, user=None, username="", address="", detail="", **kwargs):
    action = Action.LOCKOUT if kind == "lockout" else Action.ACCOUNT
    if user is None and kind == "lockout" and username:
        user = get_user_model().objects.filter(username=username).first()
    record_account(action, user, username, address, detail)
