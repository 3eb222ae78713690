"""Reader responses cached by URL and data version: a shared permalink is computed once.

The key holds the data version (records.models.data_version), which moves whenever any
outlet, article, event or citation changes, so a cached page is never stale: an edit simply
makes new keys, and old entries age out. Pages differ for htmx (a partial) and history-restore
requests, so those are part of the key too.

Text answers (pages, CSV, JSON, SVG) are also kept gzipped, compressed once when first
computed, and the gzipped copy is what clients that accept gzip (every browser) are sent:
a 100,000-event events.csv goes out as 2.1 MB instead of 11 MB. Cached answers are the same
for every user, so they hold no secret for a compression attack (BREACH) to guess.
"""

from __future__ import annotations

import hashlib
from functools import partial, wraps

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string
from django.utils.translation import get_language

from deployments.records.models import data_version

# The largest response each cache keeps (larger ones are served but not kept): pages and chart
# images in "pages"; whole-data exports, which run to megabytes, in "exports", which holds few.
MAX_CACHED_BYTES = {"pages": 2 * 1024 * 1024, "exports": 32 * 1024 * 1024}
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Vary")
COMPRESSED_TYPES = ("text/", "application/json", "image/svg+xml")


def _key(request, version: str) -> str:
    htmx = request.htmx
    parts = [
        request.get_full_path(),
        "htmx" if htmx else "page",
        "restore" if htmx and htmx.history_restore_request else "",
        get_language() or "",
        version,
    ]
    # "page2": entries since gzipped bodies were kept; a shared cache may hold older ones.
    return "page2:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


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
        gzip_ok = bool(re_accepts_gzip.search(request.headers.get("Accept-Encoding", "")))
        # Two entries, so that a hit reads (and, from Redis, fetches) only the body it sends.
        kept = (gzip_ok and store.get(key + ":gzip")) or store.get(key)
        if kept is not None:
            status, headers, body = kept
            response = HttpResponse(body, status=status, headers=dict(headers))
            response["X-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if (
            response.status_code in (200, 400)
            and not response.streaming
            and len(response.content) <= MAX_CACHED_BYTES[cache]
        ):
            zipped = _gzipped(response)
            if zipped is not None:
                patch_vary_headers(response, ["Accept-Encoding"])
            headers = [(name, response[name]) for name in KEPT_HEADERS if name in response]
            entries = {key: (response.status_code, headers, response.content)}
            if zipped is not None:
                headers = [*headers, ("Content-Encoding", "gzip")]
                entries[key + ":gzip"] = (response.status_code, headers, zipped)
                if gzip_ok:
                    response.content = zipped
                    response["Content-Encoding"] = "gzip"
            store.set_many(entries, settings.PAGE_CACHE_SECONDS)
        response["X-Cache"] = "miss"
        return response

    return wrapper


def _gzipped(response: HttpResponse) -> bytes | None:
    """The body gzipped, if it is text and compresses; None otherwise."""
    body = response.content
    if not response.get("Content-Type", "").startswith(COMPRESSED_TYPES) or len(body) < 200:
        return None
    # Without GZipMiddleware's random padding: the same bytes (and ETag) from every worker,
    # and nothing cached here is secret (see above).
    zipped = compress_string(body)
    return zipped if len(zipped) < len(body) else None
