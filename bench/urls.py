"""The project's URLs plus /bench/constant/, a view that returns a constant: the ceiling that
Django, its middleware and gunicorn allow on this machine. ?bytes=N makes the constant N bytes
long, for the ceiling of a big response."""

from functools import cache

from django.http import HttpResponse
from django.urls import path

from deployments.urls import urlpatterns as project_urlpatterns


@cache
def _body(size: int) -> bytes:
    line = b"0123456789,abcdefghijklmnopqrstuvwxyz,0123456789\n"
    return (line * (size // len(line) + 1))[:size]


def constant(request):
    return HttpResponse(_body(int(request.GET.get("bytes", 3))), content_type="text/plain")


urlpatterns = [path("bench/constant/", constant), *project_urlpatterns]
