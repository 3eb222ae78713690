"""A page's chart as a picture to take away: /charts/<chart>.<fmt> and `export_charts`.

The picture is the figure the page draws, made still (`images.still`), zoomed to the dates the
reader had in view, and footed with what a reader needs to cite it: the title, the filters in
words, the as-of date, the sources, the export date and the page's URL (`images.with_footer`).
Both the endpoint and the command read their parameters through `parse_request`, so a bad
value gets the same message from either.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.csp import CSP
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_safe

from deployments.clients import Throttle
from deployments.records.contributors import contributor_name
from deployments.records.models import Citation, Event

from . import charts, images
from .caching import cached_by_data_version
from .event_data import host_name
from .filters import (
    DateView,
    EventFilters,
    FilterError,
    parse_filters,
    parse_view,
    single_value,
)
from .views import (
    _as_of,
    _bad_request,
    _force_filters,
    _force_records,
    _levels_over_time,
    _rows,
    _timeline,
    _totals,
)

CHARTS = ("timeline", "totals", "levels")
IMAGE_SIZE = {"width": (300, 4000, 1200), "height": (300, 4000, 700)}
IMAGE_SCALE = (1, 4, 1)


@dataclass(frozen=True)
class ChartRequest:
    """Which chart, of which events, drawn how: everything a picture depends on."""

    chart: str
    filters: EventFilters
    rows: str
    as_of: date
    view: DateView | None
    width: int
    height: int
    scale: float

    def with_host(self, code: str) -> ChartRequest:
        return replace(self, filters=replace(self.filters, host=(code,)))


def _bounded(query: Mapping, name: str, low: float, high: float, default: float) -> float:
    value = single_value(query, name)
    if value is None:
        return default
    try:
        number = float(value) if name == "scale" else int(value)
    except ValueError:
        raise FilterError(name, f"{value!r} is not a number") from None
    if not low <= number <= high:
        raise FilterError(name, f"{value} is out of range ({low:g} to {high:g})")
    return number


def parse_request(chart: str, query: Mapping, *, each_host: bool = False) -> ChartRequest:
    """The chart and the page's query parameters; FilterError naming the first bad one.

    With `each_host` the host is left open (the caller draws one picture per host), so the
    levels chart does not need one yet.
    """
    if chart not in CHARTS:
        raise FilterError("chart", f"{chart!r} is not one of {', '.join(CHARTS)}")
    filters = parse_filters(query)
    if chart == "levels" and len(filters.host) != 1 and not each_host:
        raise FilterError("host", "the levels chart needs exactly one host")
    view = parse_view(query)
    if view and chart == "totals":
        raise FilterError("view_from", "the totals chart has no date axis to zoom")
    return ChartRequest(
        chart=chart,
        filters=filters,
        rows=_rows(query, "host"),
        as_of=_as_of(query),
        view=view,
        width=_bounded(query, "width", *IMAGE_SIZE["width"]),
        height=_bounded(query, "height", *IMAGE_SIZE["height"]),
        scale=_bounded(query, "scale", *IMAGE_SCALE),
    )


def chart_figure(wanted: ChartRequest) -> tuple:
    """The figure the page shows for the chart, and its title."""
    filters, as_of = wanted.filters, wanted.as_of
    if wanted.chart == "timeline":
        return _timeline(filters, wanted.rows)["figure"], "Deployment timeline"
    if wanted.chart == "totals":
        return _totals(filters, as_of)["figure"], f"Troop levels as of {charts.date_label(as_of)}"
    code = filters.host[0]
    data = _levels_over_time(_force_records(filters), code, as_of)
    return data["level_figure"], f"Troop levels in {host_name(code)}"


def _filters_text(wanted: ChartRequest) -> str:
    shown = wanted.filters if wanted.chart == "timeline" else _force_filters(wanted.filters)
    parts = []
    if shown.host:
        parts.append("hosts: " + ", ".join(host_name(code) for code in shown.host))
    if shown.contributor:
        parts.append(
            "contributors: " + ", ".join(contributor_name(code) for code in shown.contributor)
        )
    if shown.kind:
        parts.append("kinds: " + ", ".join(shown.kind))
    if shown.unit:
        parts.append("units: " + ", ".join(shown.unit))
    if shown.date_from:
        parts.append(f"from {charts.date_label(shown.date_from)}")
    if shown.date_to:
        parts.append(f"to {charts.date_label(shown.date_to)}")
    if shown.q:
        parts.append(f"text contains “{shown.q}”")
    if shown.disputed != "include":
        parts.append(f"disputed events: {shown.disputed}")
    text = "Filters: " + ("; ".join(parts) if parts else "none (all published events)")
    if wanted.view:
        start, end = (charts.date_label(day) for day in (wanted.view.start, wanted.view.end))
        text += f". Dates shown: {start} to {end}"
    return text


def _sourced(wanted: ChartRequest) -> EventFilters:
    """The events a picture draws on: a zoomed timeline shows only those in view; a level rests
    on every earlier event, whatever the zoom."""
    if wanted.chart != "timeline":
        return _force_filters(wanted.filters)
    return wanted.view.narrow(wanted.filters) if wanted.view else wanted.filters


def _sources_text(filters: EventFilters) -> str:
    """Distinct articles and outlets cited by the published events matching the filters."""
    pairs = set(
        Citation.objects.filter(event__in=Event.objects.published().for_filters(filters))
        .values_list("article_id", "article__outlet__name")
        .distinct()
    )
    articles = len({article for article, _ in pairs})
    outlets = sorted({outlet for _, outlet in pairs if outlet})
    text = f"Sources: {articles:,} article{'' if articles == 1 else 's'}"
    if outlets:
        text += f" from {'outlet' if len(outlets) == 1 else 'outlets'} {', '.join(outlets)}"
    return text


def page_path(wanted: ChartRequest) -> str:
    """The path and query of the page the chart comes from."""
    filters = wanted.filters
    if wanted.chart == "levels":
        path = reverse("dashboard:country", args=[filters.host[0]])
        query = replace(_force_filters(filters), host=()).query_string()
    elif wanted.chart == "totals":
        path, query = reverse("dashboard:totals"), _force_filters(filters).query_string()
    else:
        path, query = reverse("dashboard:home"), filters.query_string()
    if wanted.chart != "timeline":
        query = "&".join(part for part in (query, f"as_of={wanted.as_of.isoformat()}") if part)
    return path + (f"?{query}" if query else "")


def picture(wanted: ChartRequest, *, site: str, today: date) -> dict:
    """The figure dict to render: the page's chart, still, zoomed and footed. `site` is the
    scheme and host the footer's page URL starts with."""
    figure, title = chart_figure(wanted)
    x_range = None
    if wanted.view:  # to the end of the last day shown
        x_range = (wanted.view.start.isoformat(), (wanted.view.end + timedelta(1)).isoformat())
    as_of = "" if wanted.chart == "timeline" else f"As of {charts.date_label(wanted.as_of)}"
    return images.with_footer(
        images.still(figure.to_dict(), wanted.width, wanted.height, x_range),
        title=title,
        filters_text=_filters_text(wanted),
        as_of_text=as_of,
        sources_text=_sources_text(_sourced(wanted)),
        exported_on=charts.date_label(today),
        url=site + page_path(wanted),
    )


