from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import LoginThrottle, RoleGrant, User


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 1
    autocomplete_fields = ["agency"]


@admin.register(User)
class ChisoUserAdmin(UserAdmin):
    fieldsets = [
        *UserAdmin.fieldsets,
        (_("Công tác"), {"fields": ["full_name", "position", "phone", "unit"]}),
    ]
    list_display = ["username", "full_name", "unit", "email", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "grants__role", "unit__agency"]
    search_fields = ["username", "full_name", "email"]
    autocomplete_fields = ["unit"]
    inlines = [RoleGrantInline]


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "agency"]
    list_filter = ["role", "agency"]
    search_fields = ["user__username", "user__full_name"]


@admin.register(LoginThrottle)
class LoginThrottleAdmin(admin.ModelAdmin):
    """Accounts and addresses with failed sign-ins; an administrator may lift a lock early. The sign-ins
    themselves are in the audit log ("Nhật ký thay đổi", actions Đăng nhập / Đăng nhập sai / Tạm khóa)."""

    list_display = ["key", "failures", "last_failure_at", "locked_until"]
    search_fields = ["key"]
    readonly_fields = ["key", "failures", "last_failure_at", "locked_until"]
    actions = ["unlock"]

    @admin.action(description=_("Mở khóa đăng nhập"))
    def unlock(self, request, queryset):
        from .security import do_unlock

        for row in queryset:
            do_unlock(row.key)

    def has_add_permission(self, request):
        return False
