"""The reader pages: timeline, event, force totals, country; their htmx partials and bad input."""

import csv
import io
import json
import re
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from deployments.records.models import Event
from tests.factories import cite, make_article, make_event, make_outlet

pytestmark = pytest.mark.django_db

BODY = (
    "US troops in Lithuania\n\n"
    "About 500 US troops are stationed in Lithuania. "
    "Another 400 will arrive, bringing the total to about 1,000. "
    "The Netherlands will send 350 troops.\n"
)


@pytest.fixture
def events():
    outlet = make_outlet("Wire", state_affiliated=True)
    article = make_article(BODY, outlet=outlet, title="US troops in Lithuania")
    presence = make_event(date=date(2022, 2, 9), quantity=500, summary="About 500 US troops")
    cite(presence, article, "About 500 US troops are stationed in Lithuania.")
    increase = make_event(
        date=date(2022, 3, 7), kind="increase", quantity=400, qualifier="exact", summary="400 more"
    )
    cite(increase, article, "Another 400 will arrive")
    dutch = make_event(
        date=date(2022, 3, 7),
        contributor="NL",
        quantity=350,
        qualifier="exact",
        summary="Dutch contingent",
    )
    cite(dutch, article, "The Netherlands will send 350 troops.")
    draft = make_event(status="draft", summary="A draft nobody may see", quantity=9999)
    return {"presence": presence, "increase": increase, "dutch": dutch, "draft": draft}


def figure(response, element_id):
    match = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert match, f"no {element_id} in the page"
    return json.loads(match.group(1))


def htmx_get(client, url, **params):
    return client.get(url, params, headers={"HX-Request": "true"})


class TestTimeline:
    def test_it_draws_published_events_and_lists_them(self, client, events):
        response = client.get("/")
        assert response.status_code == 200
        data = figure(response, "timeline-figure")
        ids = {i for trace in data["data"] for i in (trace.get("customdata") or [])}
        assert {events["presence"].pk, events["increase"].pk, events["dutch"].pk} <= ids
        assert events["draft"].pk not in ids
        assert b"A draft nobody may see" not in response.content
        assert b"400 more" in response.content

    def test_it_has_a_text_summary_beside_the_chart(self, client, events):
        response = client.get("/")
        assert re.search(rb'id="timeline-summary"[^>]*>[^<]*3 events', response.content)

    def test_rows_can_be_one_per_contributor(self, client, events):
        by_host = figure(client.get("/"), "timeline-figure")
        by_contributor = figure(client.get("/?rows=contributor"), "timeline-figure")
        assert by_host["layout"]["yaxis"] != by_contributor["layout"]["yaxis"]

    @pytest.mark.parametrize(
        "query",
        [
            "host=LT",
            "contributor=NL",
            "kind=increase",
            "unit=troops",
            "from=2022-03-01",
            "to=2022-02-28",
            "q=Dutch",
            "disputed=exclude",
            "host=LT&contributor=US&kind=presence&kind=increase&from=2022-01-01&to=2022-12-31",
        ],
    )
    def test_each_filter_renders(self, client, events, query):
        response = client.get(f"/?{query}")
        assert response.status_code == 200
        figure(response, "timeline-figure")

    def test_filters_narrow_the_chart_and_table(self, client, events):
        response = client.get("/?contributor=NL")
        data = figure(response, "timeline-figure")
        ids = {i for trace in data["data"] for i in (trace.get("customdata") or [])}
        assert ids == {events["dutch"].pk}
        assert b"1 event matching" in response.content

    @pytest.mark.parametrize(
        "query,param",
        [
            ("host=XX", "host"),
            ("contributor=ZZZ", "contributor"),
            ("kind=invasion", "kind"),
            ("unit=tanks", "unit"),
            ("from=yesterday", "from"),
            ("to=2022-13-01", "to"),
            ("from=2022-03-01&to=2022-01-01", "from"),
            ("rows=sideways", "rows"),
            ("disputed=maybe", "disputed"),
        ],
    )
    def test_a_bad_filter_answers_400_naming_the_parameter(self, client, events, query, param):
        response = client.get(f"/?{query}")
        assert response.status_code == 400
        assert f"{param}:".encode() in response.content

    def test_htmx_gets_the_results_partial_only(self, client, events):
        response = htmx_get(client, "/", host="LT")
        body = response.content.decode()
        assert response.status_code == 200
        assert body.lstrip().startswith('<div id="results"')
        assert "<html" not in body and "<form" not in body
        assert "HX-Request" in response["Vary"]

    def test_htmx_gets_a_400_partial_with_the_message(self, client, events):
        response = htmx_get(client, "/", host="XX")
        assert response.status_code == 400
        assert b"host:" in response.content and b"<html" not in response.content

    def test_a_nul_character_in_the_search_answers_400_not_a_database_error(self, client, events):
        response = client.get("/events.csv?q=a%00b")  # PostgreSQL refuses NUL in a query
        assert response.status_code == 400
        assert response.content.startswith(b"q: the search text contains a NUL character")

    def test_a_history_restore_gets_the_whole_page(self, client, events):
        response = client.get(
            "/", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
        )
        assert b"<html" in response.content

    def test_the_page_runs_a_fixed_number_of_queries(
        self, client, events, django_assert_num_queries
    ):
        client.get("/")
        with django_assert_num_queries(6):
            client.get("/")
        for n in range(20):
            event = make_event(summary=f"Extra {n}", quantity=n)
            cite(event, events["presence"].citations.first().article, "Another 400 will arrive")
        client.get("/")  # the new data version fills the filter-menu cache again
        with django_assert_num_queries(6):
            client.get("/")

    def test_there_is_no_inline_script(self, client, events):
        body = client.get("/").content.decode()
        for tag in re.findall(r"<script[^>]*>", body):
            assert "src=" in tag or 'type="application/json"' in tag, tag


