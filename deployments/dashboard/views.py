"""Reader views: the timeline, events, force totals, country pages and the data exports.

Every view parses its query string before touching the database, so a bad value answers 400
with a message naming the parameter. An htmx request gets the page's `results` partial; any
other request the whole page, so every view works without JavaScript and every URL is a
permalink.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe
from django_countries import countries

from deployments.records import forces
from deployments.records.contributors import contributor_name
from deployments.records.models import Event, EventQuerySet, codes_in_use

from . import charts, exports, summaries
from .caching import cached_by_data_version
from .event_data import density_bins, export_records, export_rows, host_name, timeline_points
from .filter_form import chosen_from_filters, chosen_from_query, filter_form
from .filters import (
    EventFilters,
    FilterError,
    parse_date,
    parse_filters,
    parse_view,
    single_value,
)

# Rows in the server-rendered event table under a chart; the CSV has them all.
TABLE_LIMIT = 200
ROWS = ("host", "contributor")
# Events named in a totals bar's hover; the rest are counted ("and 12 more").
HOVER_EVENTS = 8


def _force_filters(filters: EventFilters) -> EventFilters:
    """Only the host, contributor and disputed filters apply to force levels.

    A date, kind or text filter would drop the presence a level rests on and change the
    arithmetic, so the totals page leaves them out and says so (`_not_applied`).
    """
    return EventFilters(
        host=filters.host, contributor=filters.contributor, disputed=filters.disputed
    )


def _force_records(filters: EventFilters) -> list:
    return Event.objects.published().for_filters(_force_filters(filters)).force_records()


def _levels_on(records: list, as_of: date) -> list:
    """Levels on a date, without those that say nothing: "at least 0" (a decrease with no
    known level before it). The chart, the table and the CSV show the same rows."""
    return [
        level
        for level in forces.levels_on(records, as_of)
        if level.baseline_known or level.troops > 0
    ]


def _with(query: str, **extra: str) -> str:
    """A query string with extra parameters appended (empty values left out)."""
    more = "&".join(f"{name}={value}" for name, value in extra.items() if value)
    return "&".join(part for part in (query, more) if part)


def _not_applied(filters: EventFilters) -> list[str]:
    given = {
        "kind": filters.kind,
        "unit": filters.unit,
        "from": filters.date_from,
        "to": filters.date_to,
        "q": filters.q,
    }
    return [name for name, value in given.items() if value]


def _events(filters: EventFilters) -> EventQuerySet:
    return Event.objects.published().for_filters(filters).with_sources().order_by("date", "id")


def _bad_request(error: FilterError) -> HttpResponse:
    return HttpResponse(f"{error}\n", status=400, content_type="text/plain; charset=utf-8")


def _page(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    """The whole page, or for htmx its `results` partial; caches must tell the two apart."""
    if request.htmx and not request.htmx.history_restore_request:
        template = f"{template}#results"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _form(request: HttpRequest, filters: EventFilters | None, **fixed) -> object:
    hosts, contributors = codes_in_use()
    chosen = chosen_from_filters(filters) if filters else chosen_from_query(request.GET)
    return filter_form({**chosen, **fixed}, hosts, contributors)


def _rows(query: Mapping, default: str) -> str:
    rows = single_value(query, "rows") or default
    if rows not in ROWS:
        raise FilterError("rows", f"{rows!r} is not one of {', '.join(ROWS)}")
    return rows


def _as_of(query: Mapping) -> date:
    value = single_value(query, "as_of")
    return parse_date(value, "as_of") if value else timezone.localdate()


def _timeline(filters: EventFilters, rows: str) -> dict:
    """The timeline figure, its text summary and the table rows, in a fixed number of queries.

    Up to MAX_TIMELINE_POINTS events are drawn one marker each; beyond that the database counts them
    per month and the table shows the first TABLE_LIMIT.
    """
    matching = Event.objects.published().for_filters(filters)
    total = matching.count()
    events = list(_events(filters)[:TABLE_LIMIT])
    if total <= charts.MAX_TIMELINE_POINTS:
        points = timeline_points(matching)
        figure = charts.timeline_figure(points, rows=rows)
        summary = summaries.describe_timeline(points)
    else:
        bins = density_bins(matching, rows)
        figure = charts.timeline_density_figure(bins, rows=rows, total=total)
        summary = summaries.describe_density(bins, total, rows=rows)
    return {"figure": figure, "summary": summary, "events": events, "total": total}


@require_safe
@cached_by_data_version
def timeline(request: HttpRequest) -> HttpResponse:
    try:
        filters = parse_filters(request.GET)
        rows = _rows(request.GET, "host")
    except FilterError as error:
        context = {"error": error, "form": _form(request, None), "rows": "host"}
        return _page(request, "dashboard/timeline.html", context, status=400)
    context = {
        "form": _form(request, filters),
        "filters": filters,
        "query": filters.query_string(),
        "image_query": _with(filters.query_string(), rows="" if rows == "host" else rows),
        "rows": rows,
        **_timeline(filters, rows),
    }
    return _page(request, "dashboard/timeline.html", context)


def _levels_over_time(records: list, code: str, as_of: date) -> dict:
    """One host's level-over-time chart, its summary, and its steps with contributor names."""
    series = forces.series(records, code)
    names = {c: contributor_name(c) for c in series}
    until = max([as_of, *(step.date for steps in series.values() for step in steps)])
    steps = sorted(
        ((step, names[step.contributor]) for steps in series.values() for step in steps),
        key=lambda pair: (pair[0].date, pair[1]),
    )
    return {
        "level_host": host_name(code),
        "level_figure": charts.level_figure(
            series, host_name=host_name(code), contributor_names=names, until=until
        ),
        "level_summary": summaries.describe_levels(series, host_name(code), names),
        "steps": steps,
    }


