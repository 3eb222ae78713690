"""GET /events.csv and /events.json: the public data contract."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from deployments.dashboard.exports import COLUMNS
from deployments.records.models import Event
from tests.factories import cite, make_article, make_event, make_outlet

pytestmark = pytest.mark.django_db

HEADER = (
    "id,date,date_precision,host_country,contributor,kind,quantity,qualifier,unit,permanence,"
    "summary,disputed,source_count,sources"
)

BODY = (
    "Lithuania will ask for a permanent presence. "
    "The US has deployed rotations of about 500 troops in Lithuania since 2019. "
    "Germany will add 350 troops to the battlegroup."
)


def get_csv(client, query: str = ""):
    return client.get(reverse("dashboard:events_csv") + (f"?{query}" if query else ""))


def get_json(client, query: str = ""):
    return client.get(reverse("dashboard:events_json") + (f"?{query}" if query else ""))


def csv_rows(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def csv_ids(response) -> list[int]:
    return [int(row["id"]) for row in csv_rows(response)]


@pytest.fixture
def us_presence():
    """A published event cited twice by one article and once by another outlet's article."""
    wire = make_outlet("Zeta Wire")
    broadcaster = make_outlet("Alpha Radio", state_affiliated=True)
    first = make_article(BODY, outlet=wire, title="US troops in Lithuania", url="https://a.test/1")
    second = make_article(BODY + " More.", outlet=broadcaster, title="Baltic report")
    event = make_event(
        date=date(2022, 2, 9),
        host_country="LT",
        contributor="US",
        kind=Event.Kind.PRESENCE,
        quantity=500,
        qualifier=Event.Qualifier.ABOUT,
        permanence=Event.Permanence.ROTATIONAL,
        summary="About 500 US troops rotate through Lithuania",
    )
    cite(event, first, "rotations of about 500 troops")
    cite(event, first, "since 2019")
    cite(event, second, "about 500 troops")
    return event


class TestEventsCsv:
    def test_it_answers_csv_as_an_attachment(self, client, us_presence):
        response = get_csv(client)
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == 'attachment; filename="events.csv"'

    def test_the_header_has_the_contract_columns_in_order(self, client, us_presence):
        first_line = get_csv(client).content.decode().splitlines()[0]
        assert first_line == HEADER
        assert ",".join(COLUMNS) == HEADER

    def test_a_row_holds_the_events_values(self, client, us_presence):
        (row,) = csv_rows(get_csv(client))
        assert row == {
            "id": str(us_presence.pk),
            "date": "2022-02-09",
            "date_precision": "day",
            "host_country": "LT",
            "contributor": "US",
            "kind": "presence",
            "quantity": "500",
            "qualifier": "about",
            "unit": "troops",
            "permanence": "rotational",
            "summary": "About 500 US troops rotate through Lithuania",
            "disputed": "false",
            "source_count": "2",
            "sources": "Alpha Radio; Zeta Wire",
        }

    def test_an_unknown_quantity_is_empty_and_disputed_is_true(self, client):
        make_event(quantity=None, qualifier=Event.Qualifier.EXACT, disputed=True, host_country="")
        (row,) = csv_rows(get_csv(client))
        assert row["quantity"] == ""
        assert row["disputed"] == "true"
        assert row["host_country"] == ""
        assert row["source_count"] == "0"
        assert row["sources"] == ""

    def test_an_article_without_outlet_is_an_unknown_outlet_listed_last(self, client):
        event = make_event()
        cite(event, make_article(BODY), "about 500 troops")
        cite(event, make_article(BODY + " Again.", outlet=make_outlet("Baltic Times")), "2019")
        (row,) = csv_rows(get_csv(client))
        assert row["sources"] == "Baltic Times; unknown outlet"

    def test_a_month_precise_event_keeps_its_precision(self, client):
        make_event(date=date(2022, 3, 1), date_precision="month")
        (row,) = csv_rows(get_csv(client))
        assert (row["date"], row["date_precision"]) == ("2022-03-01", "month")

    def test_drafts_are_not_exported(self, client, us_presence):
        make_event(status=Event.Status.DRAFT, summary="A draft nobody should see")
        assert csv_ids(get_csv(client)) == [us_presence.pk]

    def test_rows_are_ordered_by_date_then_id(self, client):
        later = make_event(date=date(2023, 1, 1))
        first = make_event(date=date(2022, 1, 1))
        second = make_event(date=date(2022, 1, 1))
        assert csv_ids(get_csv(client)) == [first.pk, second.pk, later.pk]


class TestEventsJson:
    def test_it_answers_a_json_list_with_the_contract_keys(self, client, us_presence):
        response = get_json(client)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        (record,) = response.json()
        assert list(record) == [*COLUMNS, "citations"]

    def test_values_are_typed(self, client, us_presence):
        (record,) = get_json(client).json()
        assert record["id"] == us_presence.pk
        assert record["quantity"] == 500
        assert record["source_count"] == 2
        assert record["disputed"] is False
        assert record["date"] == "2022-02-09"
        assert record["sources"] == "Alpha Radio; Zeta Wire"

    def test_an_unknown_quantity_is_null(self, client):
        make_event(quantity=None, qualifier=Event.Qualifier.EXACT)
        (record,) = get_json(client).json()
        assert record["quantity"] is None

    def test_citations_carry_outlet_title_url_and_quote(self, client, us_presence):
        (record,) = get_json(client).json()
        assert {
            "outlet": "Zeta Wire",
            "title": "US troops in Lithuania",
            "url": "https://a.test/1",
            "quote": "rotations of about 500 troops",
        } in record["citations"]
        assert {
            "outlet": "Alpha Radio",
            "title": "Baltic report",
            "url": None,
            "quote": "about 500 troops",
        } in record["citations"]
        assert len(record["citations"]) == 3

    def test_a_quote_is_empty_while_the_article_body_is_not_imported(self, client):
        event = make_event()
        pending = make_article("", title="Not imported yet")
        event.citations.create(article=pending, start=0, end=10)
        (record,) = get_json(client).json()
        assert record["citations"] == [
            {"outlet": None, "title": "Not imported yet", "url": None, "quote": ""}
        ]

    def test_drafts_are_not_exported(self, client, us_presence):
        make_event(status=Event.Status.DRAFT)
        assert [record["id"] for record in get_json(client).json()] == [us_presence.pk]


