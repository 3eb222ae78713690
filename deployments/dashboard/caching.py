"""Reader responses cached by URL and data version: a shared permalink is computed once.

The key holds the data version (records.models.data_version), which moves whenever any
outlet, article, event or citation changes, so a cached page is never stale: an edit simply
makes new keys, and old entries age out. Pages differ for htmx (a partial) and history-restore
requests, so those are part of the key too.
"""

from __future__ import annotations

import hashlib
from functools import partial, wraps

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.utils.translation import get_language

from deployments.records.models import data_version

# The largest response each cache keeps (larger ones are served but not kept): pages and chart
# images in "pages"; whole-data exports, which run to megabytes, in "exports", which holds few.
MAX_CACHED_BYTES = {"pages": 2 * 1024 * 1024, "exports": 32 * 1024 * 1024}
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Vary")


def _key(request, version: str) -> str:
    htmx = request.htmx
    parts = [
        request.get_full_path(),
        "htmx" if htmx else "page",
        "restore" if htmx and htmx.history_restore_request else "",
        get_language() or "",
        version,
    ]
    return "page:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


def cached_by_data_version(view=None, *, cache: str = "pages"):
    """Cache a GET view's 200 and 400 answers until the data changes, in the named cache."""
    if view is None:
        return partial(cached_by_data_version, cache=cache)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or not settings.PAGE_CACHE_SECONDS:
            return view(request, *args, **kwargs)
        key = _key(request, data_version())
        store = caches[cache]
        kept = store.get(key)
        if kept is not None:
            status, headers, body = kept
            response = HttpResponse(body, status=status)
            for name, value in headers:
                response[name] = value
            response["X-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if response.status_code in (200, 400) and not response.streaming:
            body = response.content
            if len(body) <= MAX_CACHED_BYTES[cache]:
                headers = [(name, response[name]) for name in KEPT_HEADERS if name in response]
                store.set(key, (response.status_code, headers, body), settings.PAGE_CACHE_SECONDS)
        response["X-Cache"] = "miss"
        return response

    return wrapper
