"""Events and force levels as data rows: the column contracts of /events.csv, /events.json and
/totals.csv.

Pure: it takes plain values (see event_data.py for how they are read) and runs no query, so an
export costs the same few queries however many rows it has.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
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
# The event fields read from the database, in COLUMNS order.
EVENT_FIELDS = COLUMNS[:12]

TOTALS_COLUMNS = (
    "host_country",
    "contributor",
    "troops",
    "low",
    "high",
    "baseline_known",
    "event_ids",
)

UNKNOWN_OUTLET = "unknown outlet"
SOURCES_SEPARATOR = "; "


def source_names(outlets: Iterable[str | None]) -> list[str]:
    """Distinct outlet names, alphabetical, "unknown outlet" last: stable whatever the order."""
    outlets = set(outlets)
    known = sorted((name for name in outlets if name), key=lambda name: (name.casefold(), name))
    return [*known, UNKNOWN_OUTLET] if None in outlets else known


def event_row(values: tuple, outlets: Iterable[str | None], source_count: int) -> dict[str, Any]:
    """One event (its EVENT_FIELDS values) as typed values in COLUMNS order."""
    row = dict(zip(EVENT_FIELDS, values, strict=True))
    row["date"] = row["date"].isoformat()
    row["host_country"] = row["host_country"] or ""
    row["source_count"] = source_count
    row["sources"] = SOURCES_SEPARATOR.join(source_names(outlets))
    return row


def citation_record(
    outlet: str | None, title: str, url: str, body: str, start: int, end: int
) -> dict[str, Any]:
    """A citation for JSON readers: the quote is empty while the article's text is not imported."""
    return {
        "outlet": outlet,
        "title": title,
        "url": url or None,
        "quote": body[start:end] if body else "",
    }


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def csv_text(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> str:
    """RFC 4180 CSV (CRLF line ends); None is empty, booleans are true/false."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([_csv_value(value) for value in row] for row in rows)
    return out.getvalue()


def events_csv_text(rows: Iterable[Mapping[str, Any]]) -> str:
    return csv_text(COLUMNS, ([row[column] for column in COLUMNS] for row in rows))


def totals_csv_text(levels: Iterable) -> str:
    """Force levels (forces.Level) as /totals.csv: no upper bound is an empty `high`."""
    return csv_text(
        TOTALS_COLUMNS,
        (
            [
                level.host,
                level.contributor,
                level.troops,
                level.low,
                level.high,
                level.baseline_known,
                " ".join(str(event_id) for event_id in level.event_ids),
            ]
            for level in levels
        ),
    )