class TestEventPage:
    def test_it_shows_the_quote_in_its_sentence_with_the_source(self, client, events):
        response = client.get(reverse("dashboard:event", args=[events["presence"].pk]))
        body = response.content.decode()
        assert response.status_code == 200
        assert "<mark>About 500 US troops are stationed in Lithuania.</mark>" in body
        assert "US troops in Lithuania" in body and "Wire" in body
        assert "state-affiliated" in body

    def test_a_draft_is_not_found(self, client, events):
        response = client.get(reverse("dashboard:event", args=[events["draft"].pk]))
        assert response.status_code == 404

    def test_an_unknown_event_is_not_found(self, client, events):
        assert client.get("/events/999999/").status_code == 404

    def test_htmx_gets_the_detail_partial(self, client, events):
        response = htmx_get(client, reverse("dashboard:event", args=[events["dutch"].pk]))
        body = response.content.decode()
        assert body.lstrip().startswith("<article")
        assert "Dutch contingent" in body and "<html" not in body

    def test_a_disputed_event_shows_each_version_side_by_side(self, client, events):
        other = make_article("Other report\n\nThe Dutch sent 300 troops.\n", title="Other")
        cite(events["dutch"], other, "The Dutch sent 300 troops.")
        Event.objects.filter(pk=events["dutch"].pk).update(disputed=True)
        body = client.get(reverse("dashboard:event", args=[events["dutch"].pk])).content.decode()
        assert "sources-side-by-side" in body
        assert "<mark>The Netherlands will send 350 troops.</mark>" in body
        assert "<mark>The Dutch sent 300 troops.</mark>" in body

    def test_html_in_the_quote_and_summary_is_shown_as_text(self, client):
        article = make_article("Head\n\n<script>alert(1)</script> sent 5 troops.\n")
        event = make_event(summary="<img src=x onerror=alert(1)>")
        cite(event, article, "<script>alert(1)</script> sent 5 troops.")
        body = client.get(reverse("dashboard:event", args=[event.pk])).content.decode()
        assert "<script>alert(1)" not in body and "&lt;script&gt;alert(1)" in body
        assert "<img src=x" not in body


class TestTotals:
    def test_it_stacks_levels_per_host_as_of_a_date(self, client, events):
        response = client.get("/totals/?as_of=2022-03-31")
        assert response.status_code == 200
        data = figure(response, "totals-figure")
        assert data["layout"]["barmode"] == "stack"
        body = response.content.decode()
        assert 'As of <time datetime="2022-03-31">31 March 2022</time>' in body

    def test_the_as_of_date_changes_the_levels(self, client, events):
        february = client.get("/totals/?as_of=2022-02-28").content.decode()
        march = client.get("/totals/?as_of=2022-03-31").content.decode()
        assert "Netherlands" not in february.split("<tbody>")[1].split("</tbody>")[0]
        assert "Netherlands" in march.split("<tbody>")[1].split("</tbody>")[0]

    def test_one_host_adds_its_level_over_time(self, client, events):
        response = client.get("/totals/?as_of=2022-03-31&host=LT")
        figure(response, "level-figure")
        assert "level-figure" not in client.get("/totals/?as_of=2022-03-31").content.decode()

    def test_the_rule_against_double_counting_is_on_the_page(self, client, events):
        assert b"No double counting" in client.get("/totals/").content

    @pytest.mark.parametrize("query", ["as_of=31/03/2022", "as_of=2022-02-30", "host=XX"])
    def test_a_bad_value_answers_400(self, client, events, query):
        response = client.get(f"/totals/?{query}")
        assert response.status_code == 400
        assert query.split("=")[0].encode() + b":" in response.content

    def test_htmx_gets_the_results_partial(self, client, events):
        body = htmx_get(client, "/totals/", as_of="2022-03-31").content.decode()
        assert body.lstrip().startswith('<div id="results"')

    def test_the_page_runs_a_fixed_number_of_queries(
        self, client, events, django_assert_num_queries
    ):
        client.get("/totals/?as_of=2022-03-31")
        with django_assert_num_queries(3):
            client.get("/totals/?as_of=2022-03-31")
        for n in range(20):
            make_event(contributor="DE", kind="increase", quantity=n + 1, summary=f"DE {n}")
        client.get("/totals/?as_of=2022-03-31")
        with django_assert_num_queries(3):
            client.get("/totals/?as_of=2022-03-31")


