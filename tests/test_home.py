"""GET / lists the published events under the timeline; each event's page shows its sources."""

from datetime import date

import pytest
from django.urls import reverse

from deployments.records.models import Event
from tests.factories import cite, make_article, make_event, make_outlet

pytestmark = pytest.mark.django_db

BODY = (
    "Lithuania will ask for a permanent presence.\n\n"
    "The US has deployed rotations of about 500 troops in Lithuania since 2019. "
    "Germany will add 350 troops to the battlegroup."
)


def get_home(client, query: str = ""):
    return client.get(reverse("dashboard:home") + (f"?{query}" if query else ""))


def page(client, query: str = "") -> str:
    response = get_home(client, query)
    assert response.status_code == 200
    return response.content.decode()


class TestHomeList:
    def test_it_lists_published_events_and_not_drafts(self, client):
        make_event(summary="About 500 US troops rotate through Lithuania")
        make_event(summary="An unchecked draft figure", status=Event.Status.DRAFT)
        html = page(client)
        assert "About 500 US troops rotate through Lithuania" in html
        assert "An unchecked draft figure" not in html

    def test_it_counts_the_events_shown(self, client):
        make_event()
        make_event(date=date(2022, 3, 1))
        make_event(status=Event.Status.DRAFT)
        assert "2 events" in page(client)

    def test_it_shows_the_figure_places_and_date_with_its_precision(self, client):
        make_event(
            date=date(2022, 3, 1),
            date_precision="month",
            host_country="LT",
            contributor="NATO",
            quantity=1000,
            qualifier=Event.Qualifier.AT_LEAST,
        )
        html = page(client)
        assert "March 2022" in html
        assert "1 March 2022" not in html
        assert "at least 1,000 troops" in html
        assert "Lithuania" in html
        assert "NATO" in html

    def test_it_marks_a_disputed_event(self, client):
        make_event(disputed=True)
        assert "badge-disputed" in page(client)

    def test_an_undisputed_event_has_no_disputed_badge(self, client):
        make_event(disputed=False)
        assert "badge-disputed" not in page(client)

    def test_it_says_when_nothing_is_published(self, client):
        make_event(status=Event.Status.DRAFT)
        assert "No events are published yet." in page(client)

    def test_it_uses_the_base_layout_and_stylesheet(self, client):
        html = page(client)
        assert "Deployment timelines" in html
        assert "/static/css/site.css" in html
        assert reverse("admin:index") in html
        assert "/static/js/charts.js" in html


def event_page(client, event) -> str:
    response = client.get(reverse("dashboard:event", args=[event.pk]))
    assert response.status_code == 200
    return response.content.decode()


class TestEventSources:
    def test_it_shows_the_quote_marked_inside_its_sentence_and_the_outlet(self, client):
        event = make_event()
        article = make_article(
            BODY, outlet=make_outlet("Baltic Wire"), title="US troops stay", url="https://b.test/1"
        )
        cite(event, article, "about 500 troops")
        html = event_page(client, event)
        assert (
            "<blockquote><p>The US has deployed rotations of <mark>about 500 troops</mark>"
            " in Lithuania since 2019.</p></blockquote>"
        ) in html
        assert "Baltic Wire" in html
        assert '<a href="https://b.test/1" rel="noopener noreferrer">US troops stay</a>' in html

    def test_it_labels_a_state_affiliated_outlet(self, client):
        event = make_event()
        cite(
            event, make_article(BODY, outlet=make_outlet("State TV", state_affiliated=True)), "2019"
        )
        assert "state-affiliated</span>" in event_page(client, event)

    def test_an_independent_outlet_has_no_state_label(self, client):
        event = make_event()
        cite(event, make_article(BODY, outlet=make_outlet("Free Press")), "2019")
        assert "state-affiliated" not in event_page(client, event)

    def test_an_article_without_text_says_the_quote_comes_later(self, client):
        event = make_event()
        event.citations.create(article=make_article("", title="Pending import"), start=0, end=5)
        html = event_page(client, event)
        assert "Pending import" in html
        assert "unknown outlet" in html
        assert "once this article's text is imported" in html

    def test_a_non_web_url_is_not_linked(self, client):
        event = make_event()
        article = make_article(BODY, title="Odd link", url="javascript:alert(1)")
        cite(event, article, "2019")
        html = event_page(client, event)
        assert "javascript:" not in html
        assert "<cite>Odd link</cite>" in html

    def test_html_in_summary_title_and_body_is_escaped(self, client):
        body = "Officials said <b>500</b> troops <script>alert(1)</script> would stay."
        event = make_event(summary="Troops <em>stay</em>")
        cite(
            event, make_article(body, title="<i>Title</i>", outlet=make_outlet("<u>Out</u>")), "500"
        )
        html = event_page(client, event)
        assert "<em>stay</em>" not in html
        assert "Troops &lt;em&gt;stay&lt;/em&gt;" in html
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "Officials said &lt;b&gt;<mark>500</mark>&lt;/b&gt; troops" in html
        assert "&lt;i&gt;Title&lt;/i&gt;" in html
        assert "&lt;u&gt;Out&lt;/u&gt;" in html


