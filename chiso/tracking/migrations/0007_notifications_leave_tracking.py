"""Notifications and the daily digest move to chiso.notifications (migration notifications 0001); their
tables tracking_notification and tracking_digest and their rows stay. The two links the notifier must not
know about go first: Notification.task (a notification can be about anything) and Reminder.digest (the
digest carries the reminders' notifications, see 0006)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [("tracking", "0006_link_mailed_reminders")]

    operations = [
        migrations.RemoveIndex(model_name="notification", name="notification_unmailed_idx"),
        migrations.RemoveField(model_name="notification", name="task"),
        migrations.RemoveIndex(model_name="reminder", name="reminder_digest_idx"),
        migrations.RemoveField(model_name="reminder", name="digest"),
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.DeleteModel(name="Notification"),
            migrations.DeleteModel(name="Digest"),
        ]),
    ]
