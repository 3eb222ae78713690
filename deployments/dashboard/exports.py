"""Events as data rows for CSV and JSON: the column contract of /events.csv and /events.json.

Pure: it reads events already loaded with `EventQuerySet.with_sources()` (a `source_count`
annotation and prefetched citations with article and outlet) and runs no query of its own, so an
export costs the same few queries however many rows it has.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

COLUMNS = (
    "id",
    "date",
    "date_precision",
    "host_country",
    "contributor",
    "kind",
    "quantity",
    "qualifier",
    "unit",
    "permanence",
    "summary",
    "disputed",
    "source_count",
    "sources",
)

UNKNOWN_OUTLET = "unknown outlet"
SOURCES_SEPARATOR = "; "


def _outlet_name(article) -> str | None:
    return article.outlet.name if article.outlet_id else None


def source_names(event) -> list[str]:
    """Distinct outlet names, alphabetical, "unknown outlet" last: stable whatever the citations."""
    names = {_outlet_name(citation.article) for citation in event.citations.all()}
    known = sorted((name for name in names if name), key=lambda name: (name.casefold(), name))
    return [*known, UNKNOWN_OUTLET] if None in names else known


def event_row(event) -> dict[str, Any]:
    """One event as typed values in COLUMNS order (None where the quantity is unknown)."""
    return {
        "id": event.pk,
        "date": event.date.isoformat(),
        "date_precision": event.date_precision,
        "host_country": event.host_country.code or "",
        "contributor": event.contributor,
        "kind": event.kind,
        "quantity": event.quantity,
        "qualifier": event.qualifier,
        "unit": event.unit,
        "permanence": event.permanence,
        "summary": event.summary,
        "disputed": event.disputed,
        "source_count": event.source_count,
        "sources": SOURCES_SEPARATOR.join(source_names(event)),
    }


def citation_record(citation) -> dict[str, Any]:
    """A citation for JSON readers: the quote is empty while the article's text is not imported."""
    article = citation.article
    return {
        "outlet": _outlet_name(article),
        "title": article.title,
        "url": article.url or None,
        "quote": article.body[citation.start : citation.end] if article.body else "",
    }


def events_json_records(events: Iterable) -> list[dict[str, Any]]:
    return [
        {**event_row(event), "citations": [citation_record(c) for c in event.citations.all()]}
        for event in events
    ]


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def events_csv_text(events: Iterable) -> str:
    """RFC 4180 CSV (CRLF line ends) with a header row of COLUMNS."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for event in events:
        row = event_row(event)
        writer.writerow([_csv_value(row[column]) for column in COLUMNS])
    return out.getvalue()


TOTALS_COLUMNS = (
    "host_country",
    "contributor",
    "troops",
    "low",
    "high",
    "baseline_known",
    "event_ids",
)


def totals_rows(levels: Iterable) -> list[list[str]]:
    """Force levels (forces.Level) as /totals.csv rows: no upper bound is an empty `high`."""
    return [
        [
            level.host,
            level.contributor,
            str(level.troops),
            str(level.low),
            _csv_value(level.high),
            _csv_value(level.baseline_known),
            " ".join(str(event_id) for event_id in level.event_ids),
        ]
        for level in levels
    ]
