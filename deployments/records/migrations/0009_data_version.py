"""The data version token and the triggers that change it: see records/data_version.py."""

from django.db import migrations

from deployments.records import data_version


class Migration(migrations.Migration):
    dependencies = [("records", "0008_event_version")]

    operations = [
        migrations.RunPython(data_version.create_table, data_version.drop_table),
        migrations.RunPython(data_version.create, data_version.drop),
    ]
