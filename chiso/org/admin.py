from django.contrib import admin

from .models import Agency, Province, Unit, UnitAlias


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_current", "merged_into"]
    search_fields = ["name"]


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0
    fields = ["name", "short_name", "kind", "email", "is_active"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "province", "kind", "is_coordinator", "is_active"]
    list_filter = ["province", "kind", "is_active"]
    search_fields = ["code", "name"]
    filter_horizontal = ["predecessors"]
    inlines = [UnitInline]


class UnitAliasInline(admin.TabularInline):
    model = UnitAlias
    extra = 1
    fields = ["alias"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "agency", "kind", "is_active"]
    list_filter = ["agency", "kind"]
    search_fields = ["name", "short_name", "agency__code"]
    inlines = [UnitAliasInline]
