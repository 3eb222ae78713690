"""Plotly figure builders: plain data in, a `go.Figure` out, no database and no request.

The views turn query results into `Point`, `Bin` and `Level` values and hand the figure to the
page as `json_script` data; `static/charts.js` draws it and opens an event when a point or bar
is clicked (`customdata` holds event ids). The same figures feed the image export, so nothing
here may depend on the browser config.

Plotly renders hover text, titles, tick labels and legend names as a subset of HTML, so every
string that comes from the records (summaries, outlet and country names) is escaped here.
"""

from __future__ import annotations

import base64
import math
import sys
import textwrap
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape, unescape
from typing import TYPE_CHECKING

import plotly.graph_objects as go
import plotly.io as pio

from deployments.records.models import quantity_phrase

from .palette import KIND_LABELS, KIND_SYMBOLS, colour, is_open, pale, symbol

if TYPE_CHECKING:
    from deployments.records.forces import Level

NO_HOST = "No single host"
MAX_TIMELINE_POINTS = 3000
"""Above this many events the page shows `timeline_density_figure` instead of single points."""


def _lean_template(name: str, traces: tuple[str, ...]) -> str:
    """Plotly's `name` template cut to the trace types these charts draw, without its 3-D, polar
    and map settings, registered as "lean_<name>": the charts look the same, and each figure
    spends about 1 ms on its template instead of 20."""
    full = pio.templates[name].to_plotly_json()
    unused = ("polar", "ternary", "scene", "geo")
    pio.templates[f"lean_{name}"] = go.layout.Template(
        layout={key: value for key, value in full["layout"].items() if key not in unused},
        data={kind: full["data"][kind] for kind in traces},
    )
    return f"lean_{name}"


TEMPLATE = _lean_template("plotly_white", ("scatter", "bar", "heatmap"))
FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif"}
# Legends, colour bars and footers pinned to the bottom-left corner of the whole image.
BOTTOM_LEFT = {
    "x": 0,
    "xanchor": "left",
    "xref": "container",
    "y": 0,
    "yanchor": "bottom",
    "yref": "container",
}
MARGIN = {"l": 8, "r": 8, "t": 56, "b": 8}
MODEBAR_PX = 32
"""Room at the top for Plotly's modebar, which appears over the figure's top edge."""
HOVER_WIDTH = 48
"""Characters per hover line: a hover box must fit a 400 px phone screen."""
NOTE_WIDTH = 50


MIN_SIZE, MAX_SIZE, NO_FIGURE_SIZE = 10, 40, 8
MAX_GROUPED = 8
"""Up to this many contributors get their own lane in each host row; more would be too thin."""


@dataclass(frozen=True)
class Point:
    """One published event as the timeline draws it."""

    id: int
    date: date
    date_precision: str
    host: str
    host_name: str
    contributor: str
    contributor_name: str
    kind: str
    quantity: int | None
    qualifier: str
    unit: str
    summary: str
    sources: str
    disputed: bool


@dataclass(frozen=True)
class Bin:
    """Events of one row (a host or a contributor) in one month, for the density view."""

    row: str
    row_name: str
    month: date
    events: int
    troops: int


# Formatting shared with the summaries (plain text: callers escape for Plotly).


def date_label(value: date, precision: str = "day") -> str:
    if precision == "year":
        return f"{value:%Y}"
    if precision == "month":
        return f"{value:%B %Y}"
    return f"{value.day} {value:%B %Y}"


def quantity_label(quantity: int | None, qualifier: str, unit: str) -> str:
    return quantity_phrase(quantity, qualifier, unit) or "no figure"


def range_label(troops: int, low: int, high: int | None) -> str:
    """A level's range as readers say it: "350", "900 to 1,100", "at least 350", "up to 500"."""
    if high is None:
        return f"at least {low:,}"
    if low == high:
        return f"{low:,}"
    if low == 0 and high == troops:
        return f"up to {high:,}"
    return f"{low:,} to {high:,}"


