"""The default reporting calendar (Văn bản 581/BNV-CCHC): editable rows, not constants.

Cut-off windows: quý I 15/12 (năm trước) – 14/3; 6 tháng 15/12 – 14/6; quý III 15/6 – 14/9;
năm 15/12 – 14/12; hằng tháng 15 tháng trước – 14. Inside the province each level reports earlier than
the one above: units 15th → office drafts by the 16th → agency to Sở Nội vụ 18th → province 20th."""

from django.db import migrations

DEFAULTS = [
    # kind, months before the last month, start day, end day, unit, office, agency, province, draft days before
    ("month", 1, 15, 14, 15, 16, 18, 20, 0),  # monthly reports are optional: not drafted automatically
    ("q1", 3, 15, 14, 15, 16, 18, 20, 5),
    ("h1", 6, 15, 14, 15, 16, 18, 20, 5),
    ("q3", 3, 15, 14, 15, 16, 18, 20, 5),
    ("year", 12, 15, 14, 15, 16, 18, 20, 5),
]


def create(apps, schema_editor):
    Rule = apps.get_model("reports", "ReportingRule")
    for kind, before, start, end, unit, office, agency, province, draft in DEFAULTS:
        Rule.objects.get_or_create(agency=None, kind=kind, defaults=dict(
            start_months_before=before, start_day=start, end_day=end, unit_day=unit, office_day=office,
            agency_day=agency, province_day=province, draft_days_before=draft))


def remove(apps, schema_editor):
    apps.get_model("reports", "ReportingRule").objects.filter(agency=None).delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
