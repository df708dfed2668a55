"""TaskState moves beside the task and the status rule (plans 0004); its table tracking_taskstate and rows
stay."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [("tracking", "0007_notifications_leave_tracking")]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="TaskState")]),
    ]
