"""Who is asking: the client's address, and how many costly requests it may make a minute.

Behind N trusted proxies (DJANGO_TRUSTED_PROXIES=N) the client is the address the outermost of
them saw, N places from the right of X-Forwarded-For; anything further left was written by the
client and is ignored. With no proxy, it is the socket's address. The login lockout
(django-axes) and the image rate limit both count per this address.
"""

from __future__ import annotations

import ipaddress
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches


def client_ip(request) -> str | None:
    """The client's address, or None when there is no valid one (axes stores it as NULL)."""
    proxies = settings.TRUSTED_PROXIES
    address = request.META.get("REMOTE_ADDR", "")
    if proxies:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [hop for hop in hops if hop]
        if len(hops) >= proxies:
            address = hops[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


@dataclass(frozen=True)
class Throttle:
    """At most as many requests from one client in each clock minute as the setting named
    `limit_setting` says (0: no limit); read on each request, so tests and operators can change it.

    Counted in the default cache, so several app servers sharing Redis share the count; with
    the local-memory cache each server process counts on its own.
    """

    scope: str
    limit_setting: str

    def limit(self) -> int:
        return getattr(settings, self.limit_setting)

    def wait(self, request) -> int:
        """0 if this request may go ahead (and count it), else seconds until it may."""
        limit = self.limit()
        if limit <= 0:
            return 0
        now = time.time()
        window = int(now // 60)
        key = f"throttle:{self.scope}:{client_ip(request) or 'unknown'}:{window}"
        cache = caches["default"]
        if cache.add(key, 1, timeout=70):
            return 0
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr: this request opens a new count
            cache.add(key, 1, timeout=70)
            return 0
        if count is None or count <= limit:  # None: a Redis that is down (IGNORE_EXCEPTIONS)
            return 0
        return max(1, math.ceil((window + 1) * 60 - now))
