"""Published events read as plain values for the charts and the data exports: one point or
row per event, or, for large result sets, monthly counts computed by the database.

Everything is read with `values_list` rather than model instances, each article body once
however many citations point into it, and each country name looked up once: an export of
100,000 events must not build 100,000 objects or load a body per citation.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from functools import cache

from django.db.models import CharField, Count, Q, Sum
from django.db.models.functions import Cast, Substr
from django.utils.translation import get_language
from django_countries import countries

from deployments.records.contributors import contributor_name
from deployments.records.models import Article, Citation, EventQuerySet

from . import exports
from .charts import NO_HOST, Bin, Point

POINT_FIELDS = (
    "id",
    "date",
    "date_precision",
    "host_country",
    "contributor",
    "kind",
    "quantity",
    "qualifier",
    "unit",
    "summary",
    "disputed",
)


@cache
def _country_name(code: str, language: str | None) -> str:
    return countries.name(code) or code


def host_name(code: str) -> str:
    return _country_name(code, get_language()) if code else NO_HOST


@cache
def _contributor_name(code: str, language: str | None) -> str:
    return contributor_name(code)


def _citations(events: EventQuerySet):
    """Citations of these events, in the order readers see them, without article bodies."""
    return Citation.objects.filter(event__in=events.order_by().values("pk"))


def _outlets(events: EventQuerySet) -> tuple[dict[int, set], dict[int, int]]:
    """Per event: its outlets' names (None for an article with no outlet), and its number of
    distinct articles, from one query."""
    outlets: dict[int, set[str | None]] = defaultdict(set)
    articles: dict[int, set[int]] = defaultdict(set)
    rows = (
        _citations(events).values_list("event_id", "article_id", "article__outlet__name").distinct()
    )
    for event_id, article_id, outlet in rows:
        outlets[event_id].add(outlet)
        articles[event_id].add(article_id)
    return outlets, {event_id: len(ids) for event_id, ids in articles.items()}


def _sources(events: EventQuerySet) -> dict[int, str]:
    outlets, _ = _outlets(events)
    return {
        event_id: exports.SOURCES_SEPARATOR.join(exports.source_names(names))
        for event_id, names in outlets.items()
    }


def export_rows(events: EventQuerySet) -> list[dict]:
    """/events.csv and /events.json rows, in date order, in two queries."""
    outlets, counts = _outlets(events)
    return [
        exports.event_row(values, outlets.get(values[0], ()), counts.get(values[0], 0))
        for values in events.order_by("date", "id").values_list(*exports.EVENT_FIELDS)
    ]


def export_records(events: EventQuerySet) -> list[dict]:
    """/events.json: the rows with their citations and quotes, in four queries."""
    rows = export_rows(events)
    articles = {
        pk: (outlet, title, url, body)
        for pk, outlet, title, url, body in Article.objects.filter(
            pk__in=_citations(events).values("article_id")
        ).values_list("pk", "outlet__name", "title", "url", "body")
    }
    cited: dict[int, list[dict]] = defaultdict(list)
    for event_id, article_id, start, end in _citations(events).values_list(
        "event_id", "article_id", "start", "end"
    ):
        cited[event_id].append(exports.citation_record(*articles[article_id], start, end))
    return [{**row, "citations": cited.get(row["id"], [])} for row in rows]


def timeline_points(events: EventQuerySet) -> list[Point]:
    """One point per event, in date order, in two queries whatever their number."""
    sources = _sources(events)
    language = get_language()
    return [
        Point(
            id=pk,
            date=day,
            date_precision=precision,
            host=host or "",
            host_name=_country_name(host, language) if host else NO_HOST,
            contributor=contributor,
            contributor_name=_contributor_name(contributor, language),
            kind=kind,
            quantity=quantity,
            qualifier=qualifier,
            unit=unit,
            summary=summary,
            sources=sources.get(pk, ""),
            disputed=disputed,
        )
        for (
            pk,
            day,
            precision,
            host,
            contributor,
            kind,
            quantity,
            qualifier,
            unit,
            summary,
            disputed,
        ) in events.order_by("date", "id").values_list(*POINT_FIELDS)
    ]


def density_bins(events: EventQuerySet, rows: str) -> list[Bin]:
    """Event counts (and troops mentioned) per row per month, in one grouped query.

    Months are the first seven characters of the ISO date, which both SQLite and PostgreSQL
    compute natively (TruncMonth runs a Python function per row on SQLite: 100,000 calls).
    """
    field = "host_country" if rows == "host" else "contributor"
    grouped = (
        events.order_by()
        .annotate(month=Substr(Cast("date", CharField()), 1, 7))
        .values(field, "month")
        .annotate(events=Count("id"), troops=Sum("quantity", filter=Q(unit="troops")))
        .order_by(field, "month")
    )
    name = host_name if rows == "host" else contributor_name
    grouped = list(grouped)
    names = {code: name(code) for code in {row[field] or "" for row in grouped}}
    return [
        Bin(
            row=row[field] or "",
            row_name=names[row[field] or ""],
            month=date.fromisoformat(f"{row['month']}-01"),
            events=row["events"],
            troops=row["troops"] or 0,
        )
        for row in grouped
    ]
