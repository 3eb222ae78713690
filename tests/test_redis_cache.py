"""The cache on a real Redis server (REDIS_URL), as several app servers share it: pages and
images are kept there and never served stale, rate counts are shared, and a Redis that goes
away costs speed, never an error."""

from __future__ import annotations

import shutil
import subprocess
import time

import pytest
import redis
from django.core.cache import caches
from django.test import RequestFactory

from deployments.clients import Throttle
from deployments.settings import cache_settings

from .conftest import free_port
from .factories import make_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_url(tmp_path):
    server_path = shutil.which("redis-server")
    if server_path is None:
        pytest.fail("redis-server is not installed: apt-get install redis-server")
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 (Debian's redis-server, on a free port)
        [
            server_path,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                server.kill()
                pytest.fail("redis-server did not start")
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    server.kill()
    server.wait()


@pytest.fixture
def on_redis(settings, redis_url):
    settings.CACHES = cache_settings(redis_url)
    settings.PAGE_CACHE_SECONDS = 60
    yield redis.Redis.from_url(redis_url)
    for cache in caches.all():
        cache.close()


def test_without_redis_url_each_process_keeps_its_own_memory_cache():
    assert {c["BACKEND"] for c in cache_settings("").values()} == {
        "django.core.cache.backends.locmem.LocMemCache"
    }


def test_pages_are_kept_in_redis_and_served_from_it(client, on_redis):
    make_event(summary="About 500 US troops")
    first = client.get("/events.csv")
    assert first["X-Cache"] == "miss"
    assert any(key.startswith(b"exports:") for key in on_redis.keys("*"))
    second = client.get("/events.csv")
    assert second["X-Cache"] == "hit"
    assert second.content == first.content


def test_an_edit_is_never_served_stale_from_redis(client, on_redis):
    event = make_event(summary="First wording")
    client.get("/")
    event.summary = "Second wording"
    event.save()
    response = client.get("/")
    assert response["X-Cache"] == "miss"
    assert b"Second wording" in response.content


def test_rate_counts_are_kept_in_redis(on_redis, settings):
    settings.IMAGE_RENDERS_PER_MINUTE = 2
    throttle = Throttle("test", "IMAGE_RENDERS_PER_MINUTE")
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.3")
    waits = [throttle.wait(request) for _ in range(3)]
    assert waits[:2] == [0, 0] and waits[2] > 0
    assert on_redis.keys("*throttle:test:198.51.100.3:*")


def test_a_redis_that_goes_away_costs_speed_not_errors(client, on_redis, settings):
    make_event(summary="About 500 US troops")
    assert client.get("/").status_code == 200
    on_redis.shutdown(nosave=True)
    for _ in range(2):
        response = client.get("/")
        assert response.status_code == 200
        assert response["X-Cache"] == "miss"
        assert b"About 500 US troops" in response.content
    settings.IMAGE_RENDERS_PER_MINUTE = 1
    throttle = Throttle("test", "IMAGE_RENDERS_PER_MINUTE")
    request = RequestFactory().get("/")
    assert [throttle.wait(request) for _ in range(3)] == [0, 0, 0]
