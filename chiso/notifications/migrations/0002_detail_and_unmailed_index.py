"""A notification's detail (the plan of a task reminder, printed as a column of the daily mail), and the
index of what waits for the mail: every notification not carried by a digest yet (the kind decides)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("notifications", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="detail",
            field=models.CharField(blank=True, help_text="Ví dụ số kế hoạch của nhiệm vụ; in thành một cột trong thư "
                                   "hằng ngày.", max_length=200, verbose_name="thuộc"),
        ),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(condition=models.Q(("digest__isnull", True)), fields=["created_at", "user"],
                               name="notification_unmailed_idx"),
        ),
    ]
