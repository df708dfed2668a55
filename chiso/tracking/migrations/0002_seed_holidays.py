"""Vietnam's public holidays 2025–2028 as editable rows (make-up working days are added by hand)."""

from django.db import migrations


def seed(apps, schema_editor):
    import holidays

    Holiday = apps.get_model("tracking", "Holiday")
    existing = set(Holiday.objects.values_list("date", flat=True))
    rows = [Holiday(date=day, name=name[:150], is_day_off=True)
            for day, name in sorted(holidays.country_holidays("VN", years=range(2025, 2029), language="vi").items())
            if day not in existing]
    Holiday.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("tracking", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
