"""The sign-in form with throttling (chiso.accounts.security)."""

from django import forms
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed

from . import security


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's sign-in form, refused without checking the password while the account or the address must
    wait or is locked; every failure is counted (the audit log records it through Django's signal)."""

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            address = security.client_address(self.request)
            stop = security.refusal(username, address)
            if stop is not None:
                if not stop.locked:  # tried before the wait was over: a failure too (the lock comes sooner)
                    security.failed(username, address, get_user_model().objects.filter(username=username).first())
                    user_login_failed.send(sender=__name__, credentials={"username": username}, request=self.request)
                raise forms.ValidationError(stop.message, code="throttled")
            self.user_cache = authenticate(self.request, username=username, password=password)
            if self.user_cache is None:
                security.failed(username, address, get_user_model().objects.filter(username=username).first())
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
            security.succeeded(username)
        return self.cleaned_data
