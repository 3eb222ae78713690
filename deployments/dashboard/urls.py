from django.urls import path

from . import chart_images, views

app_name = "dashboard"

urlpatterns = [
    path("", views.timeline, name="home"),
    path("events/<int:pk>/", views.event_detail, name="event"),
    path("totals/", views.totals, name="totals"),
    path("totals.csv", views.totals_csv, name="totals_csv"),
    path("countries/<str:code>/", views.country, name="country"),
    path("events.csv", views.events_csv, name="events_csv"),
    path("events.json", views.events_json, name="events_json"),
    path("charts/<str:chart>.<str:fmt>", chart_images.chart_image, name="chart_image"),
]
