"""People and their roles. A person belongs to a unit; roles are granted per agency."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Quản trị hệ thống")
    COORDINATOR = "coordinator", _("Sở Nội vụ (theo dõi toàn tỉnh)")
    LEADER = "leader", _("Lãnh đạo cơ quan")
    OFFICE = "office", _("Văn phòng (theo dõi, tổng hợp)")
    UNIT_HEAD = "unit_head", _("Trưởng đơn vị")
    UNIT_STAFF = "unit_staff", _("Cán bộ đơn vị")
    VIEWER = "viewer", _("Chỉ xem")


class User(AbstractUser):
    """A civil servant who signs in. `unit` says where they work; grants say what they may do."""

    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    position = models.CharField(_("chức vụ"), max_length=150, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    unit = models.ForeignKey("org.Unit", verbose_name=_("đơn vị"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="people")
    # Raised by "Đăng xuất khỏi mọi nơi": part of the session hash, so every open session of the person ends.
    session_epoch = models.PositiveIntegerField(_("lần đăng xuất mọi nơi"), default=0, editable=False)

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def get_session_auth_hash(self) -> str:
        """Django's hash of the password (a new password ends the other sessions), with the epoch mixed in
        once the person has logged out everywhere (epoch 0 keeps the sessions opened before this existed)."""
        if not self.session_epoch:
            return super().get_session_auth_hash()
        from django.utils.crypto import salted_hmac

        return salted_hmac("chiso.accounts.User.get_session_auth_hash", f"{self.password}:{self.session_epoch}",
                           algorithm="sha256").hexdigest()

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username


class RoleGrant(models.Model):
    """A role for a person in one agency. Administrators need no agency; everyone else does."""

    user = models.ForeignKey(User, verbose_name=_("người dùng"), on_delete=models.CASCADE,
                             related_name="grants")
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    agency = models.ForeignKey("org.Agency", verbose_name=_("cơ quan"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="grants")

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "agency"], name="role_grant_unique",
                                    violation_error_message=_("Người dùng đã có vai trò này.")),
            models.CheckConstraint(
                condition=models.Q(role="admin") | models.Q(agency__isnull=False),
                name="role_grant_needs_agency",
                violation_error_message=_("Vai trò này phải gắn với một cơ quan."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.agency or ''}"


class LoginThrottle(models.Model):
    """Failed sign-ins counted per account ("u:<name>") and per network address ("a:<ip>"): after a few free
    tries each one waits longer, then the key is locked for a while (chiso.accounts.security)."""

    key = models.CharField(_("tài khoản / địa chỉ"), max_length=200, unique=True)
    failures = models.PositiveIntegerField(_("số lần sai liên tiếp"), default=0)
    last_failure_at = models.DateTimeField(_("lần sai gần nhất"), null=True, blank=True)
    locked_until = models.DateTimeField(_("tạm khóa đến"), null=True, blank=True)

    class Meta:
        verbose_name = _("đăng nhập sai")
        verbose_name_plural = _("đăng nhập sai")
        ordering = ["-last_failure_at"]

    def __str__(self) -> str:
        return f"{self.key}: {self.failures}"
