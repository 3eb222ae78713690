from django.apps import AppConfig


class RecordsConfig(AppConfig):
    verbose_name = "Deployment records"
    name = "deployments.records"
    label = "records"
    default_auto_field = "django.db.models.BigAutoField"
