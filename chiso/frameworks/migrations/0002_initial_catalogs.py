"""Load the initial catalogs of PAR INDEX, SIPAS, PAPI and PCI (chiso.frameworks.catalog)."""

from django.db import migrations


def load(apps, schema_editor):
    from chiso.frameworks.catalog import load_initial

    load_initial(apps)


class Migration(migrations.Migration):

    dependencies = [
        ("frameworks", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
