from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.home, name="home"),
    path("events.csv", views.events_csv, name="events_csv"),
    path("events.json", views.events_json, name="events_json"),
]
