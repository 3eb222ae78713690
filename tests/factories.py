"""Small factories for test data: real rows in the real test database."""

from __future__ import annotations

import itertools
from datetime import date

from deployments.records.citations import locate
from deployments.records.models import Article, Citation, Event, Outlet, text_sha256

_counter = itertools.count(1)


def make_outlet(name: str | None = None, **fields) -> Outlet:
    return Outlet.objects.create(name=name or f"Outlet {next(_counter)}", **fields)


def make_article(body: str = "", *, sha256: str | None = None, **fields) -> Article:
    """An article; with a body its sha256 is the body's, without one a made-up digest."""
    if sha256 is None:
        sha256 = text_sha256(body or f"article-{next(_counter)}")
    fields.setdefault("title", f"Article {next(_counter)}")
    fields.setdefault("published", date(2022, 2, 9))
    return Article.objects.create(body=body, sha256=sha256, **fields)


def make_event(**fields) -> Event:
    defaults = {
        "date": date(2022, 2, 9),
        "host_country": "LT",
        "contributor": "US",
        "kind": Event.Kind.PRESENCE,
        "quantity": 500,
        "qualifier": Event.Qualifier.ABOUT,
        "unit": Event.Unit.TROOPS,
        "summary": "About 500 US troops rotate through Lithuania",
        "status": Event.Status.PUBLISHED,
    }
    defaults.update(fields)
    return Event.objects.create(**defaults)


def cite(event: Event, article: Article, quote: str, occurrence: int = 0) -> Citation:
    """Cite `quote` (which must occur in the article body) for `event`."""
    span = locate(article.body, quote)[occurrence]
    return Citation.objects.create(event=event, article=article, start=span.start, end=span.end)
