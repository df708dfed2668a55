from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import RoleGrant, User


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
