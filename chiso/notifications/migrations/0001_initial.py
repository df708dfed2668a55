"""Notifications get a home: Notification and Digest move here from tracking (tracking 0006).

State only: their tables (tracking_notification, tracking_digest), indexes, constraint and rows stay as they
are. Their content types follow the models (admin permissions granted on them still hold)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ("notification", "digest")


def relabel(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if ContentType.objects.filter(app_label="notifications", model=model).exists():
            ContentType.objects.filter(app_label="tracking", model=model).delete()
        else:
            ContentType.objects.filter(app_label="tracking", model=model).update(app_label="notifications")


def unlabel(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="notifications", model__in=MOVED).update(app_label="tracking")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
        ("tracking", "0007_notifications_leave_tracking"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name="Digest",
                fields=[
                    ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                               verbose_name="ID")),
                    ("day", models.DateField(verbose_name="ngày")),
                    ("claim_token", models.CharField(max_length=32)),
                    ("claimed_at", models.DateTimeField()),
                    ("sent_at", models.DateTimeField(blank=True, null=True)),
                    ("person", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                                 to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    "verbose_name": "thư nhắc việc hằng ngày",
                    "verbose_name_plural": "thư nhắc việc hằng ngày",
                    "db_table": "tracking_digest",
                    "indexes": [models.Index(fields=["sent_at", "claimed_at"], name="digest_unsent_idx")],
                    "constraints": [models.UniqueConstraint(fields=("person", "day"),
                                                            name="digest_once_per_person_day",
                                                            violation_error_message="Mỗi người một thư mỗi ngày.")],
                },
            ),
            migrations.CreateModel(
                name="Notification",
                fields=[
                    ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                               verbose_name="ID")),
                    ("kind", models.CharField(max_length=30, verbose_name="loại")),
                    ("text", models.CharField(max_length=500, verbose_name="nội dung")),
                    ("url", models.CharField(blank=True, max_length=300, verbose_name="đường dẫn")),
                    ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="thời điểm")),
                    ("read_at", models.DateTimeField(blank=True, null=True, verbose_name="đã đọc lúc")),
                    ("digest", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                                 related_name="notices", to="notifications.digest",
                                                 verbose_name="thư hằng ngày")),
                    ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                               related_name="notifications", to=settings.AUTH_USER_MODEL,
                                               verbose_name="người nhận")),
                ],
                options={
                    "verbose_name": "thông báo",
                    "verbose_name_plural": "thông báo",
                    "db_table": "tracking_notification",
                    "ordering": ["-created_at", "-id"],
                    "indexes": [models.Index(fields=["user", "read_at", "-created_at"],
                                             name="notification_user_idx")],
                },
            ),
        ]),
        migrations.RunPython(relabel, unlabel),
    ]
