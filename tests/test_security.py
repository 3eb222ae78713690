"""Security headers and production settings: CSP, HTTPS, framing, and check --deploy."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

from .factories import cite, make_article, make_event


@pytest.fixture
def event(db):
    article = make_article("About 500 US troops arrived in Lithuania.")
    event = make_event()
    cite(event, article, "About 500 US troops arrived")
    return event


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


@pytest.mark.parametrize(
    "path", ["/", "/totals/", "/countries/LT/", "/events.csv", "/admin/login/"]
)
def test_every_page_forbids_inline_and_foreign_script_and_framing(client, event, path):
    csp = policy(client.get(path))
    script = csp["script-src"]
    # 'self', and the response's nonce when the page used it (for htmx's script tag)
    assert script[0] == "'self'" and all(value.startswith("'nonce-") for value in script[1:])
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert "'unsafe-eval'" not in " ".join(value for values in csp.values() for value in values)


def test_the_nonce_is_new_for_every_response_and_matches_the_pages_script(client, event):
    first, second = (client.get("/") for _ in range(2))
    nonces = [policy(response)["script-src"][1] for response in (first, second)]
    assert nonces[0] != nonces[1]
    assert f'nonce="{nonces[0][7:-1]}"' in first.content.decode()


def test_pages_carry_no_inline_script(client, event):
    page = client.get("/").content.decode()
    for tag in page.split("<script")[1:]:
        opening = tag.split(">", 1)[0]
        assert "src=" in opening or 'type="application/json"' in opening, opening


def test_chart_images_may_be_embedded_anywhere_and_run_nothing(client, event):
    response = client.get(reverse("dashboard:chart_image", args=["timeline", "svg"]))
    assert response.status_code == 200
    csp = policy(response)
    assert csp["frame-ancestors"] == ["*"]
    assert csp["default-src"] == ["'none'"] and "script-src" not in csp
    assert "X-Frame-Options" not in response


def test_html_pages_may_not_be_framed(client, event):
    assert client.get("/")["X-Frame-Options"] == "DENY"


def manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    """`manage.py ARGS` in a fresh process with exactly this environment."""
    return subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )


def test_production_settings_pass_check_deploy_and_redirect_to_https(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key != "DATABASE_URL"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="deployments.settings",
        DJANGO_SECRET_KEY="x" * 20 + "-a-long-random-production-secret-0123456789",
        DJANGO_ALLOWED_HOSTS="dashboard.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    check = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "no issues" in check.stdout
    probe = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE)"
    )
    shown = subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", probe],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout.split() == ["False", "True", "31536000", "True"]


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(DJANGO_SETTINGS_MODULE="deployments.settings", DJANGO_ALLOWED_HOSTS="x.org")
    done = manage(env, "check")
    assert done.returncode != 0
    assert done.stderr == (
        "manage.py: Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=true for local development).\n"
    ), "one line naming the variable, no traceback"


def test_a_bad_setting_in_the_environment_is_named_without_a_traceback():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "deployments.settings", "DJANGO_DEBUG": "maybe"}
    done = manage(env, "check")
    assert done.returncode == 1
    assert done.stderr == "manage.py: DJANGO_DEBUG must be true or false, not 'maybe'\n"
