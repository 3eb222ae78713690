"""Browser tests drive Debian's Chromium (never a downloaded browser) through Playwright."""

import os
import socket

import pytest
from hypothesis import settings as hypothesis_settings

# Property tests check results, not speed: a loaded CI machine must not fail them on
# hypothesis's 200 ms deadline.
hypothesis_settings.register_profile("no-deadline", deadline=None)
hypothesis_settings.load_profile("no-deadline")

# Django's live_server runs beside Playwright's sync API, which holds an event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"Chromium is not at {CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)"
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


EDITOR_PASSWORD = "a-long-test-pass-123"


def free_port() -> int:
    """A loopback port nothing listens on, for a server a test starts (gunicorn, Redis)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def editors_group():
    """The Editors group its data migration made. A transactional test that follows others may
    find it flushed away; then the migration's own function makes it again."""
    from importlib import import_module

    from django.apps import apps
    from django.contrib.auth.models import Group

    migration = import_module("deployments.records.migrations.0003_editors_group")
    if not Group.objects.filter(name=migration.GROUP).exists():
        config = apps.get_app_config("records")
        models_module = config.models_module  # the function marks it, as a migration would
        try:
            migration.create_group(apps, None)
        finally:
            config.models_module = models_module
    return Group.objects.get(name=migration.GROUP)


@pytest.fixture
def editor(db):
    """A staff login in the Editors group, as create_editor makes one."""
    from django.contrib.auth.models import User

    user = User.objects.create_user("eddie", password=EDITOR_PASSWORD, is_staff=True)
    user.groups.add(editors_group())
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
