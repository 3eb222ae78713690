"""Figure builders and the palette: plain data in, a Plotly figure out, no database needed."""

import base64
import json
import subprocess
import sys
from array import array
from dataclasses import replace
from datetime import date
from pathlib import Path

import plotly.io as pio
import pytest

from deployments.dashboard.charts import (
    MAX_TIMELINE_POINTS,
    NO_HOST,
    Bin,
    Point,
    level_figure,
    timeline_density_figure,
    timeline_figure,
    totals_figure,
    typed_array,
)
from deployments.dashboard.palette import FIXED, KIND_SYMBOLS, PALETTE, colour, pale
from deployments.records.forces import Level

NAMES = {
    "US": "United States of America",
    "NL": "Netherlands",
    "DE": "Germany",
    "GB": "United Kingdom",
    "NATO": "NATO",
    "RU": "Russia",
    "LT": "Lithuania",
    "EE": "Estonia",
    "PL": "Poland",
    "BY": "Belarus",
}


def point(**overrides) -> Point:
    fields = {
        "id": 1,
        "date": date(2022, 2, 9),
        "date_precision": "day",
        "host": "LT",
        "host_name": "Lithuania",
        "contributor": "US",
        "contributor_name": NAMES["US"],
        "kind": "presence",
        "quantity": 500,
        "qualifier": "about",
        "unit": "troops",
        "summary": "About 500 US troops in Lithuania",
        "sources": "RFE/RL; Reuters",
        "disputed": False,
    }
    fields.update(overrides)
    if "contributor" in overrides and "contributor_name" not in overrides:
        fields["contributor_name"] = NAMES.get(fields["contributor"], fields["contributor"])
    if "host" in overrides and "host_name" not in overrides:
        fields["host_name"] = NAMES.get(fields["host"], "")
    return Point(**fields)


def level(**overrides) -> Level:
    fields = {
        "host": "LT",
        "contributor": "US",
        "date": date(2022, 3, 31),
        "troops": 1000,
        "low": 900,
        "high": 1100,
        "baseline_known": True,
        "event_ids": (3,),
    }
    fields.update(overrides)
    return Level(**fields)


def event_traces(figure):
    return [t for t in figure.data if (t.meta or {}).get("part") == "events"]


def trace_for(figure, code, part=None):
    matches = [
        t
        for t in figure.data
        if (t.meta or {}).get("contributor") == code
        and (part is None or t.meta.get("part") == part)
    ]
    assert len(matches) == 1, f"{len(matches)} traces for {code} {part}"
    return matches[0]


def decoded(spec: dict) -> list[int]:
    codes = {"u1": "B", "u2": "H", "u4": "I"}
    values = array(codes[spec["dtype"]])
    values.frombytes(base64.b64decode(spec["bdata"]))
    if sys.byteorder == "big":
        values.byteswap()
    return values.tolist()


LITHUANIA = [
    point(id=1),
    point(id=2, date=date(2022, 3, 7), kind="increase", quantity=400, qualifier="exact"),
    point(id=3, date=date(2022, 3, 7), quantity=1000),
    point(id=13, contributor="NL", quantity=350, qualifier="exact"),
    point(id=14, contributor="DE", kind="increase", quantity=350, qualifier="exact"),
    point(id=5, date=date(2022, 3, 6), kind="pledge", quantity=None, unit="systems"),
    point(id=16, kind="request", quantity=None),
    point(id=8, date=date(2017, 1, 1), date_precision="year", contributor="NATO", kind="increase"),
    point(id=9, date=date(2017, 1, 1), date_precision="year", contributor="NATO", host="EE"),
    point(id=25, date=date(2022, 2, 1), date_precision="month", host="", kind="readiness"),
    point(id=31, host="", contributor="RU", quantity=100_000, qualifier="at_least"),
]


