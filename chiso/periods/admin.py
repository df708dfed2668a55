from django.contrib import admin

from .models import AdHocPeriod, Holiday, ReportingRule


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ("date", "name", "is_day_off")
    list_filter = ("is_day_off",)
    date_hierarchy = "date"
    search_fields = ("name",)


@admin.register(ReportingRule)
class ReportingRuleAdmin(admin.ModelAdmin):
    list_display = ["kind", "agency", "start_months_before", "start_day", "end_day", "unit_day", "office_day",
                    "agency_day", "province_day", "draft_days_before"]
    list_filter = ["kind"]


@admin.register(AdHocPeriod)
class AdHocPeriodAdmin(admin.ModelAdmin):
    list_display = ["agency", "year", "number", "title", "start", "end", "unit_due", "agency_due"]
