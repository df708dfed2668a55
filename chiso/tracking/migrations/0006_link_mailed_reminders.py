"""Before notifications leave tracking (0007): the daily digest now carries notifications only (a reminder
is mailed as its notification), so the notifications of reminders already mailed are linked to the digest
that carried them (nothing is mailed twice), and the kinds of "n days before" reminders become one
registered kind. Data only, in its own migration: PostgreSQL refuses to alter a table in the transaction
that has just updated it."""

from datetime import timedelta

from django.db import migrations
from django.utils import timezone


def link_mailed_reminders(apps, schema_editor):
    Reminder = apps.get_model("tracking", "Reminder")
    Notification = apps.get_model("tracking", "Notification")
    # Only recent ones could still be mailed (chiso.notifications.digest.MAIL_WITHIN is 3 days).
    recent = timezone.now() - timedelta(days=4)
    for person, task, kind, text, digest in Reminder.objects.filter(
            digest__isnull=False, claimed_at__gte=recent).values_list("person_id", "task_id", "kind", "text",
                                                                      "digest_id"):
        Notification.objects.filter(user_id=person, task_id=task, kind=f"reminder_{kind}"[:30], text=text,
                                    digest__isnull=True).update(digest_id=digest)
    Notification.objects.filter(kind__startswith="reminder_before_").update(kind="reminder_before")


class Migration(migrations.Migration):

    dependencies = [("tracking", "0005_holiday_to_periods")]

    operations = [
        migrations.RunPython(link_mailed_reminders, migrations.RunPython.noop),
    ]
