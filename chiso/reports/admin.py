from django.contrib import admin

from .models import AdHocPeriod, AgencyReport, ReportingRule, UnitReport


@admin.register(ReportingRule)
class ReportingRuleAdmin(admin.ModelAdmin):
    list_display = ["kind", "agency", "start_months_before", "start_day", "end_day", "unit_day", "office_day",
                    "agency_day", "province_day", "draft_days_before"]
    list_filter = ["kind"]


@admin.register(AdHocPeriod)
class AdHocPeriodAdmin(admin.ModelAdmin):
    list_display = ["agency", "year", "number", "title", "start", "end", "unit_due", "agency_due"]


@admin.register(UnitReport)
class UnitReportAdmin(admin.ModelAdmin):
    list_display = ["unit", "period_code", "version", "state", "submitted_at", "on_time"]
    readonly_fields = ["figures"]


@admin.register(AgencyReport)
class AgencyReportAdmin(admin.ModelAdmin):
    list_display = ["agency", "period_code", "version", "state", "number", "issued_on"]
    readonly_fields = ["figures"]
