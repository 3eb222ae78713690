"""Integrity across tables that a CHECK constraint cannot express: see records/triggers.py."""

from django.db import migrations

from deployments.records import triggers


class Migration(migrations.Migration):
    dependencies = [("records", "0001_initial")]

    operations = [migrations.RunPython(triggers.create, triggers.drop)]
