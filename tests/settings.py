"""Test settings: the project's settings with a throwaway secret and fast hashing."""

import os
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-a-secret")
os.environ.setdefault("DJANGO_SSL_REDIRECT", "false")  # the test client and live server speak http

from deployments.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405

# Query-count tests measure the work a page does; tests of the page cache turn it on.
PAGE_CACHE_SECONDS = 0

# A file, not SQLite's shared in-memory database: Django's live server would otherwise hand
# one connection to all its request threads, and concurrent requests would trip over it.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"deployments-test-{os.getpid()}.sqlite3")
    }

# The image rate limit counts per client address, and every test client is 127.0.0.1: its own
# tests turn it on.
IMAGE_RENDERS_PER_MINUTE = 0

# pytest-django's live server serves static files through the finders only when it finds
# "django.contrib.staticfiles" by that name in INSTALLED_APPS; under the project's own config
# of it, it serves STATIC_ROOT, where collectstatic keeps hashed names only, and the browser
# tests' pages load no CSS or script. The config only narrows what collectstatic collects.
INSTALLED_APPS = [
    "django.contrib.staticfiles" if app == "deployments.dashboard.apps.StaticFilesConfig" else app
    for app in INSTALLED_APPS  # noqa: F405
]