@require_safe
@cached_by_data_version
def country(request: HttpRequest, code: str) -> HttpResponse:
    if not code.isascii() or code.upper() not in countries:  # "ß".upper() is "SS"
        raise Http404(f"{code!r} is not an ISO 3166-1 alpha-2 country code")
    code = code.upper()
    try:
        filters = parse_filters(request.GET)
        rows = _rows(request.GET, "contributor")
        as_of = _as_of(request.GET)
    except FilterError as error:
        context = {"error": error, "form": _form(request, None), "code": code}
        context["name"] = countries.name(code)
        return _page(request, "dashboard/country.html", context, status=400)
    filters = replace(filters, host=(code,))
    context = {
        "code": code,
        "name": countries.name(code),
        "form": _form(request, filters),
        "filters": filters,
        "query": filters.query_string(),
        "image_query": _with(filters.query_string(), rows=rows),
        "levels_query": _with(_force_filters(filters).query_string(), as_of=as_of.isoformat()),
        "force_query": _force_filters(filters).query_string(),
        "rows": rows,
        "as_of": as_of,
        **_levels_over_time(_force_records(filters), code, as_of),
        **_timeline(filters, rows),
    }
    return _page(request, "dashboard/country.html", context)


def _totals(filters: EventFilters, as_of: date) -> dict:
    records = _force_records(filters)
    levels = _levels_on(records, as_of)
    hosts = {level.host: host_name(level.host) for level in levels}
    contributors = {level.contributor: contributor_name(level.contributor) for level in levels}
    shown = {event_id for level in levels for event_id in level.event_ids[:HOVER_EVENTS]}
    summaries_by_id = dict(
        Event.objects.filter(pk__in=shown).values_list("pk", "summary") if shown else []
    )
    figure = charts.totals_figure(
        levels,
        as_of=as_of,
        host_names=hosts,
        contributor_names=contributors,
        event_summaries=summaries_by_id,
    )
    return {
        "levels": [(level, hosts[level.host], contributors[level.contributor]) for level in levels],
        "records": records,
        "host_names": hosts,
        "contributor_names": contributors,
        "figure": figure,
        "summary": summaries.describe_totals(levels, as_of, hosts, contributors),
    }


@require_safe
@cached_by_data_version
def totals(request: HttpRequest) -> HttpResponse:
    try:
        filters = parse_filters(request.GET)
        as_of = _as_of(request.GET)
    except FilterError as error:
        context = {"error": error, "form": _form(request, None)}
        return _page(request, "dashboard/totals.html", context, status=400)
    data = _totals(filters, as_of)
    context = {
        "form": _form(request, filters),
        "filters": filters,
        "query": filters.query_string(),
        "levels_query": _with(_force_filters(filters).query_string(), as_of=as_of.isoformat()),
        "as_of": as_of,
        "not_applied": _not_applied(filters),
        "force_query": _force_filters(filters).query_string(),
        **data,
    }
    if len(filters.host) == 1:
        context.update(_levels_over_time(data["records"], filters.host[0], as_of))
    return _page(request, "dashboard/totals.html", context)


@require_safe
@cached_by_data_version(cache="exports")
def totals_csv(request: HttpRequest) -> HttpResponse:
    try:
        filters = parse_filters(request.GET)
        as_of = _as_of(request.GET)
        for name in _not_applied(filters):
            raise FilterError(
                name,
                "does not apply to force totals (they take host, contributor, disputed, as_of)",
            )
    except FilterError as error:
        return _bad_request(error)
    text = exports.totals_csv_text(_levels_on(_force_records(filters), as_of))
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="totals-{as_of.isoformat()}.csv"'
    return response


@require_safe
@cached_by_data_version
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Readers see published events only: a draft is a 404, so drafts are not discoverable."""
    event = get_object_or_404(Event.objects.published().with_sources(), pk=pk)
    response = render(
        request,
        "dashboard/event_detail.html#detail" if request.htmx else "dashboard/event_detail.html",
        {"event": event},
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


def _exported(request: HttpRequest) -> EventFilters:
    """The filters of an event export, narrowed to the dates a zoomed chart shows, if given."""
    filters, view = parse_filters(request.GET), parse_view(request.GET)
    return view.narrow(filters) if view else filters


@require_safe
@cached_by_data_version(cache="exports")
def events_csv(request: HttpRequest) -> HttpResponse:
    try:
        filters = _exported(request)
    except FilterError as error:
        return _bad_request(error)
    published = Event.objects.published().for_filters(filters)
    response = HttpResponse(
        exports.events_csv_text(export_rows(published)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="events.csv"'
    return response


@require_safe
@cached_by_data_version(cache="exports")
def events_json(request: HttpRequest) -> HttpResponse:
    try:
        filters = _exported(request)
    except FilterError as error:
        return _bad_request(error)
    return JsonResponse(
        export_records(Event.objects.published().for_filters(filters)),
        safe=False,
        json_dumps_params={"ensure_ascii": False},
    )
