"""The default reporting calendar (Văn bản 581/BNV-CCHC) as editable rows: see chiso.periods.models.DEFAULT_RULES
(the model moved to chiso.periods later; its table did not)."""

from django.db import migrations

from chiso.periods.models import ensure_default_rules


def create(apps, schema_editor):
    ensure_default_rules(apps.get_model("reports", "ReportingRule"))


def remove(apps, schema_editor):
    apps.get_model("reports", "ReportingRule").objects.filter(agency=None).delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
