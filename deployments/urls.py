from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Deployment timelines: editors"
admin.site.site_title = "Deployment timelines"
admin.site.index_title = "Curate articles and deployment events"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("deployments.dashboard.urls")),
]