def level_label(troops: int, low: int, high: int | None) -> str:
    """A level as a figure with its qualifier: "350", "about 1,000", "at least 350"."""
    if high is None and troops == low:
        return f"at least {troops:,}"
    if low == high == troops:
        return f"{troops:,}"
    if low == 0 and high == troops:
        return f"up to {troops:,}"
    return f"about {troops:,}"


def contributor_label(code: str, remainder_of: Sequence[str], names: Mapping[str, str]) -> str:
    """An alliance row that shows only what its listed members do not: "NATO (others than ...)"."""
    name = names.get(code, code)
    if not remainder_of:
        return name
    members = ", ".join(names.get(member, member) for member in remainder_of)
    return f"{name} (others than {members})"


def host_label(code: str, names: Mapping[str, str]) -> str:
    return names.get(code, code) if code else NO_HOST


def _short(label: str, limit: int = 20) -> str:
    """An escaped axis label cut so a phone keeps room for the plot; hovers give it in full."""
    text = unescape(label)
    return label if len(text) <= limit else _html(text[: limit - 1].rstrip(" ,") + "…")


def _category_axis(labels: Sequence[str]) -> dict:
    return {
        "type": "category",
        "categoryorder": "array",
        "categoryarray": list(labels),
        "tickmode": "array",
        "tickvals": list(labels),
        "ticktext": [_short(label) for label in labels],
        "autorange": "reversed",
        "fixedrange": True,
        "automargin": True,
        "title": None,
    }


def _html(text: str) -> str:
    return escape(text, quote=False)


def _wrapped(text: str, width: int = HOVER_WIDTH) -> str:
    """Escaped and broken into lines; wrapping before escaping keeps entities whole."""
    lines = textwrap.wrap(text, width, break_long_words=True) or [""]
    return "<br>".join(_html(line) for line in lines)


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def _base_layout(*, chart: str, height: int, legend_title: str) -> dict:
    return {
        "template": TEMPLATE,
        "font": {**FONT, "size": 13},
        "height": height,
        "margin": MARGIN,
        "meta": {"chart": chart},
        "uirevision": chart,
        "hovermode": "closest",
        "hoverlabel": {"align": "left", "font": {"size": 12}},
        "legend": {
            "title": {"text": legend_title, "side": "top"},
            "orientation": "h",
            **BOTTOM_LEFT,
            "font": {"size": 12},
        },
    }


def _date_axis(height: int) -> dict:
    """A date axis with a range slider about 50 px tall, whatever the figure's height."""
    return {
        "type": "date",
        "automargin": True,
        "showgrid": True,
        "rangeslider": {"visible": True, "thickness": round(min(0.12, 50 / height), 3)},
    }


def _key(code: str, name: str) -> dict:
    """A legend entry for a contributor that shows only its colour.

    Plotly draws a legend entry like the trace's first point, which would show one event's
    kind or one bar's pale tint as if it were the contributor's; this empty trace shows
    neither, and toggles the contributor's traces through their shared legend group.
    """
    return {
        "name": name,
        "legendgroup": code,
        "showlegend": True,
        "hoverinfo": "skip",
        "meta": {"contributor": code, "part": "key"},
    }


# The timeline: one marker per event.


def _row_of(point: Point, rows: str) -> str:
    if rows == "contributor":
        return _html(point.contributor_name or point.contributor)
    return _html(point.host_name) if point.host else NO_HOST


def _row_order(labels: Iterable[str]) -> list[str]:
    """Rows with most events first, ties alphabetical; "No single host" always last."""
    counts = Counter(labels)
    return sorted(counts, key=lambda label: (label == NO_HOST, -counts[label], label.casefold()))


def _marker_size(point: Point, largest: int) -> float:
    """Area grows with the troop figure (square root); other units cannot be compared to troops.

    Sizes are relative to the largest troop figure on the chart, so they compare points on one
    chart, not across filters.
    """
    if point.quantity is None or point.unit != "troops" or largest <= 0:
        return NO_FIGURE_SIZE
    return round(MIN_SIZE + (MAX_SIZE - MIN_SIZE) * math.sqrt(point.quantity / largest), 1)