class TestHomeFilters:
    @pytest.fixture
    def events(self):
        make_event(host_country="LT", summary="US troops in Lithuania")
        make_event(host_country="LV", contributor="NATO", summary="NATO brigade in Latvia")

    def test_a_filter_narrows_the_list(self, client, events):
        html = page(client, "host=lv")
        assert "NATO brigade in Latvia" in html
        assert "US troops in Lithuania" not in html
        assert "1 event matching these filters" in html

    def test_the_form_keeps_the_chosen_value(self, client, events):
        assert '<option value="LV" selected>Latvia</option>' in page(client, "host=lv")

    def test_several_chosen_values_make_a_multiple_select(self, client, events):
        html = page(client, "host=LT&host=LV")
        assert '<select name="host" multiple>' in html
        assert '<option value="LT" selected>Lithuania</option>' in html

    def test_the_data_links_carry_the_filters(self, client, events):
        html = page(client, "host=lv&q=brigade")
        assert 'href="/events.csv?host=LV&amp;q=brigade"' in html
        assert 'href="/events.json?host=LV&amp;q=brigade"' in html

    def test_a_filter_that_matches_nothing_says_so(self, client, events):
        assert "No published event matches these filters." in page(client, "kind=exercise")

    @pytest.mark.parametrize(
        ("query", "message"),
        [
            ("host=XX", "host: &#x27;XX&#x27; is not an ISO 3166-1 alpha-2 country code"),
            ("from=yesterday", "from: &#x27;yesterday&#x27; is not a date"),
            ("from=2022-03-01&to=2022-02-01", "from: 2022-03-01 is after to: 2022-02-01"),
        ],
    )
    def test_a_bad_filter_answers_400_naming_the_parameter(self, client, events, query, message):
        response = get_home(client, query)
        assert response.status_code == 400
        html = response.content.decode()
        assert message in html
        assert "NATO brigade in Latvia" not in html

    @pytest.mark.parametrize("query", ["host=%3Cb%3Ex", "q=" + "%3Cb%3E" * 100])
    def test_a_bad_value_shown_back_is_escaped(self, client, query):
        response = get_home(client, query)
        assert response.status_code == 400
        html = response.content.decode()
        assert "<b>" not in html
        assert "&lt;b&gt;" in html


class TestHomeQueryCount:
    @pytest.mark.parametrize("count", [3, 30])
    def test_the_query_count_does_not_grow_with_events(
        self, client, django_assert_num_queries, count
    ):
        for number in range(count):
            outlet = make_outlet(state_affiliated=number % 2 == 0)
            event = make_event(
                summary=f"Event number {number}", contributor=["US", "NATO"][number % 2]
            )
            cite(event, make_article(f"{BODY} Report {number}.", outlet=outlet), "500 troops")
            cite(event, make_article(f"{BODY} Copy {number}."), "350 troops")
        # The data version, the filter menus (cached from then on), the count, the table's
        # events and citations, the chart's points and their sources.
        with django_assert_num_queries(7):
            response = get_home(client)
        assert response.status_code == 200
        assert f"{count} events" in response.content.decode()
