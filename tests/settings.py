"""Test settings: the project's settings with a throwaway secret and fast hashing."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-a-secret")

from deployments.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405

# Query-count tests measure the work a page does; tests of the page cache turn it on.
PAGE_CACHE_SECONDS = 0
