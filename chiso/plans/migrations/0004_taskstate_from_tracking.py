"""TaskState moves here from tracking (tracking 0007), beside the task and the status rule it feeds.
State only: the table tracking_taskstate and its rows stay; the content type follows the model."""

import django.db.models.deletion
from django.db import migrations, models


def relabel(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if ContentType.objects.filter(app_label="plans", model="taskstate").exists():
        ContentType.objects.filter(app_label="tracking", model="taskstate").delete()
    else:
        ContentType.objects.filter(app_label="tracking", model="taskstate").update(app_label="plans")


def unlabel(apps, schema_editor):
    apps.get_model("contenttypes", "ContentType").objects.filter(app_label="plans", model="taskstate").update(
        app_label="tracking")


class Migration(migrations.Migration):

    dependencies = [
        ("plans", "0003_audit_scope_from_plans"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("tracking", "0008_taskstate_to_plans"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name="TaskState",
                fields=[
                    ("task", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True,
                                                  related_name="tracking", serialize=False, to="plans.task",
                                                  verbose_name="nhiệm vụ")),
                    ("progress", models.PositiveSmallIntegerField(default=0, verbose_name="tiến độ (%)")),
                    ("reported", models.CharField(blank=True, choices=[("in_progress", "Đang thực hiện"),
                                                                       ("done", "Hoàn thành"),
                                                                       ("failed", "Không thực hiện được")],
                                                  max_length=12, verbose_name="trạng thái đã xác nhận")),
                    ("done_on", models.DateField(blank=True, null=True, verbose_name="ngày hoàn thành")),
                    ("fail_reason", models.TextField(blank=True, verbose_name="lý do không thực hiện được")),
                    ("has_updates", models.BooleanField(default=False, verbose_name="đã có báo cáo")),
                    ("pending", models.PositiveIntegerField(default=0, verbose_name="báo cáo chờ xác nhận")),
                    ("last_update_at", models.DateTimeField(blank=True, null=True, verbose_name="báo cáo gần nhất")),
                ],
                options={
                    "verbose_name": "tình trạng nhiệm vụ",
                    "verbose_name_plural": "tình trạng nhiệm vụ",
                    "db_table": "tracking_taskstate",
                },
            ),
        ]),
        migrations.RunPython(relabel, unlabel),
    ]