class TestPalette:
    def test_a_contributor_gets_the_same_colour_on_every_call(self):
        assert [colour("SE") for _ in range(3)] == [colour("SE")] * 3

    def test_colours_do_not_depend_on_the_process_hash_seed(self):
        script = (
            "from deployments.dashboard.palette import colour;"
            "print(','.join(colour(c) for c in ['SE', 'FI', 'NO', 'IT', 'ES', 'UA', 'JEF']))"
        )
        outputs = {
            subprocess.run(  # noqa: S603 (a constant script, run to get a fresh hash seed)
                [sys.executable, "-c", script],
                env={"PYTHONHASHSEED": seed},
                cwd=Path(__file__).resolve().parent.parent,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            for seed in ("1", "2", "3")
        }
        assert len(outputs) == 1
        assert outputs.pop().strip().split(",")[0] == colour("SE")

    def test_the_frequent_contributors_have_fixed_colours(self):
        assert colour("US") == "#0072B2"
        assert colour("NATO") == "#56B4E9"
        assert colour("RU") == "#D55E00"
        assert colour("NL") == "#E69F00"
        assert {"US", "NATO", "DE", "NL", "GB", "RU", "DK", "PL", "FR", "LT"} <= set(FIXED)

    def test_the_fixed_colours_are_all_distinct(self):
        assert len(set(FIXED.values())) == len(FIXED)

    def test_every_colour_comes_from_the_colour_blind_safe_palette(self):
        codes = [*FIXED, "SE", "FI", "IT", "ES", "UA", "JEF", "CSTO", "ZZ"]
        assert {colour(code) for code in codes} <= set(PALETTE)
        assert PALETTE[:8][0] == "#E69F00"  # Okabe-Ito comes first

    def test_a_hashed_contributor_never_takes_a_fixed_colour(self):
        others = ["SE", "FI", "IT", "ES", "UA", "JEF", "CSTO", "AT", "BE", "CZ", "HU", "SK"]
        assert not {colour(code) for code in others} & set(FIXED.values())

    def test_forces_on_the_ground_are_filled_and_what_is_not_there_is_open(self):
        for kind in ("presence", "increase", "decrease", "exercise"):
            assert not KIND_SYMBOLS[kind].endswith("-open"), kind
        for kind in ("pledge", "request", "readiness", "agreement", "other"):
            assert KIND_SYMBOLS[kind].endswith("-open"), kind

    def test_every_kind_has_its_own_symbol(self):
        assert len(set(KIND_SYMBOLS.values())) == len(KIND_SYMBOLS)
        assert KIND_SYMBOLS["pledge"] != KIND_SYMBOLS["request"]


class TestTimeline:
    def test_it_draws_one_trace_per_contributor(self):
        traces = event_traces(timeline_figure(LITHUANIA))
        assert sorted(t.meta["contributor"] for t in traces) == ["DE", "NATO", "NL", "RU", "US"]
        assert {t.name for t in traces} >= {"United States of America", "Netherlands"}

    def test_each_contributor_is_drawn_in_its_palette_colour(self):
        for trace in event_traces(timeline_figure(LITHUANIA)):
            assert trace.marker.color == colour(trace.meta["contributor"])

    def test_each_event_gets_its_kinds_symbol(self):
        us = trace_for(timeline_figure(LITHUANIA), "US", "events")
        symbols = dict(zip(us.customdata, us.marker.symbol, strict=True))
        assert symbols[1] == "circle"
        assert symbols[2] == "triangle-up"
        assert symbols[5] == "diamond-open"
        assert symbols[16] == "star-open"

    def test_markers_grow_with_the_troop_figure(self):
        figure = timeline_figure(
            [point(id=i, quantity=q) for i, q in enumerate([100, 1000, 10_000, 100_000])]
        )
        sizes = list(trace_for(figure, "US", "events").marker.size)
        assert sizes == sorted(sizes)
        assert len(set(sizes)) == 4
        assert sizes[0] >= 8
        assert sizes[-1] <= 40

    def test_an_event_without_a_troop_figure_gets_a_small_fixed_size(self):
        figure = timeline_figure(
            [
                point(id=1, quantity=100_000),
                point(id=2, quantity=None),
                point(id=3, quantity=6, unit="aircraft"),
            ]
        )
        sizes = dict(
            zip(
                trace_for(figure, "US", "events").customdata,
                trace_for(figure, "US", "events").marker.size,
                strict=True,
            )
        )
        assert sizes[2] == sizes[3] < sizes[1]

    def test_customdata_holds_the_event_ids_for_clicks(self):
        figure = timeline_figure(LITHUANIA)
        ids = sorted(i for t in event_traces(figure) for i in t.customdata)
        assert ids == sorted(p.id for p in LITHUANIA)

    def test_hover_text_is_escaped_for_html(self):
        figure = timeline_figure(
            [point(summary="A <script>alert(1)</script> & <b>more</b>", sources="A & B <x>")]
        )
        hover = trace_for(figure, "US", "events").hovertext[0]
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;more&lt;/b&gt;" in hover
        assert "A &amp; B &lt;x&gt;" in hover
        assert "<script>" not in hover
        assert "%{hovertext}" in trace_for(figure, "US", "events").hovertemplate

    def test_hover_gives_the_date_only_as_precisely_as_it_is_known(self):
        figure = timeline_figure(LITHUANIA)
        hovers = {
            i: h
            for t in event_traces(figure)
            for i, h in zip(t.customdata, t.hovertext, strict=True)
        }
        assert hovers[1].startswith("<b>9 February 2022</b>")
        assert hovers[25].startswith("<b>February 2022</b>")
        assert hovers[8].startswith("<b>2017</b>")

    def test_hover_gives_the_figure_with_qualifier_and_unit(self):
        figure = timeline_figure(LITHUANIA)
        hovers = {
            i: h
            for t in event_traces(figure)
            for i, h in zip(t.customdata, t.hovertext, strict=True)
        }
        assert "about 1,000 troops" in hovers[3]
        assert "at least 100,000 troops" in hovers[31]
        assert "400 troops" in hovers[2]
        assert "no figure" in hovers[5]
        assert "United States of America in Lithuania" in hovers[1]
        assert "Sources: RFE/RL; Reuters" in hovers[1]

    def test_hover_says_when_an_event_is_disputed(self):
        figure = timeline_figure([point(id=1), point(id=2, disputed=True)])
        first, second = trace_for(figure, "US", "events").hovertext
        assert "Disputed" not in first
        assert "Disputed" in second

    def test_rows_are_host_countries_with_the_busiest_first(self):
        figure = timeline_figure(LITHUANIA)
        assert list(figure.layout.yaxis.categoryarray) == ["Lithuania", "Estonia", NO_HOST]
        assert figure.layout.yaxis.autorange == "reversed"
        assert figure.layout.yaxis.type == "category"

    def test_events_without_a_host_go_in_the_no_single_host_row(self):
        figure = timeline_figure(LITHUANIA)
        russia = trace_for(figure, "RU", "events")
        assert list(russia.y) == [NO_HOST]
        assert figure.layout.yaxis.categoryarray[-1] == NO_HOST

    def test_rows_can_be_contributors(self):
        figure = timeline_figure(LITHUANIA, rows="contributor")
        rows = list(figure.layout.yaxis.categoryarray)
        assert rows[0] == "United States of America"
        assert set(rows) == {"United States of America", "NATO", "Netherlands", "Germany", "Russia"}
        assert set(trace_for(figure, "NATO", "events").y) == {"NATO"}

    def test_an_unknown_row_choice_is_refused(self):
        with pytest.raises(ValueError, match="rows"):
            timeline_figure(LITHUANIA, rows="kind")

    def test_uirevision_is_a_constant_so_zoom_survives_updates(self):
        assert timeline_figure(LITHUANIA).layout.uirevision == "timeline"
        assert timeline_figure(LITHUANIA[:2]).layout.uirevision == "timeline"

    def test_the_date_axis_has_a_range_slider_and_only_dates_zoom(self):
        layout = timeline_figure(LITHUANIA).layout
        assert layout.xaxis.type == "date"
        assert layout.xaxis.rangeslider.visible is True
        assert layout.yaxis.fixedrange is True
        assert layout.dragmode == "zoom"

    def test_the_legend_shows_each_contributors_colour_not_one_events_symbol(self):
        figure = timeline_figure(LITHUANIA)
        keys = [t for t in figure.data if (t.meta or {}).get("part") == "key"]
        assert [t.meta["contributor"] for t in keys] == [
            t.meta["contributor"] for t in event_traces(figure)
        ]
        assert all(t.marker.symbol == "circle" for t in keys)
        assert all(t.showlegend is False for t in event_traces(figure))
        assert trace_for(figure, "US", "key").legendgroup == "US"
        assert trace_for(figure, "US", "events").legendgroup == "US"

    def test_a_kind_key_explains_the_symbols_shown(self):
        figure = timeline_figure(LITHUANIA)
        keys = [t for t in figure.data if (t.meta or {}).get("kind")]
        assert {t.meta["kind"] for t in keys} == {p.kind for p in LITHUANIA}
        assert all(t.legend == "legend2" and t.hoverinfo == "skip" for t in keys)
        pledge = next(t for t in keys if t.meta["kind"] == "pledge")
        assert pledge.marker.symbol == "diamond-open"

    def test_month_and_year_precise_events_get_a_bar_across_their_period(self):
        figure = timeline_figure(LITHUANIA)
        nato = trace_for(figure, "NATO", "period")
        assert list(nato.x) == ["2017-01-01", "2018-01-01", None] * 2
        month = trace_for(figure, "US", "period")
        assert list(month.x) == ["2022-02-01", "2022-03-01", None]
        assert not [t for t in figure.data if t.meta == {"contributor": "NL", "part": "period"}]

    def test_layout_is_tidy_and_names_the_chart(self):
        figure = timeline_figure(LITHUANIA)
        layout = figure.layout
        white = pio.templates["plotly_white"]  # its look, cut to the traces the charts draw
        assert layout.template.layout.xaxis == white.layout.xaxis
        assert layout.template.layout.plot_bgcolor == white.layout.plot_bgcolor == "white"
        assert layout.template.data.scatter == white.data.scatter
        assert layout.template.data.bar == white.data.bar
        assert not layout.template.data.scatter3d
        assert layout.meta == {"chart": "timeline"}
        assert layout.legend.orientation == "h"
        assert layout.legend.title.text == "Contributor"
        assert layout.font.size >= 12

    def test_height_grows_with_the_rows(self):
        few = timeline_figure(LITHUANIA[:1])
        many = timeline_figure(
            [point(id=i, host=code) for i, code in enumerate(["LT", "EE", "PL", "BY", "DE"])]
            + [point(id=i + 10, host=code) for i, code in enumerate(["AT", "BE", "CZ", "DK"])]
        )
        assert many.layout.height > few.layout.height

    def test_too_many_events_are_left_to_the_density_view(self):
        with pytest.raises(ValueError, match="density"):
            timeline_figure([point(id=i) for i in range(MAX_TIMELINE_POINTS + 1)])

    def test_no_events_still_give_a_figure(self):
        figure = timeline_figure([])
        assert event_traces(figure) == []
        assert json.loads(figure.to_json())["layout"]["meta"] == {"chart": "timeline"}


def dense_bins(rows: int = 40, months: int = 360, troops: int = 250_000) -> list[Bin]:
    return [
        Bin(
            row=f"R{r}",
            row_name=f"Country number {r}",
            month=date(1995 + m // 12, m % 12 + 1, 1),
            events=(r * 7 + m) % 300,
            troops=(r * 7919 + m * 104_729) % troops,
        )
        for r in range(rows)
        for m in range(months)
    ]


class TestDensity:
    def test_forty_rows_by_thirty_years_stay_a_small_payload(self):
        bins = dense_bins()
        figure = timeline_density_figure(bins, total=sum(b.events for b in bins))
        assert len(figure.to_json()) < 150_000

    def test_the_counts_add_up_to_the_total(self):
        bins = dense_bins(rows=5, months=24)
        total = sum(b.events for b in bins)
        heatmap = timeline_density_figure(bins, total=total).data[0]
        assert sum(decoded(heatmap.z)) == total
        assert heatmap.z["shape"] == "5, 24"

    def test_each_cell_holds_its_rows_count_for_its_month(self):
        bins = [
            Bin("LT", "Lithuania", date(2022, 2, 1), 5, 1500),
            Bin("LT", "Lithuania", date(2022, 4, 1), 2, 0),
            Bin("EE", "Estonia", date(2022, 3, 1), 1, 900),
        ]
        heatmap = timeline_density_figure(bins, total=8).data[0]
        assert list(heatmap.y) == ["Lithuania", "Estonia"]
        assert list(heatmap.x) == ["2022-02", "2022-03", "2022-04"]
        assert decoded(heatmap.z) == [5, 0, 2, 0, 1, 0]
        assert decoded(heatmap.customdata) == [1500, 0, 0, 0, 900, 0]

    def test_hover_shows_row_month_events_and_troops(self):
        template = timeline_density_figure(dense_bins(2, 2), total=1).data[0].hovertemplate
        for part in ("%{y}", "%{x|%B %Y}", "%{z:,} events", "%{customdata:,}"):
            assert part in template

    def test_the_title_says_the_events_are_shown_as_monthly_counts(self):
        figure = timeline_density_figure(dense_bins(2, 2), total=12_345)
        assert figure.layout.title.text == "12,345 events shown as monthly counts"
        assert "zoom" in figure.layout.title.subtitle.text
        assert figure.layout.xaxis.rangeslider.visible is True
        assert figure.layout.meta == {"chart": "density"}

    def test_the_colour_scale_leaves_empty_months_blank(self):
        scale = timeline_density_figure(dense_bins(2, 2), total=1).data[0].colorscale
        assert scale[0][1] == "rgba(255,255,255,0)"
        assert scale[-1][0] == 1

    def test_typed_arrays_use_the_smallest_type_that_fits(self):
        assert typed_array([0, 255])["dtype"] == "u1"
        assert typed_array([256])["dtype"] == "u2"
        assert typed_array([70_000])["dtype"] == "u4"
        assert decoded(typed_array([1, 70_000, 3])) == [1, 70_000, 3]

    def test_no_bins_give_an_empty_figure(self):
        figure = timeline_density_figure([], total=0)
        assert list(figure.data) == []


TOTALS = [
    level(),
    level(contributor="NL", troops=350, low=350, high=350, event_ids=(13,)),
    level(contributor="DE", troops=350, low=350, high=None, baseline_known=False, event_ids=(14,)),
    level(host="EE", contributor="GB", troops=900, low=900, high=900, event_ids=(21,)),
    level(
        host="EE",
        contributor="NATO",
        troops=3000,
        low=2700,
        high=3300,
        event_ids=(9, 21),
        remainder_of=("GB",),
    ),
    level(host="BY", contributor="RU", troops=500, low=500, high=500, event_ids=(32,)),
]
SUMMARIES = {
    3: "US troops in Lithuania to total about 1,000",
    13: "Dutch contingent: 350 troops",
    14: "350 more German troops <join> the battlegroup",
    21: "UK troops in Estonia",
    9: "NATO battlegroup in Estonia",
    32: "Russia has 5,000 troops in Belarus",
}


def bars(figure):
    return [t for t in figure.data if t.meta["part"] == "troops"]


def totals(levels=TOTALS, summaries=SUMMARIES):
    return totals_figure(
        levels,
        as_of=date(2022, 3, 31),
        host_names=NAMES,
        contributor_names=NAMES,
        event_summaries=summaries,
    )


class TestTotals:
    def test_bars_stack_one_trace_per_contributor(self):
        figure = totals()
        assert figure.layout.barmode == "stack"
        assert sorted(t.meta["contributor"] for t in bars(figure)) == [
            "DE",
            "GB",
            "NATO",
            "NL",
            "RU",
            "US",
        ]
        lithuania = [t for t in bars(figure) if "Lithuania" in t.y]
        assert sum(t.x[list(t.y).index("Lithuania")] for t in lithuania) == 1700

    def test_hosts_are_ordered_by_total_largest_first(self):
        assert list(totals().layout.yaxis.categoryarray) == ["Estonia", "Lithuania", "Belarus"]
        assert totals().layout.yaxis.autorange == "reversed"

    def test_bars_take_the_contributors_palette_colour(self):
        for trace in totals().data:
            hue = colour(trace.meta["contributor"])
            if trace.meta["part"] == "key":
                assert trace.marker.color == hue
            else:  # known levels in the colour, lower bounds in a pale tint (tested below)
                assert trace.marker.line.color == hue
                assert all(c.startswith("#") and len(c) == 7 for c in trace.marker.color)

    def test_the_legend_shows_each_contributors_full_colour(self):
        figure = totals()
        keys = [t for t in figure.data if t.meta["part"] == "key"]
        assert [t.meta["contributor"] for t in keys] == [
            t.meta["contributor"] for t in bars(figure)
        ]
        assert all(t.marker.color == colour(t.meta["contributor"]) for t in keys)
        assert all(t.showlegend is False for t in bars(figure))
        assert {t.legendgroup for t in keys} == {t.legendgroup for t in bars(figure)}

    def test_lower_bounds_are_pale_and_known_levels_are_not(self):
        figure = totals()
        german = trace_for(figure, "DE", "troops")
        assert list(german.marker.color) == [pale(colour("DE"), 0.3)]
        assert list(trace_for(figure, "NL", "troops").marker.color) == [colour("NL")]
        # No patterns: Chromium prints them into a PDF as pixels.
        assert german.marker.pattern.shape is None
        assert "at least 350" in german.hovertext[0]
        assert "Pale bars: at least this many" in figure.layout.title.subtitle.text

    def test_a_pale_tint_mixes_the_colour_with_white(self):
        assert pale("#0072B2", 0.3) == "#b2d5e8"
        assert pale("#000000", 1) == "#000000" and pale("#000000", 0) == "#ffffff"

    def test_hover_lists_the_events_a_bar_rests_on_escaped(self):
        hover = trace_for(totals(), "DE", "troops").hovertext[0]
        assert "#14 350 more German troops &lt;join&gt; the" in hover
        assert "<join>" not in hover

    def test_hover_lists_at_most_eight_events_then_counts_the_rest(self):
        many = level(event_ids=tuple(range(1, 13)))
        figure = totals([many], {i: f"event {i}" for i in range(1, 13)})
        hover = trace_for(figure, "US", "troops").hovertext[0]
        assert "#8 event 8" in hover
        assert "#9 event 9" not in hover
        assert "and 4 more" in hover

    def test_hover_gives_the_range(self):
        figure = totals()
        assert "Range: 900 to 1,100" in trace_for(figure, "US", "troops").hovertext[0]
        assert "Range: at least 350" in trace_for(figure, "DE", "troops").hovertext[0]
        assert "Range: 350" in trace_for(figure, "NL", "troops").hovertext[0]

    def test_customdata_holds_each_bars_event_ids(self):
        assert list(trace_for(totals(), "NATO", "troops").customdata) == [[9, 21]]

    def test_an_alliance_remainder_names_the_contingents_it_leaves_out(self):
        figure = totals()
        nato = trace_for(figure, "NATO", "troops")
        assert nato.name == "NATO (other contingents)"
        assert "NATO (others than United Kingdom)" in nato.hovertext[0]
        assert "national contingent" in figure.layout.title.subtitle.text

    def test_the_title_names_the_date(self):
        assert totals().layout.title.text == "Troop levels as of 31 March 2022"
        assert totals().layout.meta == {"chart": "totals"}

    def test_each_hosts_total_is_written_after_its_bar(self):
        notes = {a.y: a.text for a in totals().layout.annotations}
        assert notes["Lithuania"].startswith("<b>1,700</b>")
        assert "≥ 1,600" in notes["Lithuania"]
        assert notes["Belarus"] == "<b>500</b>"

    def test_a_level_of_at_least_nothing_is_left_out(self):
        nothing = level(host="DE", troops=0, low=0, high=None, baseline_known=False)
        figure = totals([*TOTALS, nothing])
        assert "Germany" not in figure.layout.yaxis.categoryarray

    def test_no_levels_give_an_empty_chart(self):
        assert list(totals([]).data) == []


LEVEL_SERIES = {
    "US": [
        level(date=date(2022, 2, 9), troops=500, low=450, high=550, event_ids=(1,)),
        level(date=date(2022, 3, 7), troops=1000, low=900, high=1100, event_ids=(3,)),
    ],
    "NL": [level(date=date(2022, 2, 9), contributor="NL", troops=350, low=350, high=350)],
    "DE": [
        level(
            date=date(2022, 2, 9),
            contributor="DE",
            troops=350,
            low=350,
            high=None,
            baseline_known=False,
            event_ids=(14,),
        ),
        level(date=date(2023, 1, 1), contributor="DE", troops=800, low=800, high=800),
    ],
}
UNTIL = date(2024, 5, 31)


def levels_chart(series=LEVEL_SERIES):
    return level_figure(series, host_name="Lithuania", contributor_names=NAMES, until=UNTIL)


def lines(figure, code):
    return [
        t
        for t in figure.data
        if t.meta.get("contributor") == code and t.meta.get("part") == "level"
    ]


class TestLevels:
    def test_levels_are_drawn_as_steps(self):
        us = lines(levels_chart(), "US")
        assert [t.line.shape for t in us] == ["hv"]
        assert list(us[0].y) == [500, 500, 1000, 1000]

    def test_lines_run_flat_to_until(self):
        us = lines(levels_chart(), "US")[0]
        assert us.x[-1] == "2024-05-31"
        assert us.y[-1] == 1000

    def test_each_contributor_has_a_translucent_band_for_its_range(self):
        band = trace_for(levels_chart(), "US", "band")
        assert band.fill == "toself"
        assert band.fillcolor == "rgba(0,114,178,0.18)"
        assert 450 in band.y and 1100 in band.y
        assert band.showlegend is False

    def test_there_is_no_band_where_there_is_no_upper_bound(self):
        band = trace_for(levels_chart(), "DE", "band")
        assert band.x[0] == "2023-01-01"
        assert "2022-02-09" not in band.x

    def test_a_lower_bound_is_dashed_and_a_stated_level_solid(self):
        de = lines(levels_chart(), "DE")
        styles = {t.meta["baseline_known"]: t for t in de}
        assert styles[False].line.dash == "dash"
        assert styles[True].line.dash == "solid"
        assert list(styles[False].x) == ["2022-02-09", "2023-01-01"]
        assert list(styles[True].y) == [350, 800, 800]

    def test_markers_sit_on_the_dates_that_changed_the_level(self):
        markers = trace_for(levels_chart(), "US", "changes")
        assert list(markers.x) == ["2022-02-09", "2022-03-07"]
        assert list(markers.customdata) == [[1], [3]]
        assert "Range: 900 to 1,100" in markers.hovertext[1]

    def test_hover_notes_a_lower_bound(self):
        markers = trace_for(levels_chart(), "DE", "changes")
        assert "Lower bound: baseline unknown" in markers.hovertext[0]
        assert markers.marker.symbol[0] == "circle-open"

    def test_each_contributor_appears_once_in_the_legend(self):
        shown = [t.meta["contributor"] for t in levels_chart().data if t.showlegend is not False]
        assert sorted(shown) == ["DE", "NL", "US"]

    def test_the_date_axis_has_a_range_slider(self):
        layout = levels_chart().layout
        assert layout.xaxis.rangeslider.visible is True
        assert layout.meta == {"chart": "levels"}
        assert layout.title.text == "Troop levels in Lithuania"

    def test_the_host_name_is_escaped(self):
        figure = level_figure(
            LEVEL_SERIES, host_name="A & <B>", contributor_names=NAMES, until=UNTIL
        )
        assert figure.layout.title.text == "Troop levels in A &amp; &lt;B&gt;"

    def test_a_level_changed_after_until_still_shows(self):
        late = {"US": [replace(LEVEL_SERIES["US"][0], date=date(2025, 1, 1))]}
        assert lines(levels_chart(late), "US")[0].x[-1] == "2025-01-01"

    def test_an_empty_series_gives_an_empty_chart(self):
        assert list(levels_chart({}).data) == []


def test_every_figure_serializes_to_json():
    figures = [
        timeline_figure(LITHUANIA),
        timeline_density_figure(dense_bins(3, 3), total=9),
        totals(),
        levels_chart(),
    ]
    for figure in figures:
        assert json.loads(figure.to_json())["layout"]["template"]
