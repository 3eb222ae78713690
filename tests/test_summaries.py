"""Plain-text chart descriptions (the charts' alt text): no database needed."""

from datetime import date

from deployments.dashboard.charts import Bin
from deployments.dashboard.summaries import (
    NO_EVENTS,
    describe_density,
    describe_levels,
    describe_timeline,
    describe_totals,
)
from tests.test_charts import LEVEL_SERIES, LITHUANIA, NAMES, TOTALS, level, point

AS_OF = date(2022, 3, 31)


class TestDescribeTimeline:
    def test_it_gives_counts_span_hosts_and_contributors(self):
        text = describe_timeline(LITHUANIA)
        assert text.startswith(
            "11 events from 2017 to 7 March 2022 in 2 host countries "
            "and 2 events without a single host, from 5 contributors."
        )

    def test_it_names_the_hosts_with_most_events(self):
        assert "Most events: Lithuania (8) and Estonia (1)." in describe_timeline(LITHUANIA)

    def test_it_gives_the_largest_troop_figure_with_its_qualifier(self):
        assert (
            "Largest troop figure: Russia, at least 100,000 troops (9 February 2022)."
            in describe_timeline(LITHUANIA)
        )

    def test_figures_in_other_units_are_not_the_largest_troop_figure(self):
        points = [point(id=1, quantity=350), point(id=2, quantity=5000, unit="aircraft")]
        assert "about 350 troops" in describe_timeline(points)

    def test_one_event_reads_naturally(self):
        assert describe_timeline([point()]).startswith(
            "1 event on 9 February 2022 in Lithuania, from United States of America."
        )

    def test_events_without_any_host_say_so(self):
        text = describe_timeline([point(id=1, host=""), point(id=2, host="", contributor="RU")])
        assert text.startswith("2 events on 9 February 2022 with no single host, from 2 ")
        assert "Most events" not in text

    def test_it_counts_disputed_events(self):
        points = [point(id=1, disputed=True), point(id=2), point(id=3, disputed=True)]
        assert "2 events disputed by the sources." in describe_timeline(points)
        assert "disputed" not in describe_timeline([point()])

    def test_no_events_say_that_nothing_matches(self):
        assert describe_timeline([]) == NO_EVENTS == "No published events match these filters."


class TestDescribeDensity:
    BINS = (
        Bin("LT", "Lithuania", date(2022, 2, 1), 120, 5000),
        Bin("LT", "Lithuania", date(2022, 3, 1), 30, 0),
        Bin("EE", "Estonia", date(2021, 11, 1), 40, 900),
        Bin("", "", date(2024, 5, 1), 10, 0),
    )

    def test_it_gives_the_total_span_rows_and_busiest_month(self):
        assert describe_density(self.BINS, 200) == (
            "200 events from November 2021 to May 2024 in 3 host countries, shown as monthly "
            "counts. Most events: Lithuania (150), Estonia (40) and No single host (10). "
            "Busiest month: Lithuania, February 2022 (120 events)."
        )

    def test_rows_can_be_contributors(self):
        assert "from 3 contributors" in describe_density(self.BINS, 200, rows="contributor")

    def test_no_events_say_that_nothing_matches(self):
        assert describe_density([], 0) == NO_EVENTS
        assert describe_density([Bin("LT", "Lithuania", date(2022, 2, 1), 0, 0)], 0) == NO_EVENTS


class TestDescribeTotals:
    def test_it_gives_each_hosts_total_and_its_parts(self):
        text = describe_totals(TOTALS, AS_OF, NAMES, NAMES)
        assert text.startswith("As of 31 March 2022, 3 host countries have known troop levels.")
        assert (
            "Lithuania: about 1,700 troops (at least 1,600) from United States of America "
            "(about 1,000), Germany (at least 350, baseline unknown) and Netherlands (350)."
        ) in text

    def test_hosts_come_largest_first(self):
        text = describe_totals(TOTALS, AS_OF, NAMES, NAMES)
        assert text.index("Estonia:") < text.index("Lithuania:") < text.index("Belarus:")

    def test_an_alliance_remainder_comes_after_the_national_contingents(self):
        text = describe_totals(TOTALS, AS_OF, NAMES, NAMES)
        assert (
            "Estonia: about 3,900 troops (3,600 to 4,200) from United Kingdom (900) "
            "and other NATO troops (about 3,000)."
        ) in text
        assert text.endswith(
            "Alliance figures count only troops not already listed as a national contingent."
        )

    def test_a_single_contributor_is_not_repeated(self):
        assert "Belarus: 500 troops from Russia." in describe_totals(TOTALS, AS_OF, NAMES, NAMES)

    def test_exact_figures_have_no_qualifier(self):
        levels = [
            level(troops=350, low=350, high=350),
            level(contributor="NL", troops=100, low=100, high=100),
        ]
        assert "Lithuania: 450 troops from" in describe_totals(levels, AS_OF, NAMES, NAMES)

    def test_a_level_of_at_least_nothing_is_not_counted(self):
        nothing = level(host="DE", troops=0, low=0, high=None, baseline_known=False)
        text = describe_totals([nothing], AS_OF, NAMES, NAMES)
        assert text == "As of 31 March 2022, no troop levels are known for these filters."

    def test_no_levels_say_so(self):
        assert describe_totals([], AS_OF, NAMES, NAMES) == (
            "As of 31 March 2022, no troop levels are known for these filters."
        )


class TestDescribeLevels:
    def test_it_tells_each_contributors_changes(self):
        assert describe_levels(LEVEL_SERIES, "Lithuania", NAMES) == (
            "Troop levels in Lithuania over time, for 3 contributors: "
            "United States of America: about 500 from 9 February 2022, "
            "then about 1,000 from 7 March 2022; "
            "Germany: at least 350 from 9 February 2022, then 800 from 1 January 2023; "
            "Netherlands: 350 from 9 February 2022."
        )

    def test_a_long_history_gives_first_and_last(self):
        steps = [
            level(date=date(2020, 1, day), troops=100 * day, low=100 * day, high=100 * day)
            for day in range(1, 8)
        ]
        text = describe_levels({"US": steps}, "Lithuania", NAMES)
        assert "100 from 1 January 2020, then 5 more changes, then 700 from 7 January 2020" in text

    def test_a_current_lower_bound_is_flagged(self):
        steps = [level(troops=350, low=350, high=None, baseline_known=False)]
        assert "(a lower bound: baseline unknown)" in describe_levels(
            {"DE": steps}, "Lithuania", NAMES
        )

    def test_an_alliance_remainder_names_who_it_leaves_out(self):
        steps = [level(contributor="NATO", remainder_of=("DE", "NL"))]
        assert "NATO (others than Germany, Netherlands): about 1,000" in describe_levels(
            {"NATO": steps}, "Lithuania", NAMES
        )

    def test_no_levels_say_so(self):
        assert describe_levels({}, "Lithuania", NAMES) == "No troop levels are known for Lithuania."
        assert describe_levels({"US": []}, "Lithuania", NAMES) == (
            "No troop levels are known for Lithuania."
        )
