"""ReportingRule and AdHocPeriod move to chiso.periods (migration periods 0001); their tables and rows stay."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [("reports", "0003_unit_report_reminded")]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.DeleteModel(name="ReportingRule"),
            migrations.DeleteModel(name="AdHocPeriod"),
        ]),
    ]
