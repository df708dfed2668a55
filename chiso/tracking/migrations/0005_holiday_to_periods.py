"""Holiday moves to chiso.periods (migration periods 0001); its table tracking_holiday and rows stay."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [("tracking", "0004_notification_digest")]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="Holiday")]),
    ]
