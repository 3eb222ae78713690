"""The reader's filters: parsed the same way for every page and export, no database needed."""

from datetime import date

import pytest
from django.http import QueryDict

from deployments.dashboard.filters import (
    DateView,
    EventFilters,
    FilterError,
    parse_filters,
    parse_view,
)


def parse(query: str) -> EventFilters:
    return parse_filters(QueryDict(query))


def error_for(query: str) -> FilterError:
    with pytest.raises(FilterError) as caught:
        parse(query)
    return caught.value


class TestNoFilters:
    def test_an_empty_query_gives_no_filters(self):
        assert parse("") == EventFilters()
        assert parse("").is_empty

    def test_empty_values_from_empty_selects_count_as_absent(self):
        filters = parse("host=&contributor=&kind=&unit=&from=&to=&q=")
        assert filters == EventFilters()

    def test_blank_values_count_as_absent(self):
        assert parse("host=%20&q=%20%20") == EventFilters()

    def test_unknown_parameters_are_ignored(self):
        assert parse("utm_source=newsletter&page=2") == EventFilters()


class TestHost:
    def test_it_parses_a_country_code(self):
        assert parse("host=LT").host == ("LT",)

    def test_it_accepts_lower_case_and_normalizes_to_upper(self):
        assert parse("host=lt").host == ("LT",)

    def test_it_keeps_repeated_values_in_order_without_duplicates(self):
        assert parse("host=LT&host=lv&host=lt&host=EE").host == ("LT", "LV", "EE")

    def test_it_skips_an_empty_value_among_real_ones(self):
        assert parse("host=&host=PL").host == ("PL",)

    def test_it_rejects_a_code_that_is_no_country(self):
        error = error_for("host=XX")
        assert error.param == "host"
        assert str(error) == "host: 'XX' is not an ISO 3166-1 alpha-2 country code"

    def test_it_rejects_an_alpha_3_code(self):
        assert error_for("host=LTU").param == "host"

    def test_it_rejects_an_organisation_as_host(self):
        assert error_for("host=NATO").param == "host"

    def test_it_names_the_bad_value_among_good_ones(self):
        error = error_for("host=LT&host=ZZ")
        assert "'ZZ'" in str(error)

    @pytest.mark.parametrize("value", ["\u00df", "\u017fe"])
    def test_it_rejects_letters_that_upper_case_into_a_code(self, value):
        assert error_for(f"host={value}").param == "host"  # "ß".upper() is "SS", South Sudan


class TestContributor:
    def test_it_parses_a_country_code(self):
        assert parse("contributor=us").contributor == ("US",)

    def test_it_parses_an_organisation_code(self):
        assert parse("contributor=NATO&contributor=eu").contributor == ("NATO", "EU")

    def test_it_rejects_an_unknown_code(self):
        error = error_for("contributor=ZZZ")
        assert error.param == "contributor"
        assert str(error).startswith("contributor: 'ZZZ' is not")


class TestKindAndUnit:
    def test_it_parses_kinds_case_insensitively(self):
        assert parse("kind=presence&kind=Increase").kind == ("presence", "increase")

    def test_it_parses_units(self):
        assert parse("unit=troops&unit=aircraft").unit == ("troops", "aircraft")

    def test_it_rejects_a_bogus_kind_and_lists_the_kinds(self):
        error = error_for("kind=bogus")
        assert error.param == "kind"
        assert "'bogus'" in str(error)
        assert "presence" in str(error)

    def test_it_rejects_a_bogus_unit(self):
        error = error_for("unit=x")
        assert error.param == "unit"
        assert str(error).startswith("unit: 'x' is not a unit")