def _opacity(size: float) -> float:
    """Big markers are more see-through, so they do not hide the small ones beside them."""
    return round(0.9 - 0.4 * max(0, size - MIN_SIZE) / (MAX_SIZE - MIN_SIZE), 2)


def _period_end(point: Point) -> date:
    if point.date_precision == "year" or point.date.month == 12:
        return date(point.date.year + 1, 1, 1)
    return date(point.date.year, point.date.month + 1, 1)


def _periods_trace(code: str, vague: Sequence[Point], rows: str, grouped: bool) -> go.Scatter:
    """A bar across the month or year that a month- or year-precise date stands for.

    Plotly draws no error bars on date axes, so these are line segments under the markers.
    """
    xs: list[str | None] = []
    ys: list[str | None] = []
    for point in vague:
        row = _row_of(point, rows)
        xs += [point.date.isoformat(), _period_end(point).isoformat(), None]
        ys += [row, row, None]
    return go.Scatter(
        x=xs,
        y=ys,
        mode="lines",
        line={"color": colour(code), "width": 3},
        opacity=0.45,
        legendgroup=code,
        showlegend=False,
        hoverinfo="skip",
        meta={"contributor": code, "part": "period"},
        orientation="h",
        offsetgroup=code if grouped else None,
    )


def point_hover(point: Point) -> str:
    where = f" in {_html(point.host_name)}" if point.host else ", no single host"
    lines = [
        f"<b>{_html(date_label(point.date, point.date_precision))}</b>",
        f"{_html(point.contributor_name)}{where}",
        f"{_html(KIND_LABELS.get(point.kind, point.kind))}: "
        f"{_html(quantity_label(point.quantity, point.qualifier, point.unit))}",
        _wrapped(point.summary),
    ]
    if point.sources:
        lines.append(_wrapped(f"Sources: {point.sources}"))
    if point.disputed:
        lines.append("<b>Disputed</b>: sources disagree")
    return "<br>".join(lines)