class TestTotalsCsv:
    def rows(self, client, query=""):
        response = client.get(f"/totals.csv?{query}")
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        return list(csv.reader(io.StringIO(response.content.decode())))

    def test_columns_are_in_the_contract_order(self, client, events):
        header = self.rows(client, "as_of=2022-03-31")[0]
        assert header == [
            "host_country",
            "contributor",
            "troops",
            "low",
            "high",
            "baseline_known",
            "event_ids",
        ]

    def test_the_us_level_rests_on_its_events(self, client, events):
        rows = {(r[0], r[1]): r for r in self.rows(client, "as_of=2022-03-31")[1:]}
        us = rows[("LT", "US")]
        assert us[2] == "900" and us[5] == "true"
        assert us[6].split() == [str(events["presence"].pk), str(events["increase"].pk)]

    def test_it_defaults_to_today(self, client, events):
        assert len(self.rows(client)) == 3

    @pytest.mark.parametrize("query", ["as_of=yesterday", "as_of=2022-13-01", "contributor=ZZZ"])
    def test_a_bad_value_answers_400(self, client, query):
        response = client.get(f"/totals.csv?{query}")
        assert response.status_code == 400
        assert query.split("=")[0].encode() + b":" in response.content


class TestCountry:
    def test_it_shows_the_hosts_timeline_levels_and_events(self, client, events):
        response = client.get("/countries/LT/")
        assert response.status_code == 200
        figure(response, "timeline-figure")
        figure(response, "level-figure")
        assert b"<h1>Lithuania</h1>" in response.content
        assert b"Dutch contingent" in response.content

    def test_a_lowercase_code_works(self, client, events):
        assert client.get("/countries/lt/").status_code == 200

    def test_a_country_without_events_says_so(self, client, events):
        response = client.get("/countries/FR/")
        assert response.status_code == 200
        assert b"0 events in France" in response.content

    def test_an_unknown_code_is_not_found(self, client, events):
        assert client.get("/countries/XX/").status_code == 404

    def test_a_letter_that_upper_cases_into_a_code_is_not_found(self, client, events):
        assert client.get("/countries/%C3%9F/").status_code == 404  # "ß".upper() is "SS"

    def test_a_bad_filter_answers_400(self, client, events):
        response = client.get("/countries/LT/?kind=invasion")
        assert response.status_code == 400 and b"kind:" in response.content


class TestSeedCase:
    def test_the_us_level_in_lithuania_on_31_march_2022_is_about_1000(self, client, tmp_path):
        call_command("load_curated", stdout=(tmp_path / "out").open("w"))
        response = client.get("/totals.csv?as_of=2022-03-31&host=LT&contributor=US")
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[1][:6] == ["LT", "US", "1000", "900", "1100", "true"]

    def test_every_page_renders_on_the_curated_data(self, client, tmp_path):
        call_command("load_curated", stdout=(tmp_path / "out").open("w"))
        for url in ["/", "/?rows=contributor", "/totals/", "/totals/?host=LT", "/countries/LT/"]:
            assert client.get(url).status_code == 200, url
        for event in Event.objects.published():
            assert client.get(f"/events/{event.pk}/").status_code == 200


class TestTotalsFilters:
    def test_filters_that_would_change_the_arithmetic_are_named_not_applied(self, client, events):
        response = client.get("/totals/?as_of=2022-03-31&kind=increase&from=2022-03-01")
        body = response.content.decode()
        assert "Not applied here: kind, from" in body
        rows = body.split("<tbody>")[1]
        assert "900" in rows, "the US level still rests on its presence"

    def test_the_csv_refuses_them_naming_the_parameter(self, client, events):
        response = client.get("/totals.csv?as_of=2022-03-31&kind=increase")
        assert response.status_code == 400
        assert response.content.startswith(b"kind: does not apply to force totals")

    def test_the_pages_csv_links_carry_only_the_filters_that_apply(self, client, events):
        body = client.get("/countries/LT/?kind=presence&contributor=US").content.decode()
        assert "/totals.csv?host=LT&amp;contributor=US" in body


class TestFilterMenus:
    def test_a_new_contributor_appears_in_the_menu_once_published(self, client, events):
        assert 'value="FR"' not in client.get("/").content.decode()
        make_event(contributor="FR", summary="French troops")
        assert 'value="FR"' in client.get("/").content.decode()

    def test_unpublishing_removes_a_contributor_from_the_menu(self, client, events):
        client.get("/")
        events["dutch"].status = "draft"
        events["dutch"].save()
        assert 'value="NL"' not in client.get("/").content.decode()


class TestDensity:
    def test_many_events_are_drawn_as_monthly_counts(self, client, events, settings, monkeypatch):
        monkeypatch.setattr("deployments.dashboard.charts.MAX_TIMELINE_POINTS", 2)
        data = figure(client.get("/"), "timeline-figure")
        assert data["layout"]["meta"]["chart"] == "density"
        assert data["data"][0]["type"] == "heatmap"
        body = client.get("/").content.decode()
        assert re.search(r'id="timeline-summary"[^>]*>[^<]*3 events', body)