class TestDates:
    def test_it_parses_from_and_to(self):
        filters = parse("from=2022-02-01&to=2022-03-31")
        assert filters.date_from == date(2022, 2, 1)
        assert filters.date_to == date(2022, 3, 31)

    def test_from_equal_to_to_is_one_day(self):
        filters = parse("from=2022-02-09&to=2022-02-09")
        assert filters.date_from == filters.date_to == date(2022, 2, 9)

    @pytest.mark.parametrize("value", ["yesterday", "2022-2-1", "20220201", "2022-02-01T00:00"])
    def test_it_rejects_from_that_is_not_yyyy_mm_dd(self, value):
        error = error_for(f"from={value}")
        assert error.param == "from"
        assert str(error).startswith("from: ")
        assert "YYYY-MM-DD" in str(error)

    def test_it_rejects_to_that_is_no_real_date(self):
        error = error_for("to=2022-13-01")
        assert error.param == "to"
        assert str(error) == "to: '2022-13-01' is not a real date"

    def test_it_rejects_from_after_to_naming_both(self):
        error = error_for("from=2022-03-01&to=2022-02-01")
        assert error.param == "from"
        assert "from: 2022-03-01" in str(error)
        assert "to: 2022-02-01" in str(error)

    def test_it_rejects_two_different_from_dates(self):
        error = error_for("from=2022-01-01&from=2022-02-01")
        assert error.param == "from"
        assert "'2022-01-01', '2022-02-01'" in str(error)

    def test_a_repeated_identical_date_is_accepted(self):
        assert parse("to=2022-01-01&to=2022-01-01").date_to == date(2022, 1, 1)


class TestSearch:
    def test_it_strips_the_search_text(self):
        assert parse("q=%20%20battlegroup%20").q == "battlegroup"

    def test_it_accepts_200_characters(self):
        assert parse("q=" + "a" * 200).q == "a" * 200

    def test_it_rejects_more_than_200_characters(self):
        error = error_for("q=" + "a" * 201)
        assert error.param == "q"
        assert "201" in str(error)

    def test_it_rejects_a_nul_character(self):
        assert str(error_for("q=troops%00")) == "q: the search text contains a NUL character (%00)"


class TestQueryString:
    def test_it_round_trips_through_the_parser(self):
        filters = parse("q=about+500&to=2022-12-31&host=lt&host=LV&kind=pledge&contributor=nato")
        assert parse(filters.query_string()) == filters

    def test_it_is_canonical(self):
        filters = parse("unit=troops&host=lt&from=2022-01-01")
        assert filters.query_string() == "host=LT&unit=troops&from=2022-01-01"

    def test_no_filters_give_an_empty_query_string(self):
        assert EventFilters().query_string() == ""


class TestDateView:
    """view_from/view_to: the dates a zoomed chart shows, carried into its exports."""

    def view(self, query: str):
        return parse_view(QueryDict(query))

    def test_absent_is_none(self):
        assert self.view("host=LT&view_from=&view_to=") is None

    def test_both_dates_give_the_view(self):
        assert self.view("view_from=2022-02-01&view_to=2022-03-31") == DateView(
            date(2022, 2, 1), date(2022, 3, 31)
        )

    @pytest.mark.parametrize(
        "query,param,words",
        [
            ("view_from=2022-02-01", "view_to", "together"),
            ("view_to=2022-02-01", "view_from", "together"),
            ("view_from=2022-03-01&view_to=2022-02-01", "view_from", "on or before"),
            ("view_from=2022-02-30&view_to=2022-03-01", "view_from", "not a real date"),
            ("view_from=Feb&view_to=2022-03-01", "view_from", "YYYY-MM-DD"),
        ],
    )
    def test_bad_views_name_the_parameter(self, query, param, words):
        with pytest.raises(FilterError) as caught:
            self.view(query)
        assert caught.value.param == param and words in caught.value.message

    def test_it_narrows_the_filters_dates(self):
        view = DateView(date(2022, 2, 1), date(2022, 12, 31))
        assert view.narrow(EventFilters(host=("LT",))) == EventFilters(
            host=("LT",), date_from=date(2022, 2, 1), date_to=date(2022, 12, 31)
        )
        narrower = EventFilters(date_from=date(2022, 6, 1), date_to=date(2023, 1, 1))
        assert view.narrow(narrower) == EventFilters(
            date_from=date(2022, 6, 1), date_to=date(2022, 12, 31)
        )
