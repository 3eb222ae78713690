from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView


class Favicon(RedirectView):
    """Browsers ask for /favicon.ico on pages that name no icon (the admin's). Resolved per
    request: the hashed static name exists only once collectstatic has run."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs) -> str:
        return static("favicon.svg")


admin.site.site_header = "Deployment timelines: editors"
admin.site.site_title = "Deployment timelines"
admin.site.index_title = "Curate articles and deployment events"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("favicon.ico", Favicon.as_view()),
    path("", include("deployments.dashboard.urls")),
]
