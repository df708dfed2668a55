"""Audit entries recorded under a plan (its tasks and their tracking) take the plan's agency."""

from django.db import migrations


def scope_from_plans(apps, schema_editor):
    AuditEntry = apps.get_model("audit", "AuditEntry")
    Plan = apps.get_model("plans", "Plan")
    for plan_id, agency_id in Plan.objects.values_list("pk", "agency_id"):
        AuditEntry.objects.filter(plan_id=plan_id, agency__isnull=True).update(agency_id=agency_id)


class Migration(migrations.Migration):

    dependencies = [
        ("plans", "0002_importsession"),
        ("audit", "0002_generic_scope"),
    ]

    operations = [
        migrations.RunPython(scope_from_plans, migrations.RunPython.noop),
    ]
