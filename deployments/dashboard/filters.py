"""The reader's filters, parsed once from the query string for every page and export.

One parser for all of them, so a shared link means the same thing on the list, in the CSV and in
the JSON. A value that makes no sense is an error that names the parameter and the value: a
reader who mistypes a URL learns why, instead of getting a silently different result. Pure: no
database, so it is cheap to call before any query runs and easy to test.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from urllib.parse import urlencode

from django_countries import countries

from deployments.records.contributors import is_contributor
from deployments.records.models import EventKind, Unit

Q_MAX_LENGTH = 200
DISPUTED_CHOICES = ("include", "exclude", "only")

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class FilterError(ValueError):
    """A query parameter whose value makes no sense; str() is the message a reader sees."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(f"{param}: {message}")
        self.param = param
        self.message = message


@dataclass(frozen=True)
class EventFilters:
    host: tuple[str, ...] = ()
    contributor: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    unit: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""
    disputed: str = "include"

    @property
    def is_empty(self) -> bool:
        return self == EventFilters()

    def query_string(self) -> str:
        """The canonical query string for these filters, for links that keep the same view."""
        pairs: list[tuple[str, str]] = [
            *(("host", value) for value in self.host),
            *(("contributor", value) for value in self.contributor),
            *(("kind", value) for value in self.kind),
            *(("unit", value) for value in self.unit),
        ]
        if self.date_from:
            pairs.append(("from", self.date_from.isoformat()))
        if self.date_to:
            pairs.append(("to", self.date_to.isoformat()))
        if self.q:
            pairs.append(("q", self.q))
        if self.disputed != "include":
            pairs.append(("disputed", self.disputed))
        return urlencode(pairs)


def _shown(value: str, limit: int = 40) -> str:
    """The value as the reader gave it, quoted, and cut short so an error stays one line."""
    return repr(value if len(value) <= limit else value[:limit] + "…")


class _Params:
    """Read a QueryDict-like mapping, treating empty values as absent."""

    def __init__(self, data: Mapping) -> None:
        self.data = data

    def values(self, name: str) -> list[str]:
        raw = self.data.getlist(name) if hasattr(self.data, "getlist") else [self.data.get(name)]
        return [value.strip() for value in raw if value is not None and value.strip()]

    def single(self, name: str) -> str | None:
        values = list(dict.fromkeys(self.values(name)))
        if len(values) > 1:
            given = ", ".join(_shown(value) for value in values)
            raise FilterError(name, f"give one value, not several ({given})")
        return values[0] if values else None


def _codes(
    params: _Params,
    name: str,
    normalize: Callable[[str], str],
    check: Callable[[str], bool],
    what: str,
) -> tuple[str, ...]:
    codes = []
    for value in params.values(name):
        code = normalize(value)
        # ASCII only: "ß".upper() is "SS" (South Sudan), a code the reader never gave.
        if not value.isascii() or not check(code):
            raise FilterError(name, f"{_shown(value)} is not {what}")
        codes.append(code)
    return tuple(dict.fromkeys(codes))


def _is_country(code: str) -> bool:
    return len(code) == 2 and code.isalpha() and code in countries


def parse_date(value: str, name: str) -> date:
    """A strict YYYY-MM-DD date, or a FilterError naming the parameter."""
    if not _ISO_DATE.fullmatch(value):
        raise FilterError(name, f"{_shown(value)} is not a date in the form YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FilterError(name, f"{_shown(value)} is not a real date") from None


def single_value(data: Mapping, name: str) -> str | None:
    """One non-empty value of a parameter that takes one (several is an error)."""
    return _Params(data).single(name)


def _date(params: _Params, name: str) -> date | None:
    value = params.single(name)
    return None if value is None else parse_date(value, name)


def parse_filters(data: Mapping) -> EventFilters:
    """Parse a request's GET parameters; raise FilterError on the first value that makes no sense.

    Unknown parameter names are ignored, so links with tracking or paging parameters still work.
    """
    params = _Params(data)
    host = _codes(params, "host", str.upper, _is_country, "an ISO 3166-1 alpha-2 country code")
    contributor = _codes(
        params,
        "contributor",
        str.upper,
        is_contributor,
        "a country code (ISO 3166-1 alpha-2) or a known organisation code",
    )
    kind = _codes(
        params,
        "kind",
        str.lower,
        EventKind.values.__contains__,
        f"an event kind (one of {', '.join(EventKind.values)})",
    )
    unit = _codes(
        params,
        "unit",
        str.lower,
        Unit.values.__contains__,
        f"a unit (one of {', '.join(Unit.values)})",
    )
    date_from = _date(params, "from")
    date_to = _date(params, "to")
    if date_from and date_to and date_from > date_to:
        raise FilterError(
            "from",
            f"{date_from.isoformat()} is after to: {date_to.isoformat()} "
            "(from must be on or before to)",
        )
    q = params.single("q") or ""
    if len(q) > Q_MAX_LENGTH:
        raise FilterError("q", f"the search text is {len(q)} characters; at most {Q_MAX_LENGTH}")
    if "\x00" in q:  # no text contains it, and PostgreSQL refuses it in a query
        raise FilterError("q", "the search text contains a NUL character (%00)")
    disputed = (params.single("disputed") or "include").lower()
    if disputed not in DISPUTED_CHOICES:
        raise FilterError(
            "disputed", f"{_shown(disputed)} is not one of {', '.join(DISPUTED_CHOICES)}"
        )
    return EventFilters(
        disputed=disputed,
        host=host,
        contributor=contributor,
        kind=kind,
        unit=unit,
        date_from=date_from,
        date_to=date_to,
        q=q,
    )


@dataclass(frozen=True)
class DateView:
    """The dates a reader has zoomed a chart to (view_from, view_to): not a filter, but what an
    export of that chart shows, and what its data export narrows to."""

    start: date
    end: date

    def narrow(self, filters: EventFilters) -> EventFilters:
        """`filters` keeping only the events inside this view too (none if they do not meet)."""
        start = max(filter(None, (filters.date_from, self.start)))
        end = min(filter(None, (filters.date_to, self.end)))
        return replace(filters, date_from=start, date_to=end)


def parse_view(data: Mapping) -> DateView | None:
    """view_from and view_to, together or not at all; a FilterError naming the bad one."""
    params = _Params(data)
    start, end = _date(params, "view_from"), _date(params, "view_to")
    if start is None and end is None:
        return None
    if start is None or end is None:
        missing = "view_from" if start is None else "view_to"
        raise FilterError(missing, "give view_from and view_to together (the dates shown)")
    if start > end:
        raise FilterError(
            "view_from",
            f"{start.isoformat()} is after view_to: {end.isoformat()} "
            "(view_from must be on or before view_to)",
        )
    return DateView(start, end)
