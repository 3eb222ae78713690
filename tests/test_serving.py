"""Production serving, for real: gunicorn with two worker processes and the production
settings (DEBUG off, WhiteNoise, each worker its own page cache), on the test database.

The static files are the collected ones (`make static`, a prerequisite of `make test`); a
checkout without them collects them here first.
"""

from __future__ import annotations

import gzip
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from .conftest import free_port
from .factories import make_event

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db(transaction=True)


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    return f"postgres://{user}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture(scope="module")
def static_root():
    root = Path(settings.STATIC_ROOT)
    if not (root / "staticfiles.json").exists():
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "deployments.settings"}
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
    return root


@pytest.fixture(scope="module")
def gunicorn(django_db_setup, django_db_blocker, static_root, tmp_path_factory):
    """The base URL of gunicorn serving the test database with two workers."""
    with django_db_blocker.unblock():
        database_url = _database_url()
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "deployments.settings",
        "DATABASE_URL": database_url,
        "DJANGO_SECRET_KEY": "serving-test-secret-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SSL_REDIRECT": "false",
        "DJANGO_HSTS_SECONDS": "0",
        "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_STATIC_ROOT": str(static_root),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "2",
    }
    log = tmp_path_factory.mktemp("gunicorn") / "log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:deployments.gunicorn"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/events.json", timeout=5).read()  # noqa: S310
            break
        except (urllib.error.URLError, ConnectionError):
            if server.poll() is not None or time.monotonic() > deadline:
                os.killpg(server.pid, signal.SIGKILL)
                pytest.fail("gunicorn did not start:\n" + log.read_text())
            time.sleep(0.2)
    yield base
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


def _get(url: str, **headers):
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (our own server)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_pages_are_served_by_gunicorn_with_the_production_headers(gunicorn):
    make_event(summary="About 500 US troops")
    status, headers, body = _get(gunicorn + "/")
    assert status == 200
    assert headers["Server"] == "gunicorn"
    assert "script-src 'self' 'nonce-" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert b"About 500 US troops" in body


def test_pages_are_sent_gzipped_with_their_length_to_clients_that_accept_it(gunicorn):
    make_event(summary="About 500 US troops")
    for _ in range(3):  # computed, then from the cache, in whichever worker answers
        status, headers, body = _get(gunicorn + "/", **{"Accept-Encoding": "gzip, br"})
        assert status == 200
        assert headers["Content-Encoding"] == "gzip"
        assert int(headers["Content-Length"]) == len(body)
        assert b"About 500 US troops" in gzip.decompress(body)


def test_hashed_static_files_are_compressed_and_cached_for_a_year_or_more(gunicorn, static_root):
    status, _, page = _get(gunicorn + "/")
    assert status == 200
    plotly = page.split(b'src="', 2)[1].split(b'"')[0].decode()
    assert plotly.startswith("/static/plotly/plotly.min.") and plotly.endswith(".js")
    raw_size = (static_root / plotly.removeprefix("/static/")).stat().st_size
    for encoding in ("br", "gzip"):
        status, headers, body = _get(gunicorn + plotly, **{"Accept-Encoding": encoding})
        assert status == 200
        assert headers["Content-Encoding"] == encoding
        assert "immutable" in headers["Cache-Control"]
        max_age = int(headers["Cache-Control"].split("max-age=")[1].split(",")[0])
        assert max_age >= 365 * 24 * 3600
        assert len(body) < raw_size / 3


def test_only_hashed_names_are_served(gunicorn):
    assert _get(gunicorn + "/static/plotly/plotly.min.js")[0] == 404


def test_an_edit_is_seen_through_every_worker_at_once(gunicorn):
    """Each worker keeps its own page cache; the data version in the key keeps them right."""
    event = make_event(summary="First wording")
    for _ in range(12):
        assert b"First wording" in _get(gunicorn + "/events.csv")[2]
    event.summary = "Second wording"
    event.save()
    for _ in range(12):
        status, _, body = _get(gunicorn + "/events.csv")
        assert status == 200
        assert b"Second wording" in body and b"First wording" not in body
