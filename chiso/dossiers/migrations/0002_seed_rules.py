"""The default points rules and rating bands of Decision 766 (editable afterwards; see indicators.py)."""

from django.db import migrations


def seed(apps, schema_editor):
    from chiso.dossiers.indicators import BY_CODE, DEFAULT_BANDS, DEFAULT_RULES

    Rule = apps.get_model("dossiers", "IndicatorRule")
    Band = apps.get_model("dossiers", "RatingBand")
    for order, (code, group, max_points, threshold, params, note) in enumerate(DEFAULT_RULES):
        Rule.objects.get_or_create(code=code, defaults={
            "name": BY_CODE[code].name, "group": group, "max_points": max_points, "threshold": threshold,
            "params": params, "note": note, "order": order})
    for min_score, label, note in DEFAULT_BANDS:
        Band.objects.get_or_create(min_score=min_score, defaults={"label": label, "note": note})


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
