from django.contrib import admin

from .models import AgencyReport, UnitReport


@admin.register(UnitReport)
class UnitReportAdmin(admin.ModelAdmin):
    list_display = ["unit", "period_code", "version", "state", "submitted_at", "on_time"]
    readonly_fields = ["figures"]


@admin.register(AgencyReport)
class AgencyReportAdmin(admin.ModelAdmin):
    list_display = ["agency", "period_code", "version", "state", "number", "issued_on"]
    readonly_fields = ["figures"]
