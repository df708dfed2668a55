"""Signing in and out, the person's own account page: change the password, log out everywhere."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import security
from .forms import ThrottledAuthenticationForm
from .signals import account_event


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's form (old password, the validators of settings); this session stays, the others end."""

    success_url = reverse_lazy("account")

    def form_valid(self, form):
        response = super().form_valid(form)
        account_event.send(sender=PasswordChangeView, kind="password_changed", user=self.request.user,
                           username=self.request.user.username,
                           address=security.client_address(self.request), detail="Đổi mật khẩu")
        messages.success(self.request, _("Đã đổi mật khẩu. Các phiên đăng nhập khác đã kết thúc."))
        return response


@login_required
def account(request: HttpRequest) -> HttpResponse:
    from django.conf import settings

    return render(request, "registration/account.html", {
        "idle_minutes": settings.CHISO_IDLE_MINUTES, "session_hours": settings.CHISO_SESSION_HOURS})


@login_required
@require_POST
def logout_everywhere(request: HttpRequest) -> HttpResponse:
    security.do_logout_everywhere(request.user, security.client_address(request))
    logout(request)
    messages.success(request, _("Đã đăng xuất khỏi mọi nơi. Hãy đăng nhập lại."))
    return redirect("login")
