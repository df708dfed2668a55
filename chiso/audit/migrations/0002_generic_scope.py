"""Audit entries get an agency scope (every agency's records can have a history, not only plans).

The agency is filled in for existing entries from their own snapshot (every record with an agency field
carries it); entries of tasks get theirs from the plan in plans 0003."""

from django.db import migrations, models


def scope_from_snapshots(apps, schema_editor):
    AuditEntry = apps.get_model("audit", "AuditEntry")
    by_agency: dict[int, list[int]] = {}
    for pk, before, after in AuditEntry.objects.filter(agency__isnull=True).values_list("pk", "before", "after"):
        for data in (after, before):
            value = data.get("agency") if isinstance(data, dict) else None
            if isinstance(value, int):
                by_agency.setdefault(value, []).append(pk)
                break
    for agency_id, ids in by_agency.items():
        for start in range(0, len(ids), 500):
            AuditEntry.objects.filter(pk__in=ids[start:start + 500]).update(agency_id=agency_id)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
        ("org", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry", name="agency",
            field=models.ForeignKey(blank=True, db_constraint=False, null=True,
                                    on_delete=models.deletion.DO_NOTHING, related_name="+", to="org.agency",
                                    verbose_name="cơ quan"),
        ),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["agency", "-at"], name="audit_agency_idx"),
        ),
        migrations.RunPython(scope_from_snapshots, migrations.RunPython.noop),
    ]
