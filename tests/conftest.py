"""Browser tests drive Debian's Chromium (never a downloaded browser) through Playwright."""

import os

import pytest

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


@pytest.fixture
def editor(db):
    """A staff login in the Editors group (made by migration), as create_editor makes one."""
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user("eddie", password="not-used-here", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
