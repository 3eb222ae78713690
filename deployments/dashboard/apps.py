from django.apps import AppConfig
from django.contrib.staticfiles.apps import StaticFilesConfig as BaseStaticFilesConfig


class DashboardConfig(AppConfig):
    name = "deployments.dashboard"
    label = "dashboard"
    default_auto_field = "django.db.models.BigAutoField"


class StaticFilesConfig(BaseStaticFilesConfig):
    """Collect only what pages load from plotly's package folder: plotly.min.js, not its
    5 MB Jupyter widget bundle, datasets or templates (each collected file is also compressed,
    twice, and that dominated collectstatic)."""

    ignore_patterns = [
        *BaseStaticFilesConfig.ignore_patterns,
        "widgetbundle.js",
        "datasets",
        "templates",
    ]
