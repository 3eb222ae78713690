"""The Editors group: curate outlets, articles, events and citations; never manage users."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Editors"
MODELS = ["outlet", "article", "event", "citation"]
HISTORY_MODELS = [f"historical{model}" for model in MODELS]


def create_group(apps, schema_editor):
    app_config = apps.get_app_config("records")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    codenames = [
        f"{action}_{model}" for model in MODELS for action in ("add", "change", "delete", "view")
    ] + [f"view_{model}" for model in HISTORY_MODELS]
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="records", codename__in=codenames)
    )


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0002_citation_span_triggers"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
