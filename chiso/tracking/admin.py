from django.contrib import admin

from .models import Evidence, Period, ProgressUpdate, Reminder, ReminderPolicy


@admin.register(ReminderPolicy)
class ReminderPolicyAdmin(admin.ModelAdmin):
    list_display = ("agency", "days_before", "overdue_every", "escalate_head_after", "escalate_leader_after",
                    "period_lead_days")


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    readonly_fields = ("file", "original_name", "content_type", "size", "sha256")


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(admin.ModelAdmin):
    """Read-only: updates change only through the application's actions (with their history)."""

    list_display = ("task", "kind", "percent", "proposed_status", "review", "author", "created_at")
    list_filter = ("review", "kind", "proposed_status")
    inlines = [EvidenceInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ("task", "label", "start", "end", "due", "closed_at")
    list_filter = ("by_hand",)


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("day", "kind", "task", "person", "notified_at")
    list_filter = ("kind",)
    date_hierarchy = "day"
