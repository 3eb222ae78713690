"""The project's URLs plus /bench/constant/, a view that returns a constant: the ceiling that
Django, its middleware and gunicorn allow on this machine."""

from django.http import HttpResponse
from django.urls import path

from deployments.urls import urlpatterns as project_urlpatterns


def constant(request):
    return HttpResponse(b"ok\n", content_type="text/plain")


urlpatterns = [path("bench/constant/", constant), *project_urlpatterns]
