from django.contrib import admin

from .models import Plan, PlanReference, PlanTarget, ReportingObligation, Task


class TargetInline(admin.TabularInline):
    model = PlanTarget
    extra = 0
    exclude = ["node"]


class ReferenceInline(admin.TabularInline):
    model = PlanReference
    extra = 0


class ReportingInline(admin.TabularInline):
    model = ReportingObligation
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "agency", "year", "status"]
    list_filter = ["year", "status", "agency"]
    search_fields = ["number", "title", "search_text"]
    inlines = [TargetInline, ReferenceInline, ReportingInline]
    raw_id_fields = ["parent"]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["ref", "title", "plan", "index", "due", "recurrence"]
    list_filter = ["index", "recurrence", "plan__agency"]
    search_fields = ["title", "ref"]
    raw_id_fields = ["plan", "node"]
    filter_horizontal = ["lead_units", "support_units"]