def timeline_figure(points: Sequence[Point], *, rows: str = "host") -> go.Figure:
    """Every event as a marker: row = host (or contributor), colour = contributor, symbol = kind.

    With up to `MAX_GROUPED` contributors, each has its own lane within a host row
    (scattermode "group"), so they never hide each other and keep the same place in every row.
    """
    if rows not in ("host", "contributor"):
        raise ValueError(f"rows must be 'host' or 'contributor', not {rows!r}")
    if len(points) > MAX_TIMELINE_POINTS:
        raise ValueError(
            f"{len(points):,} events are too many to draw one by one; use timeline_density_figure"
        )
    order = _row_order(_row_of(point, rows) for point in points)
    largest = max(
        (p.quantity for p in points if p.quantity is not None and p.unit == "troops"), default=0
    )
    by_contributor: dict[str, list[Point]] = defaultdict(list)
    for point in sorted(points, key=lambda p: (p.date, p.id)):
        by_contributor[point.contributor].append(point)
    contributors = sorted(
        by_contributor,
        key=lambda code: (-len(by_contributor[code]), by_contributor[code][0].contributor_name),
    )
    grouped = rows == "host" and 1 < len(contributors) <= MAX_GROUPED

    traces: list[go.Scatter] = []
    for code in contributors:
        mine = by_contributor[code]
        symbols = [symbol(p.kind) for p in mine]
        sizes = [_marker_size(p, largest) for p in mine]
        vague = [p for p in mine if p.date_precision in ("month", "year")]
        if vague:
            traces.append(_periods_trace(code, vague, rows, grouped))
        name = _html(mine[0].contributor_name or code)
        traces.append(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                marker={"color": colour(code), "symbol": "circle", "size": 11},
                **_key(code, name),
                orientation="h",
                offsetgroup=code if grouped else None,
            )
        )
        traces.append(
            go.Scatter(
                x=[p.date.isoformat() for p in mine],
                y=[_row_of(p, rows) for p in mine],
                mode="markers",
                name=name,
                legendgroup=code,
                showlegend=False,
                meta={"contributor": code, "part": "events"},
                orientation="h",
                offsetgroup=code if grouped else None,
                customdata=[p.id for p in mine],
                hovertext=[point_hover(p) for p in mine],
                hovertemplate="%{hovertext}<extra></extra>",
                marker={
                    "color": colour(code),
                    "symbol": symbols,
                    "size": sizes,
                    "opacity": [_opacity(size) for size in sizes],
                    "line": {
                        "color": colour(code),
                        "width": [2 if is_open(s) else 0.5 for s in symbols],
                    },
                },
            )
        )
    kinds_used = {p.kind for p in points}
    for kind, kind_symbol in KIND_SYMBOLS.items():
        if kind in kinds_used:
            traces.append(
                go.Scatter(
                    x=[None],
                    y=[None],
                    mode="markers",
                    name=KIND_LABELS[kind],
                    legend="legend2",
                    meta={"kind": kind},
                    hoverinfo="skip",
                    marker={
                        "symbol": kind_symbol,
                        "color": "#555555",
                        "size": 11,
                        "line": {"color": "#555555", "width": 2 if is_open(kind_symbol) else 0},
                    },
                )
            )

    row_height = 16 + 6 * len(contributors) if grouped else 30
    height = max(360, 170 + row_height * len(order) + 22 * math.ceil(len(contributors) / 4))
    # The layout goes in with the traces: update_layout on a figure with traces costs 100 ms.
    layout = {
        **_base_layout(chart="timeline", height=height, legend_title="Contributor"),
        "legend2": {
            "title": {
                "text": "Kind: filled = forces there, open = not (yet) there",
                "side": "top",
            },
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "xref": "container",
            "entrywidth": 70,
            "y": 1 - MODEBAR_PX / height,
            "yanchor": "top",
            "yref": "container",
            "itemclick": False,
            "itemdoubleclick": False,
            "font": {"size": 12},
        },
        "scattermode": "group" if grouped else "overlay",
        "scattergap": 0.25,
        "dragmode": "zoom",
        "xaxis": _date_axis(height),
        "yaxis": {**_category_axis(order), "showgrid": True},
    }
    return go.Figure(traces, layout)


# The density view: monthly counts when the events are too many to draw one by one.


def _month_index(month: date, first: date) -> int:
    return (month.year - first.year) * 12 + month.month - first.month