def file_name(wanted: ChartRequest, fmt: str, today: date) -> str:
    """timeline-2026-11-22.png, levels-LT-2024-06-01.svg: the chart, one host if it has one,
    and the date it is as of (the export date for the timeline)."""
    stamp = (today if wanted.chart == "timeline" else wanted.as_of).isoformat()
    host = f"-{wanted.filters.host[0]}" if len(wanted.filters.host) == 1 else ""
    return f"{wanted.chart}{host}-{stamp}.{fmt}"


def render(wanted: ChartRequest, fmt: str, *, site: str, today: date) -> bytes:
    """The picture as image bytes: RendererUnavailable or RenderTimeout if it cannot be drawn
    now, FilterError naming the width if it cannot be drawn at the size asked for."""
    drawn = picture(wanted, site=site, today=today)
    try:
        return images.render(drawn, fmt, wanted.width, wanted.height, wanted.scale)
    except images.FigureError as error:
        raise FilterError(
            "width",
            f"the chart cannot be drawn at {wanted.width} x {wanted.height} pixels "
            f"(plotly.js: {error}); give a larger width or height",
        ) from None


# Each picture drawn costs a browser render; cached ones and refusals are not counted.
RENDERS = Throttle("chart-images", "IMAGE_RENDERS_PER_MINUTE")


def _too_many(wait: int) -> HttpResponse:
    response = HttpResponse(
        f"Too many chart images drawn for your address: at most "
        f"{RENDERS.limit()} a minute. Try again in {wait} seconds.\n",
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(wait)
    return response


def _unavailable(message: str) -> HttpResponse:
    response = HttpResponse(f"{message}\n", status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = "30"
    return response


def _with_etag(view):
    """ETag (of the body) and a public max-age on 200s, outside the data-version cache."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            etag = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
            response["ETag"] = etag
            response["Cache-Control"] = "public, max-age=300"
            if etag in request.headers.get("If-None-Match", ""):
                not_modified = HttpResponse(status=304)
                for name in ("ETag", "Cache-Control", "X-Cache"):
                    if name in response:
                        not_modified[name] = response[name]
                return not_modified
        return response

    return wrapper


# Images are made to be embedded: any site may frame or load them; they run no script.
EMBEDDABLE = {
    "default-src": [CSP.NONE],
    "style-src": [CSP.UNSAFE_INLINE],
    "img-src": ["data:"],
    "frame-ancestors": ["*"],
}


@xframe_options_exempt
@csp_override(EMBEDDABLE)
@require_safe
@_with_etag
@cached_by_data_version
def chart_image(request: HttpRequest, chart: str, fmt: str) -> HttpResponse:
    """/charts/<chart>.<png|svg|pdf>?<the page's filters>&width=&height=&scale=, embeddable."""
    try:
        if fmt not in images.FORMATS:
            raise FilterError("format", f"{fmt!r} is not one of {', '.join(images.FORMATS)}")
        wanted = parse_request(chart, request.GET)
    except FilterError as error:
        return _bad_request(error)
    today = timezone.localdate()
    site = request.build_absolute_uri("/").rstrip("/")
    if wait := RENDERS.wait(request):
        return _too_many(wait)
    try:
        body = render(wanted, fmt, site=site, today=today)
    except FilterError as error:
        return _bad_request(error)
    except (images.RendererUnavailable, images.RenderTimeout) as error:
        return _unavailable(str(error))
    response = HttpResponse(body, content_type=images.FORMATS[fmt])
    response["Content-Disposition"] = f'inline; filename="{file_name(wanted, fmt, today)}"'
    return response
