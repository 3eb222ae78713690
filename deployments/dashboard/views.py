"""Reader views: the event list and its data exports, read-only, behind one filter parser.

Each view parses the filters before touching the database, so a bad value answers 400 at once,
and loads events with `with_sources()`, so the query count does not grow with the rows.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from deployments.records.models import Event, EventQuerySet

from . import exports
from .filter_form import chosen_from_filters, chosen_from_query, filter_form
from .filters import EventFilters, FilterError, parse_filters


def _events(filters: EventFilters) -> EventQuerySet:
    return Event.objects.published().for_filters(filters).with_sources().order_by("date", "id")


def _bad_filter(error: FilterError) -> HttpResponse:
    return HttpResponse(f"{error}\n", status=400, content_type="text/plain; charset=utf-8")


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The event list; a bad filter still shows the form, with the error, as a 400."""
    error = None
    try:
        filters = parse_filters(request.GET)
        chosen = chosen_from_filters(filters)
    except FilterError as exc:
        filters, chosen, error = None, chosen_from_query(request.GET), exc
    hosts, contributors = Event.objects.published().codes_in_use()
    context = {
        "form": filter_form(chosen, hosts, contributors),
        "error": error,
        "filters": filters,
        "events": list(_events(filters)) if filters else [],
        "query": filters.query_string() if filters else "",
    }
    return render(request, "dashboard/home.html", context, status=400 if error else 200)


@require_safe
def events_csv(request: HttpRequest) -> HttpResponse:
    try:
        filters = parse_filters(request.GET)
    except FilterError as error:
        return _bad_filter(error)
    response = HttpResponse(
        exports.events_csv_text(_events(filters)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="events.csv"'
    return response


@require_safe
def events_json(request: HttpRequest) -> HttpResponse:
    try:
        filters = parse_filters(request.GET)
    except FilterError as error:
        return _bad_filter(error)
    return JsonResponse(
        exports.events_json_records(_events(filters)),
        safe=False,
        json_dumps_params={"ensure_ascii": False},
    )
