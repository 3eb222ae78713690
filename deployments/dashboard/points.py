"""Published events as the plain data the figure builders take: one point per event, or, for
large result sets, monthly counts computed by the database."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django_countries import countries

from deployments.records.contributors import contributor_name
from deployments.records.models import Event, EventQuerySet

from .charts import NO_HOST, Bin, Point
from .exports import source_names


def host_name(code: str) -> str:
    return countries.name(code) or code if code else NO_HOST


def timeline_points(events: Iterable[Event]) -> list[Point]:
    """Events loaded with `with_sources()`: no query per event."""
    return [
        Point(
            id=event.pk,
            date=event.date,
            date_precision=event.date_precision,
            host=event.host_country.code or "",
            host_name=host_name(event.host_country.code or ""),
            contributor=event.contributor,
            contributor_name=contributor_name(event.contributor),
            kind=event.kind,
            quantity=event.quantity,
            qualifier=event.qualifier,
            unit=event.unit,
            summary=event.summary,
            sources="; ".join(source_names(event)),
            disputed=event.disputed,
        )
        for event in events
    ]


def density_bins(events: EventQuerySet, rows: str) -> list[Bin]:
    """Event counts (and troops mentioned) per row per month, in one grouped query."""
    field = "host_country" if rows == "host" else "contributor"
    grouped = (
        events.order_by()
        .annotate(month=TruncMonth("date"))
        .values(field, "month")
        .annotate(events=Count("id"), troops=Sum("quantity", filter=Q(unit="troops")))
        .order_by(field, "month")
    )
    name = host_name if rows == "host" else contributor_name
    return [
        Bin(
            row=row[field] or "",
            row_name=name(row[field] or ""),
            month=row["month"],
            events=row["events"],
            troops=row["troops"] or 0,
        )
        for row in grouped
    ]