def _month(first: date, offset: int) -> date:
    months = first.month - 1 + offset
    return date(first.year + months // 12, months % 12 + 1, 1)


TYPED_ARRAYS = (("B", "u1", 2**8), ("H", "u2", 2**16), ("I", "u4", 2**32))


def typed_array(values: Sequence[int], shape: tuple[int, ...] | None = None) -> dict:
    """Non-negative integers as a plotly.js typed array (base64), the smallest type that fits.

    About 1.3 bytes a cell for counts below 256, where a JSON list of numbers takes 2 to 7, and
    no numpy needed.
    """
    peak = max(values, default=0)
    fitting = [(code, dtype) for code, dtype, limit in TYPED_ARRAYS if peak < limit]
    if not fitting:
        raise ValueError(f"{peak} does not fit a 32-bit typed array")
    code, dtype = fitting[0]
    packed = array(code, values)
    if sys.byteorder == "big":
        packed.byteswap()
    spec = {"dtype": dtype, "bdata": base64.b64encode(packed.tobytes()).decode("ascii")}
    if shape is not None:
        spec["shape"] = ", ".join(str(size) for size in shape)
    return spec


def _density_colourscale() -> list[list]:
    """Reversed Cividis (light = few, dark = many) with empty months left blank.

    Stops sit on a square-root spacing, so the many months with a few events are told apart
    instead of all looking equally pale beside one busy month; z stays the true count.
    """
    stops = ["#fee838", "#c3b369", "#8d8878", "#575d6d", "#00326f", "#00224e"]
    gap = 0.0001
    scale: list[list] = [[0, "rgba(255,255,255,0)"], [gap, "rgba(255,255,255,0)"]]
    for index, stop in enumerate(stops):
        position = (index / (len(stops) - 1)) ** 2
        scale.append([round(gap + (1 - gap) * position, 4), stop])
    return scale


def timeline_density_figure(bins: Sequence[Bin], *, rows: str = "host", total: int) -> go.Figure:
    """A heatmap of events per row per month: the aggregate view for large result sets."""
    if rows not in ("host", "contributor"):
        raise ValueError(f"rows must be 'host' or 'contributor', not {rows!r}")
    traces: list[go.Heatmap] = []
    names = {b.row: (_html(b.row_name) if b.row else NO_HOST) for b in bins}
    if bins:
        first = min(b.month for b in bins).replace(day=1)
        last = max(b.month for b in bins).replace(day=1)
        months = _month_index(last, first) + 1
        per_row = Counter[str]()
        for b in bins:
            per_row[b.row] += b.events
        order = sorted(per_row, key=lambda r: (not r, -per_row[r], names[r].casefold()))
        index = {row: i for i, row in enumerate(order)}
        row_names = [names[row] for row in order]
        events = [0] * (len(order) * months)
        troops = [0] * (len(order) * months)
        for b in bins:
            cell = index[b.row] * months + _month_index(b.month.replace(day=1), first)
            events[cell] += b.events
            troops[cell] += b.troops
        peak = max(events)
        traces.append(
            go.Heatmap(
                x=[_month(first, i).isoformat()[:7] for i in range(months)],
                xperiod="M1",
                xperiodalignment="middle",
                y=row_names,
                z=typed_array(events, (len(order), months)),
                customdata=typed_array(troops, (len(order), months)),
                zmin=0,
                zmax=max(peak, 1),
                colorscale=_density_colourscale(),
                colorbar={
                    "title": {"text": "Events a month", "side": "top"},
                    "orientation": "h",
                    **BOTTOM_LEFT,
                    "len": 220,
                    "lenmode": "pixels",
                    "thickness": 10,
                    "outlinewidth": 0,
                },
                xgap=0,
                ygap=1,
                hovertemplate=(
                    "<b>%{y}</b><br>%{x|%B %Y}<br>%{z:,} events"
                    "<br>troops in their figures: %{customdata:,}<extra></extra>"
                ),
            )
        )
    else:
        row_names = []
    height = max(360, 190 + 20 * len(row_names))
    layout = {
        **_base_layout(chart="density", height=height, legend_title=""),
        **_titled(
            f"{total:,} events shown as monthly counts",
            height,
            ["Filter or zoom in to see single events."],
        ),
        "dragmode": "zoom",
        "xaxis": _date_axis(height),
        "yaxis": {**_category_axis(row_names), "showgrid": False},
    }
    return go.Figure(traces, layout)


# Force totals: stacked troop levels per host on one date.


def _events_hover(event_ids: Sequence[int], summaries: Mapping[int, str], limit: int = 8) -> str:
    lines = [
        _wrapped(f"#{event_id} {summaries.get(event_id, '')}".strip())
        for event_id in event_ids[:limit]
    ]
    if len(event_ids) > limit:
        lines.append(f"and {len(event_ids) - limit:,} more")
    return "<br>".join(lines)


def _level_hover(
    level: Level,
    *,
    host: str,
    contributor_names: Mapping[str, str],
    event_summaries: Mapping[int, str],
) -> str:
    who = _html(contributor_label(level.contributor, level.remainder_of, contributor_names))
    lines = [
        f"<b>{who}</b> in {host}",
        f"Level: {_html(level_label(level.troops, level.low, level.high))} troops",
        f"Range: {_html(range_label(level.troops, level.low, level.high))}",
    ]
    if not level.baseline_known:
        lines.append("Lower bound: baseline unknown")
    if not level.event_ids:
        return "<br>".join(lines)
    if event_summaries:
        lines.append(f"Rests on {_plural(len(level.event_ids), 'event')}:")
        lines.append(_events_hover(level.event_ids, event_summaries))
    else:
        lines.append(_wrapped("Events: " + ", ".join(f"#{i}" for i in level.event_ids)))
    return "<br>".join(lines)


def _total_text(levels: Sequence[Level]) -> str:
    """A host's total with its range in short form ("≥ 1,600", "630\u2013770") to fit a phone."""
    troops = sum(level.troops for level in levels)
    low = sum(level.low for level in levels)
    highs = [level.high for level in levels]
    if any(high is None for high in highs):
        bounds = f"≥ {low:,}"
    else:
        high = sum(h for h in highs if h is not None)
        bounds = "" if low == high == troops else f"{low:,}\u2013{high:,}"
    small = f"<br><span style='font-size:11px'>{bounds}</span>" if bounds else ""
    return f"<b>{troops:,}</b>{small}"


def _titled(title: str, height: int, notes: Sequence[str] = ()) -> dict:
    """A left title under the modebar, with notes as a subtitle wrapped to fit a phone.

    `title` must be escaped already and short (one line on a phone); notes are plain text.
    Placed in pixels from the top, as Plotly does not make room for a subtitle by itself.
    """
    lines = [line for note in notes for line in textwrap.wrap(note, NOTE_WIDTH)]
    return {
        "title": {
            "text": title,
            "font": {"size": 15},
            "subtitle": {"text": "<br>".join(_html(line) for line in lines)},
            "x": 0,
            "xanchor": "left",
            "xref": "container",
            "y": 1 - MODEBAR_PX / height,
            "yanchor": "top",
            "yref": "container",
        },
        "margin": {**MARGIN, "t": MODEBAR_PX + 36 + 16 * len(lines)},
    }


def says_nothing(level: Level) -> bool:
    """True for "at least 0": only a decrease is known where no level was ever stated."""
    return level.troops == 0 and level.low == 0 and level.high is None


def totals_figure(
    levels: Sequence[Level],
    *,
    as_of: date,
    host_names: Mapping[str, str],
    contributor_names: Mapping[str, str],
    event_summaries: Mapping[int, str],
) -> go.Figure:
    """Troop levels per host as stacked bars, one colour per contributor, largest host on top.

    The bars are horizontal (host down the side, troops along) so long country names and many
    hosts stay readable on a phone. Pale bars are lower bounds (no stated level, only
    changes). An alliance row with `remainder_of` shows only the troops not listed as those
    national contingents, so the stack never counts a soldier twice.
    """
    levels = [level for level in levels if not says_nothing(level)]
    by_host: dict[str, list[Level]] = defaultdict(list)
    for level in levels:
        by_host[level.host].append(level)
    host_total = {host: sum(level.troops for level in mine) for host, mine in by_host.items()}
    hosts = sorted(by_host, key=lambda h: (-host_total[h], host_label(h, host_names).casefold()))
    shown_host = {host: _html(host_label(host, host_names)) for host in hosts}
    contributor_total = Counter[str]()
    for level in levels:
        contributor_total[level.contributor] += level.troops
    contributors = sorted(
        contributor_total,
        key=lambda c: (-contributor_total[c], contributor_names.get(c, c).casefold()),
    )

    traces: list[go.Bar] = []
    for code in contributors:
        mine = sorted(
            (level for level in levels if level.contributor == code),
            key=lambda level: hosts.index(level.host),
        )
        remainder = any(level.remainder_of for level in mine)
        name = contributor_names.get(code, code) + (" (other contingents)" if remainder else "")
        traces.append(
            go.Bar(
                orientation="h",
                x=[None],
                y=[None],
                marker={"color": colour(code)},
                **_key(code, _html(name)),
            )
        )
        traces.append(
            go.Bar(
                orientation="h",
                y=[shown_host[level.host] for level in mine],
                x=[level.troops for level in mine],
                name=_html(name),
                legendgroup=code,
                showlegend=False,
                meta={"contributor": code, "part": "troops"},
                customdata=[list(level.event_ids) for level in mine],
                hovertext=[
                    _level_hover(
                        level,
                        host=shown_host[level.host],
                        contributor_names=contributor_names,
                        event_summaries=event_summaries,
                    )
                    for level in mine
                ],
                hovertemplate="%{hovertext}<extra></extra>",
                marker={
                    # A lower bound: a pale, opaque tint inside the contributor's outline. Not
                    # a hatch pattern: Chromium prints patterns into a PDF as full-size pixel
                    # images, one a bar (megabytes, and seconds to draw with many hosts).
                    "color": [
                        colour(code) if level.baseline_known else pale(colour(code), 0.3)
                        for level in mine
                    ],
                    "line": {"color": colour(code), "width": 1.5},
                },
            )
        )
    notes = []
    if any(not level.baseline_known for level in levels):
        notes.append("Pale bars: at least this many (no stated level, only changes).")
    if any(level.remainder_of for level in levels):
        notes.append("Alliance bars count only troops not already shown as a national contingent.")
    height = max(300, 150 + 44 * len(hosts) + 22 * math.ceil(len(contributors) / 2))
    largest = max(host_total.values(), default=0)
    layout = {
        **_base_layout(chart="totals", height=height, legend_title="Contributor"),
        **_titled(f"Troop levels as of {date_label(as_of)}", height, notes),
        "barmode": "stack",
        "bargap": 0.35,
        "yaxis": _category_axis([shown_host[host] for host in hosts]),
        "xaxis": {
            "title": {"text": "Troops"},
            "automargin": True,
            "fixedrange": True,
            "tickformat": ",",
            # Room for the totals written after the bars.
            "range": [0, largest * 1.4 or 1],
        },
        "annotations": [
            {
                "y": shown_host[host],
                "x": host_total[host],
                "text": _total_text(by_host[host]),
                "showarrow": False,
                "xanchor": "left",
                "xshift": 4,
                "align": "left",
                "font": {"size": 12},
            }
            for host in hosts
        ],
    }
    return go.Figure(traces, layout)


# One host's levels over time.


def _steps(dates: Sequence[date], values: Sequence[int], until: date) -> tuple[list, list]:
    """Vertices of a step line (horizontal, then vertical) carried flat to `until`."""
    xs: list[str] = []
    ys: list[int] = []
    for index, (when, value) in enumerate(zip(dates, values, strict=True)):
        if index:
            xs.append(when.isoformat())
            ys.append(values[index - 1])
        xs.append(when.isoformat())
        ys.append(value)
    xs.append(until.isoformat())
    ys.append(values[-1])
    return xs, ys


def _band(levels: Sequence[Level], until: date) -> tuple[list, list]:
    """Closed shapes between low and high, one per stretch where high is known."""
    xs: list[str | None] = []
    ys: list[int | None] = []
    ends = [level.date for level in levels[1:]] + [until]
    stretch: list[tuple[date, date, int, int]] = []
    for level, end in [*zip(levels, ends, strict=True), (None, None)]:
        if level is not None and level.high is not None:
            stretch.append((level.date, end, level.low, level.high))
            continue
        if stretch:
            upper = [(d, high) for start, end_, _, high in stretch for d in (start, end_)]
            lower = [(d, low) for start, end_, low, _ in stretch for d in (start, end_)]
            for when, value in [*upper, *reversed(lower), upper[0]]:
                xs.append(when.isoformat())
                ys.append(value)
            xs.append(None)
            ys.append(None)
            stretch = []
    return xs, ys


def _translucent(hex_colour: str, alpha: float = 0.18) -> str:
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def _line_runs(levels: Sequence[Level], end: date) -> list[tuple[bool, list, list]]:
    """The step line cut where `baseline_known` changes, as (known, xs, ys) per stretch.

    Each stretch but the first starts with the previous level, so the vertical step that
    joins two stretches is drawn in the later one's style.
    """
    runs: list[tuple[bool, list[int]]] = []
    for index, level in enumerate(levels):
        if runs and runs[-1][0] == level.baseline_known:
            runs[-1][1].append(index)
        else:
            runs.append((level.baseline_known, [index]))
    lines = []
    for number, (known, indexes) in enumerate(runs):
        run_end = levels[runs[number + 1][1][0]].date if number + 1 < len(runs) else end
        xs, ys = _steps(
            [levels[i].date for i in indexes], [levels[i].troops for i in indexes], run_end
        )
        if number:
            xs.insert(0, levels[indexes[0]].date.isoformat())
            ys.insert(0, levels[indexes[0] - 1].troops)
        lines.append((known, xs, ys))
    return lines


def _change_hover(level: Level, host: str, contributor_names: Mapping[str, str]) -> str:
    return f"<b>{_html(date_label(level.date))}</b><br>" + _level_hover(
        level, host=host, contributor_names=contributor_names, event_summaries={}
    )


def level_figure(
    series: Mapping[str, Sequence[Level]],
    *,
    host_name: str,
    contributor_names: Mapping[str, str],
    until: date,
) -> go.Figure:
    """One host's troop level per contributor as a step line, with its range as a band.

    A dashed line and open markers mark lower bounds (baseline unknown). Lines run flat from
    the last change to `until`, since a level holds until something changes it. Layers go
    bands, solid lines, dashed lines, markers, so a dashed line stays visible where it runs
    along a solid one (two contingents of the same size).
    """
    host = _html(host_name)
    drawn = {
        code: sorted(levels, key=lambda level: level.date)
        for code, levels in series.items()
        if levels
    }
    order = sorted(drawn, key=lambda code: (-drawn[code][-1].troops, code))
    bands, solid, dashed, markers = [], [], [], []
    for rank, code in enumerate(order):
        levels = drawn[code]
        hue = colour(code)
        name = _html(contributor_label(code, levels[-1].remainder_of, contributor_names))
        common = {"name": name, "legendgroup": code, "legendrank": rank + 1}
        end = max(until, levels[-1].date)
        band_x, band_y = _band(levels, end)
        if band_x:
            bands.append(
                go.Scatter(
                    x=band_x,
                    y=band_y,
                    mode="lines",
                    fill="toself",
                    fillcolor=_translucent(hue),
                    line={"width": 0, "color": hue},
                    showlegend=False,
                    hoverinfo="skip",
                    meta={"contributor": code, "part": "band"},
                    **common,
                )
            )
        for number, (known, xs, ys) in enumerate(_line_runs(levels, end)):
            (solid if known else dashed).append(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="lines",
                    line={
                        "color": hue,
                        "width": 2.5,
                        "shape": "hv",
                        "dash": "solid" if known else "dash",
                    },
                    showlegend=number == 0,
                    hoverinfo="skip",
                    meta={"contributor": code, "part": "level", "baseline_known": known},
                    **common,
                )
            )
        markers.append(
            (
                all(level.baseline_known for level in levels),
                go.Scatter(
                    x=[level.date.isoformat() for level in levels],
                    y=[level.troops for level in levels],
                    mode="markers",
                    showlegend=False,
                    meta={"contributor": code, "part": "changes"},
                    customdata=[list(level.event_ids) for level in levels],
                    hovertext=[_change_hover(level, host, contributor_names) for level in levels],
                    hovertemplate="%{hovertext}<extra></extra>",
                    marker={
                        "color": hue,
                        "size": 9,
                        "symbol": [
                            "circle" if lv.baseline_known else "circle-open" for lv in levels
                        ],
                        "line": {"color": hue, "width": 2},
                    },
                    **common,
                ),
            )
        )
    # Open markers (lower bounds) last, so a filled marker at the same point cannot hide them.
    markers.sort(key=lambda pair: not pair[0])
    notes = []
    if bands:
        notes.append("Shaded: the range the reported figures allow.")
    if dashed:
        notes.append("Dashed, open markers: lower bound, baseline unknown.")
    height = 460
    layout = {
        **_base_layout(chart="levels", height=height, legend_title="Contributor"),
        **_titled(f"Troop levels in {host}", height, notes),
        "dragmode": "zoom",
        "xaxis": _date_axis(height),
        "yaxis": {
            "title": {"text": "Troops"},
            "automargin": True,
            "rangemode": "tozero",
            "tickformat": ",",
        },
    }
    return go.Figure([*bands, *solid, *dashed, *(trace for _, trace in markers)], layout)
