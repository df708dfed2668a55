"""Periods get a home: Holiday (from tracking), ReportingRule and AdHocPeriod (from reports) move here.

State only: their tables (tracking_holiday, reports_reportingrule, reports_adhocperiod), constraints and rows
stay as they are. The content types follow the models (so admin permissions granted on them still hold), and
the audit entries of the moved records keep pointing at them."""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

MOVED = {"holiday": "tracking", "reportingrule": "reports", "adhocperiod": "reports"}


def relabel(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    AuditEntry = apps.get_model("audit", "AuditEntry")
    for model, old_app in MOVED.items():
        if ContentType.objects.filter(app_label="periods", model=model).exists():
            ContentType.objects.filter(app_label=old_app, model=model).delete()
        else:
            ContentType.objects.filter(app_label=old_app, model=model).update(app_label="periods")
        AuditEntry.objects.filter(model=f"{old_app}.{model}").update(model=f"periods.{model}")


def unlabel(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    AuditEntry = apps.get_model("audit", "AuditEntry")
    for model, old_app in MOVED.items():
        ContentType.objects.filter(app_label="periods", model=model).update(app_label=old_app)
        AuditEntry.objects.filter(model=f"periods.{model}").update(model=f"{old_app}.{model}")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("org", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("audit", "0002_generic_scope"),
        ("tracking", "0005_holiday_to_periods"),
        ("reports", "0004_calendar_to_periods"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
                migrations.CreateModel(
                    name='Holiday',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('date', models.DateField(unique=True, verbose_name='ngày')),
                        ('name', models.CharField(max_length=150, verbose_name='tên')),
                        ('is_day_off', models.BooleanField(default=True, help_text='Bỏ chọn khi đây là ngày làm việc bù vào cuối tuần.', verbose_name='ngày nghỉ')),
                    ],
                    options={
                        'verbose_name': 'ngày nghỉ lễ, làm bù',
                        'verbose_name_plural': 'lịch nghỉ lễ, làm bù',
                        'db_table': 'tracking_holiday',
                        'ordering': ['date'],
                    },
                ),
                migrations.CreateModel(
                    name='AdHocPeriod',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('year', models.PositiveSmallIntegerField(verbose_name='năm')),
                        ('number', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1)], verbose_name='số thứ tự')),
                        ('title', models.CharField(max_length=300, verbose_name='nội dung yêu cầu')),
                        ('start', models.DateField(verbose_name='số liệu từ ngày')),
                        ('end', models.DateField(verbose_name='đến ngày')),
                        ('unit_due', models.DateField(verbose_name='hạn đơn vị')),
                        ('agency_due', models.DateField(verbose_name='hạn cơ quan')),
                        ('agency', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='adhoc_periods', to='org.agency', verbose_name='cơ quan')),
                    ],
                    options={
                        'verbose_name': 'báo cáo đột xuất',
                        'verbose_name_plural': 'báo cáo đột xuất',
                        'db_table': 'reports_adhocperiod',
                        'ordering': ['agency', 'year', 'number'],
                        'constraints': [models.UniqueConstraint(fields=('agency', 'year', 'number'), name='adhoc_period_unique', violation_error_message='Số thứ tự báo cáo đột xuất đã có.'), models.CheckConstraint(condition=models.Q(('start__lte', models.F('end'))), name='adhoc_period_ordered', violation_error_message='Ngày bắt đầu phải trước ngày kết thúc.')],
                    },
                ),
                migrations.CreateModel(
                    name='ReportingRule',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('month', 'Hằng tháng'), ('q1', 'Quý I'), ('h1', '6 tháng'), ('q3', 'Quý III'), ('year', 'Năm')], max_length=8, verbose_name='loại kỳ')),
                        ('start_months_before', models.PositiveSmallIntegerField(help_text='Quý I: 3 (từ 15/12 năm trước); năm: 12.', validators=[django.core.validators.MaxValueValidator(24)], verbose_name='số liệu từ (số tháng trước tháng cuối kỳ)')),
                        ('start_day', models.PositiveSmallIntegerField(default=15, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(31)], verbose_name='ngày bắt đầu lấy số liệu')),
                        ('end_day', models.PositiveSmallIntegerField(default=14, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(31)], verbose_name='ngày chốt số liệu (tháng cuối kỳ)')),
                        ('unit_day', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(31)], verbose_name='hạn đơn vị gửi Văn phòng')),
                        ('office_day', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(31)], verbose_name='hạn Văn phòng trình dự thảo')),
                        ('agency_day', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(31)], verbose_name='hạn cơ quan gửi Sở Nội vụ')),
                        ('province_day', models.PositiveSmallIntegerField(default=20, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(31)], verbose_name='hạn tỉnh báo cáo Bộ Nội vụ')),
                        ('draft_days_before', models.PositiveSmallIntegerField(default=5, help_text='Số ngày trước hạn của đơn vị để tự lập dự thảo và báo đơn vị, Văn phòng; 0: không tự lập.', validators=[django.core.validators.MaxValueValidator(60)], verbose_name='tự lập dự thảo trước hạn (ngày)')),
                        ('agency', models.ForeignKey(blank=True, help_text='Để trống: lịch mặc định cho mọi cơ quan.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='reporting_rules', to='org.agency', verbose_name='cơ quan')),
                    ],
                    options={
                        'verbose_name': 'lịch báo cáo',
                        'verbose_name_plural': 'lịch báo cáo',
                        'db_table': 'reports_reportingrule',
                        'ordering': ['agency_id', 'kind'],
                        'constraints': [models.UniqueConstraint(fields=('agency', 'kind'), name='reporting_rule_unique', violation_error_message='Cơ quan đã có lịch cho loại kỳ này.'), models.UniqueConstraint(condition=models.Q(('agency__isnull', True)), fields=('kind',), name='reporting_rule_default_unique', violation_error_message='Đã có lịch mặc định cho loại kỳ này.'), models.CheckConstraint(condition=models.Q(('unit_day__lte', models.F('office_day')), ('office_day__lte', models.F('agency_day')), ('agency_day__lte', models.F('province_day'))), name='reporting_rule_levels_ordered', violation_error_message='Hạn của cấp dưới phải trước hạn của cấp trên.')],
                    },
                ),
        ]),
        migrations.RunPython(relabel, unlabel),
    ]