class TestFilters:
    @pytest.fixture
    def events(self):
        return {
            "lt_us": make_event(host_country="LT", contributor="US", date=date(2022, 2, 9)),
            "lv_nato": make_event(
                host_country="LV",
                contributor="NATO",
                kind=Event.Kind.PLEDGE,
                date=date(2022, 6, 1),
                summary="NATO pledges a brigade for Latvia",
            ),
            "ee_uk": make_event(
                host_country="EE",
                contributor="GB",
                unit=Event.Unit.AIRCRAFT,
                quantity=4,
                date=date(2023, 1, 15),
                summary="Four British jets patrol Estonian skies",
            ),
        }

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("host=lv", ["lv_nato"]),
            ("host=LT&host=EE", ["lt_us", "ee_uk"]),
            ("contributor=NATO", ["lv_nato"]),
            ("contributor=us&contributor=gb", ["lt_us", "ee_uk"]),
            ("kind=pledge", ["lv_nato"]),
            ("unit=aircraft", ["ee_uk"]),
            ("from=2022-06-01", ["lv_nato", "ee_uk"]),
            ("to=2022-06-01", ["lt_us", "lv_nato"]),
            ("from=2022-02-10&to=2023-01-14", ["lv_nato"]),
            ("q=british+JETS", ["ee_uk"]),
            ("host=&kind=&q=", ["lt_us", "lv_nato", "ee_uk"]),
            # A zoomed chart's data export: the dates it shows, within the filters' own.
            ("view_from=2022-05-01&view_to=2023-12-31", ["lv_nato", "ee_uk"]),
            ("to=2022-12-31&view_from=2022-05-01&view_to=2023-12-31", ["lv_nato"]),
            ("from=2023-06-01&view_from=2022-01-01&view_to=2022-12-31", []),
        ],
    )
    def test_each_filter_narrows_both_exports(self, client, events, query, expected):
        ids = [events[name].pk for name in expected]
        assert csv_ids(get_csv(client, query)) == ids
        assert [record["id"] for record in get_json(client, query).json()] == ids

    def test_search_finds_the_quoted_text_and_the_outlet(self, client, events):
        article = make_article(BODY, outlet=make_outlet("Delfi"))
        cite(events["lv_nato"], article, "Germany will add 350 troops")
        assert csv_ids(get_csv(client, "q=germany+will")) == [events["lv_nato"].pk]
        assert csv_ids(get_csv(client, "q=delfi")) == [events["lv_nato"].pk]


class TestBadFilters:
    @pytest.mark.parametrize(
        ("query", "param", "value"),
        [
            ("host=XX", "host", "XX"),
            ("contributor=ZZZ", "contributor", "ZZZ"),
            ("kind=bogus", "kind", "bogus"),
            ("unit=x", "unit", "x"),
            ("from=yesterday", "from", "yesterday"),
            ("to=2022-13-01", "to", "2022-13-01"),
            ("from=2022-03-01&to=2022-02-01", "from", "2022-03-01"),
            ("view_from=2022-03-01", "view_to", "together"),
            ("view_from=2022-03-01&view_to=2022-02-01", "view_from", "2022-03-01"),
        ],
    )
    @pytest.mark.parametrize("get", [get_csv, get_json])
    def test_a_bad_value_answers_400_naming_the_parameter_and_value(
        self, client, get, query, param, value
    ):
        response = get(client, query)
        assert response.status_code == 400
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        body = response.content.decode()
        assert body.startswith(f"{param}: ")
        assert value in body

    def test_from_after_to_names_both(self, client):
        body = get_csv(client, "from=2022-03-01&to=2022-02-01").content.decode()
        assert "from: 2022-03-01" in body
        assert "to: 2022-02-01" in body


class TestQueryCount:
    @pytest.mark.parametrize("count", [3, 30])
    @pytest.mark.parametrize(
        "get,queries",
        # CSV: the events, their outlets. JSON adds the cited articles and the citations.
        [(get_csv, 2), (get_json, 4)],
    )
    def test_the_query_count_does_not_grow_with_rows(
        self, client, django_assert_num_queries, get, queries, count
    ):
        for number in range(count):
            outlet = make_outlet(state_affiliated=number % 2 == 0)
            event = make_event(summary=f"Event number {number}")
            cite(event, make_article(f"{BODY} Report {number}.", outlet=outlet), "500 troops")
            cite(event, make_article(f"{BODY} Copy {number}."), "350 troops")
        with django_assert_num_queries(queries):
            response = get(client)
        assert response.status_code == 200
