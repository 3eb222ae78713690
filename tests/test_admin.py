"""The editors' admin: curating events from pasted quotes, articles from pasted text, history."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deployments.records.models import Article, Citation, Event, text_sha256
from tests.factories import cite, make_article, make_event, make_outlet

pytestmark = pytest.mark.django_db

BODY = (
    "US troops in the Baltics\n\n"
    "The United States has deployed about 500 soldiers to Lithuania. "
    "Officials said 500 soldiers would stay until spring.\n"
    "NATO allies welcomed the move."
)
QUOTE = "The United States has deployed about 500 soldiers to Lithuania."


@pytest.fixture
def client(editor_client):
    return editor_client


@pytest.fixture
def article() -> Article:
    return make_article(BODY, title="Lithuania hosts US battalion", outlet=make_outlet("RFE/RL"))


def url(name: str, *args) -> str:
    return reverse(f"admin:records_{name}", args=args)


def event_form(**overrides) -> dict:
    """A complete POST for the event add/change form, with an empty citation inline."""
    data = {
        "summary": "About 500 US troops in Lithuania",
        "kind": "presence",
        "date": "2022-02-09",
        "date_precision": "day",
        "host_country": "LT",
        "contributor": "US",
        "serves_under": "",
        "permanence": "rotational",
        "quantity": "500",
        "qualifier": "about",
        "unit": "troops",
        "status": "draft",
        "notes": "",
        "version": "1",  # the version the editor's form was loaded at
        "citations-TOTAL_FORMS": "1",
        "citations-INITIAL_FORMS": "0",
        "citations-MIN_NUM_FORMS": "0",
        "citations-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def citation_fields(index: int = 0, **fields) -> dict:
    return {f"citations-{index}-{name}": value for name, value in fields.items()}


def errors_of(response) -> str:
    """All error text on an admin form page, main form and inlines alike."""
    assert response.status_code == 200, "expected the form to be shown again with errors"
    context = response.context
    formsets = [inline.formset for inline in context["inline_admin_formsets"]]
    inline_errors = [str(error) for formset in formsets for error in formset.errors]
    non_form = [str(formset.non_form_errors()) for formset in formsets]
    return " ".join([str(context["adminform"].form.errors), *inline_errors, *non_form])


class TestAccess:
    @pytest.mark.parametrize("model", ["event", "article", "outlet", "citation"])
    def test_each_changelist_and_add_form_renders_for_an_editor(self, client, model):
        assert client.get(url(f"{model}_changelist")).status_code == 200
        assert client.get(url(f"{model}_add")).status_code == 200

    def test_each_change_form_and_history_page_renders_for_an_editor(self, client, article):
        event = make_event()
        citation = cite(event, article, QUOTE)
        for name, obj in [
            ("event", event),
            ("article", article),
            ("outlet", article.outlet),
            ("citation", citation),
        ]:
            assert client.get(url(f"{name}_change", obj.pk)).status_code == 200
            assert client.get(url(f"{name}_history", obj.pk)).status_code == 200

    def test_an_anonymous_visitor_is_sent_to_the_login_page(self, client):
        client.logout()
        response = client.get(url("event_changelist"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))

    @pytest.mark.parametrize(
        "url_name", ["admin:auth_user_changelist", "admin:auth_group_changelist"]
    )
    def test_an_editor_cannot_manage_users_or_groups(self, client, url_name):
        assert client.get(reverse(url_name)).status_code == 403

    def test_the_article_autocomplete_answers_an_editor(self, client, article):
        response = client.get(
            reverse("admin:autocomplete"),
            {
                "term": "Lithuania",
                "app_label": "records",
                "model_name": "citation",
                "field_name": "article",
            },
        )
        assert [result["text"] for result in response.json()["results"]] == [article.title]


def queries_for(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


class TestChangelistQueries:
    def make_rows(self, first: int, count: int) -> None:
        outlet = make_outlet()
        for i in range(first, first + count):
            body = f"Report {i}: about {i} troops arrived."
            article = make_article(body, outlet=outlet)
            event = make_event(summary=f"Event {i}", contributor=["US", "DE", "NATO"][i % 3])
            cite(event, article, f"about {i} troops")

    @pytest.mark.parametrize("model", ["event", "article", "outlet", "citation"])
    def test_a_changelist_runs_as_many_queries_for_20_rows_as_for_2(self, client, model):
        self.make_rows(0, 2)
        few = queries_for(client, url(f"{model}_changelist"))
        self.make_rows(2, 18)
        assert queries_for(client, url(f"{model}_changelist")) == few


class TestEventChangelist:
    def test_it_shows_date_precision_quantity_contributor_name_and_source_count(
        self, client, article
    ):
        event = make_event(date=date(2022, 2, 1), date_precision="month", contributor="NATO")
        cite(event, article, QUOTE)
        cite(event, article, "NATO allies welcomed the move.")
        other = make_article("Another report: about 500 soldiers.", title="Second report")
        cite(event, other, "about 500 soldiers")
        response = client.get(url("event_changelist"))
        row = response.content.decode()
        assert "February 2022" in row
        assert "about 500 troops" in row
        assert "Lithuania" in row
        assert '<td class="field-source_count">2</td>' in row

    def test_the_contributor_filter_lists_only_contributors_in_use(self, client):
        make_event(contributor="DE")
        response = client.get(url("event_changelist"))
        choices = [
            choice["display"]
            for spec in response.context["cl"].filter_specs
            if spec.field_path == "contributor"
            for choice in spec.choices(response.context["cl"])
        ]
        assert choices == ["All", "Germany"]

    def test_the_host_filter_finds_events_with_no_named_host(self, client):
        make_event(host_country="LT")
        hostless = make_event(host_country="")
        response = client.get(url("event_changelist"), {"host_country__exact": "", "_facets": "1"})
        assert list(response.context["cl"].result_list) == [hostless]
        assert "(none)" in response.content.decode()

    def test_search_finds_an_event_by_its_cited_text(self, client, article):
        cited = make_event(summary="Battalion arrives")
        cite(cited, article, QUOTE)
        make_event(summary="Something else")
        response = client.get(url("event_changelist"), {"q": "welcomed"})
        assert list(response.context["cl"].result_list) == []
        response = client.get(url("event_changelist"), {"q": "deployed about 500"})
        assert list(response.context["cl"].result_list) == [cited]

    def test_publish_publishes_sourced_drafts_and_records_who_did_it(self, client, editor, article):
        drafts = [make_event(status="draft") for _ in range(2)]
        for event in drafts:
            cite(event, article, QUOTE)
        unsourced = make_event(status="draft")
        response = client.post(
            url("event_changelist"),
            {"action": "publish", "_selected_action": [e.pk for e in [*drafts, unsourced]]},
            follow=True,
        )
        text = [str(message) for message in response.context["messages"]]
        assert "Published 2 events." in text
        assert any(f"with no citation ({unsourced.pk})" in message for message in text)
        assert Event.objects.get(pk=unsourced.pk).status == "draft"
        for event in drafts:
            assert Event.objects.get(pk=event.pk).status == "published"
            assert event.history.latest().history_user == editor

    def test_unpublish_returns_published_events_to_draft(self, client):
        published, draft = make_event(status="published"), make_event(status="draft")
        response = client.post(
            url("event_changelist"),
            {"action": "unpublish", "_selected_action": [published.pk, draft.pk]},
            follow=True,
        )
        assert "Unpublished 1 event." in [str(m) for m in response.context["messages"]]
        assert Event.objects.get(pk=published.pk).status == "draft"


class TestEventCitations:
    def test_adding_an_event_with_a_pasted_quote_stores_its_offsets(self, client, article):
        pasted = "The United States has deployed about\u00a0500 soldiers\nto Lithuania."
        response = client.post(
            url("event_add"), event_form(**citation_fields(article=article.pk, quote=pasted))
        )
        assert response.status_code == 302, errors_of(response)
        citation = Citation.objects.get()
        assert (citation.start, citation.end) == (BODY.index(QUOTE), BODY.index(QUOTE) + len(QUOTE))
        assert citation.quote == QUOTE
        assert citation.event.summary == "About 500 US troops in Lithuania"

    def test_whatever_is_posted_as_the_hidden_span_is_replaced_by_the_located_one(
        self, client, article
    ):
        fields = citation_fields(article=article.pk, quote=QUOTE, start="junk", end="-5")
        response = client.post(url("event_add"), event_form(**fields))
        assert response.status_code == 302, errors_of(response)
        citation = Citation.objects.get()
        assert (citation.start, citation.end) == (BODY.index(QUOTE), BODY.index(QUOTE) + len(QUOTE))

    def test_an_absent_quote_is_refused_with_the_article_named(self, client, article):
        response = client.post(
            url("event_add"),
            event_form(**citation_fields(article=article.pk, quote="about 600 soldiers")),
        )
        assert "This quote is not in “Lithuania hosts US battalion”" in errors_of(response)
        assert not Event.objects.exists()

    def test_a_quote_found_twice_asks_which_then_saves_the_chosen_one(self, client, article):
        data = event_form(**citation_fields(article=article.pk, quote="500 soldiers"))
        response = client.post(url("event_add"), data)
        assert "occurs 2 times in “Lithuania hosts US battalion”" in errors_of(response)
        page = response.content.decode()
        assert "about <mark>500 soldiers</mark> to Lithuania" in page
        assert "said <mark>500 soldiers</mark> would stay" in page
        second = BODY.index("500 soldiers would")
        assert f'value="{second}:{second + 12}"' in page
        assert not Event.objects.exists()

        data.update(citation_fields(occurrence=f"{second}:{second + 12}"))
        response = client.post(url("event_add"), data)
        assert response.status_code == 302, errors_of(response)
        citation = Citation.objects.get()
        assert (citation.start, citation.end) == (second, second + 12)

    def test_citing_an_article_without_text_says_to_import_it_first(self, client):
        waiting = make_article(title="Curated, not imported")
        response = client.post(
            url("event_add"), event_form(**citation_fields(article=waiting.pk, quote="anything"))
        )
        assert "“Curated, not imported” has no text yet" in errors_of(response)

    def test_a_published_event_needs_a_citation(self, client):
        response = client.post(url("event_add"), event_form(status="published"))
        assert "A published event needs at least one citation" in errors_of(response)
        assert client.post(url("event_add"), event_form()).status_code == 302

    def test_the_change_form_shows_the_current_quote_its_offsets_and_its_sentence(
        self, client, article
    ):
        event = make_event()
        citation = cite(event, article, "about 500 soldiers")
        page = client.get(url("event_change", event.pk)).content.decode()
        assert f">\n{'about 500 soldiers'}</textarea>" in page
        assert f"characters {citation.start} to {citation.end}" in page
        assert "The United States has deployed <mark>about 500 soldiers</mark> to Lithuania." in (
            page
        )

    def test_saving_an_unchanged_ambiguous_quote_keeps_its_occurrence(self, client, article):
        event = make_event()
        citation = cite(event, article, "500 soldiers", occurrence=1)
        data = event_form(
            **{
                "citations-INITIAL_FORMS": "1",
                **citation_fields(
                    id=citation.pk, event=event.pk, article=article.pk, quote="500 soldiers"
                ),
            }
        )
        response = client.post(url("event_change", event.pk), data)
        assert response.status_code == 302, errors_of(response)
        assert Citation.objects.get().start == citation.start

    def test_changing_the_quote_moves_the_span(self, client, article):
        event = make_event()
        citation = cite(event, article, QUOTE)
        data = event_form(
            **{
                "citations-INITIAL_FORMS": "1",
                **citation_fields(
                    id=citation.pk,
                    event=event.pk,
                    article=article.pk,
                    quote="NATO allies welcomed the move.",
                ),
            }
        )
        assert client.post(url("event_change", event.pk), data).status_code == 302
        assert Citation.objects.get().quote == "NATO allies welcomed the move."


class TestHistory:
    def test_the_history_page_shows_who_changed_which_field(self, client, article):
        event = make_event(summary="Old summary", status="draft")
        response = client.post(url("event_change", event.pk), event_form(summary="New summary"))
        assert response.status_code == 302, errors_of(response)
        page = client.get(url("event_history", event.pk)).content.decode()
        assert "eddie" in page
        assert "Old summary" in page and "New summary" in page
        assert "Updated at" not in page

    def test_an_editor_can_revert_to_an_earlier_version(self, client):
        event = make_event(summary="First wording", quantity=500, status="draft")
        first = event.history.latest()
        event.summary, event.quantity = "Second wording", 800
        event.save()
        revert_url = reverse("admin:records_event_simple_history", args=[event.pk, first.pk])
        page = client.get(revert_url)
        assert 'value="Revert"' in page.content.decode()
        form = page.context["adminform"].form
        data = {name: form[name].value() for name in form.fields}
        assert (data["summary"], data["quantity"]) == ("First wording", 500)
        response = client.post(revert_url, {k: "" if v is None else v for k, v in data.items()})
        assert response.status_code == 302
        event.refresh_from_db()
        assert (event.summary, event.quantity) == ("First wording", 500)
        assert event.history.latest().history_user.username == "eddie"


class TestArticleAdmin:
    def test_the_change_page_marks_cited_spans_linked_to_their_events(self, client, article):
        event = make_event()
        cite(event, article, QUOTE)
        page = client.get(url("article_change", article.pk)).content.decode()
        event_url = url("event_change", event.pk)
        assert f'<a href="{event_url}">{QUOTE}</a></mark>' in page
        assert "Events citing it" in page

    def test_overlapping_citations_are_split_into_marked_pieces(self, client, article):
        first, second = make_event(), make_event(summary="Second")
        cite(first, article, "deployed about 500 soldiers")
        cite(second, article, "about 500 soldiers to Lithuania")
        page = client.get(url("article_change", article.pk)).content.decode()
        assert f'<a href="{url("event_change", first.pk)}">deployed </a></mark>' in page
        assert f'title="Event {first.pk}: ' in page
        assert 'class="cited overlap"' in page
        assert f'<a href="{url("event_change", second.pk)}"> to Lithuania</a></mark>' in page

    def test_html_in_the_body_is_shown_as_text(self, client):
        body = 'Lead <script>alert("x")</script> & <b>500</b> troops arrived.'
        article = make_article(body)
        cite(make_event(), article, "<b>500</b> troops")
        page = client.get(url("article_change", article.pk)).content.decode()
        assert "<script>alert" not in page
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; " in page
        assert "&lt;b&gt;500&lt;/b&gt; troops</a></mark>" in page

    def test_the_body_is_read_only_once_set(self, client, article):
        response = client.get(url("article_change", article.pk))
        assert "body" not in response.context["adminform"].form.fields
        data = {
            "title": "New title",
            "published": "2022-02-09",
            "published_precision": "day",
            "body": "Replaced text",
        }
        assert client.post(url("article_change", article.pk), data).status_code == 302
        article.refresh_from_db()
        assert (article.title, article.body) == ("New title", BODY)

    def test_adding_an_article_stores_its_text_with_newlines_normalized_and_its_sha256(
        self, client
    ):
        outlet = make_outlet("Reuters")
        data = {
            "outlet": outlet.pk,
            "title": "Allies reinforce",
            "published": "2024-03-15",
            "published_precision": "month",
            "body": "Allies reinforce\r\n\r\nAbout 1,000 troops. ",
        }
        response = client.post(url("article_add"), data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        article = Article.objects.get(title="Allies reinforce")
        assert article.body == "Allies reinforce\n\nAbout 1,000 troops. "
        assert article.sha256 == text_sha256(article.body)
        assert article.published == date(2024, 3, 1)
        assert article.imported_at is not None

    def test_adding_a_text_already_in_the_records_is_refused_naming_the_article(
        self, client, article
    ):
        data = {"title": "Copy", "published_precision": "day", "body": BODY.replace("\n", "\r\n")}
        response = client.post(url("article_add"), data)
        errors = str(response.context["adminform"].form.errors)
        assert "already in the records as" in errors and "Lithuania hosts US battalion" in errors
        assert Article.objects.count() == 1

    def test_adding_the_text_of_a_curated_article_points_to_that_article(self, client):
        waiting = make_article(sha256=text_sha256(BODY), title="Curated, awaiting text")
        data = {"title": "Copy", "published_precision": "day", "body": BODY}
        response = client.post(url("article_add"), data)
        errors = str(response.context["adminform"].form.errors)
        assert "Curated, awaiting text" in errors and "paste it there instead" in errors
        assert Article.objects.get().pk == waiting.pk

    def test_a_curated_article_takes_its_own_text_and_only_that(self, client):
        waiting = make_article(sha256=text_sha256(BODY), title="Curated, awaiting text")
        data = {"title": waiting.title, "published_precision": "day", "body": BODY + " extra"}
        response = client.post(url("article_change", waiting.pk), data)
        assert "not the text this article was curated from" in str(
            response.context["adminform"].form.errors
        )
        data["body"] = BODY
        assert client.post(url("article_change", waiting.pk), data).status_code == 302
        waiting.refresh_from_db()
        assert waiting.body == BODY and waiting.imported_at is not None

    def test_a_curated_article_awaiting_its_text_can_be_edited_without_it(self, client):
        waiting = make_article(sha256=text_sha256(BODY), title="Curated, awaiting text")
        data = {"title": "Better title", "published_precision": "day", "body": ""}
        assert client.post(url("article_change", waiting.pk), data).status_code == 302
        waiting.refresh_from_db()
        assert (waiting.title, waiting.body, waiting.imported_at) == ("Better title", "", None)


class TestArticleImportInAdmin:
    """Adding an article by uploading its file or pasting its text: what is blank is inferred."""

    PAGE = (
        "<html><head><title>Dutch troops leave Lithuania</title>"
        '<meta property="og:site_name" content="LRT">'
        '<meta property="article:published_time" content="2023-05-04T08:00:00Z"></head>'
        "<body><nav>Home News</nav><article><h1>Dutch troops leave Lithuania</h1>"
        "<p>About 270 Dutch soldiers left the NATO battlegroup in Rukla on Thursday after six "
        "months in Lithuania, the Lithuanian army said, and a new rotation will arrive in June."
        "</p></article></body></html>"
    )

    def post(self, client, **fields):
        data = {"published_precision": "day", "body": "", **fields}
        return client.post(url("article_add"), data)

    def test_an_uploaded_web_page_becomes_an_article_with_inferred_metadata(self, client):
        upload = SimpleUploadedFile("lrt.html", self.PAGE.encode(), content_type="text/html")
        response = self.post(client, file=upload)
        assert response.status_code == 302, response.context["adminform"].form.errors
        article = Article.objects.get()
        assert article.title == "Dutch troops leave Lithuania"
        assert article.outlet.name == "LRT"
        assert article.published == date(2023, 5, 4)
        assert (article.source_format, article.filename) == ("html", "lrt.html")
        assert "About 270 Dutch soldiers" in article.body and "Home News" not in article.body
        assert "Title:" in article.metadata_notes

    def test_what_the_editor_typed_wins_over_the_inferred(self, client):
        outlet = make_outlet("Reuters")
        response = self.post(
            client, body="A headline\n\nAbout 500 US troops arrived.", title="Mine",
            outlet=outlet.pk,
        )  # fmt: skip
        assert response.status_code == 302, response.context["adminform"].form.errors
        article = Article.objects.get()
        assert (article.title, article.outlet) == ("Mine", outlet)

    def test_a_pasted_text_without_a_title_takes_its_first_line(self, client):
        assert self.post(client, body="A headline\n\nAbout 500 US troops.").status_code == 302
        assert Article.objects.get().title == "A headline"

    @pytest.mark.parametrize(
        ("name", "data", "message"),
        [
            ("page.html", b"<html><body><nav>Home</nav></body></html>", "no article text"),
            ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary data"),
            ("blank.md", b"  \n\n ", "empty (only whitespace)"),
        ],
    )
    def test_a_bad_file_is_refused_naming_it_and_nothing_is_stored(
        self, client, name, data, message
    ):
        response = self.post(client, file=SimpleUploadedFile(name, data))
        errors = str(response.context["adminform"].form.errors)
        assert f"{name} cannot be an article" in errors and message in errors
        assert not Article.objects.exists()

    def test_the_article_page_greys_its_boilerplate_and_names_why(self, client):
        text = "A headline\n\nAbout 500 US troops arrived.\n\nSubscribe to our newsletter\n"
        assert self.post(client, body=text).status_code == 302
        article = Article.objects.get()
        page = client.get(url("article_change", article.pk)).content.decode()
        assert '<span class="boilerplate" title="Boilerplate: ' in page
        assert "Subscribe to our newsletter</span>" in page
        assert article.body == text

    def test_an_empty_file_is_refused(self, client):
        response = self.post(client, file=SimpleUploadedFile("empty.txt", b""))
        assert "The submitted file is empty" in str(response.context["adminform"].form.errors)
        assert not Article.objects.exists()

    def test_a_file_and_a_pasted_text_together_are_refused(self, client):
        response = self.post(client, file=SimpleUploadedFile("a.txt", b"Text"), body="Other")
        assert "not both" in str(response.context["adminform"].form.errors)

    def test_neither_file_nor_text_is_refused(self, client):
        response = self.post(client, title="Only a title")
        assert "Upload the article&#x27;s file or paste its text" in str(
            response.context["adminform"].form.errors
        )

    def test_the_same_text_retyped_is_refused_naming_the_article(self, client, article):
        retyped = BODY.upper().replace(" ", "  ")
        response = self.post(client, body=retyped)
        errors = str(response.context["adminform"].form.errors)
        assert "already in the records as" in errors and "other spacing" in errors


class TestCitationAdmin:
    def test_a_citation_added_on_its_own_page_stores_the_pasted_quotes_offsets(
        self, client, article
    ):
        event = make_event(status="draft")
        data = {"event": event.pk, "article": article.pk, "quote": "NATO allies welcomed the move"}
        response = client.post(url("citation_add"), data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        citation = Citation.objects.get()
        assert citation.quote == "NATO allies welcomed the move"

    def test_the_same_span_cannot_be_cited_twice_for_one_event(self, client, article):
        event = make_event()
        cite(event, article, QUOTE)
        response = client.post(
            url("citation_add"), {"event": event.pk, "article": article.pk, "quote": QUOTE}
        )
        assert "already exists" in str(response.context["adminform"].form.errors)
        assert Citation.objects.count() == 1

    def test_the_list_searches_the_quoted_text(self, client, article):
        cite(make_event(summary="First"), article, QUOTE)
        cite(make_event(summary="Second"), article, "NATO allies welcomed the move.")
        response = client.get(url("citation_changelist"), {"q": "welcomed"})
        assert [c.event.summary for c in response.context["cl"].result_list] == ["Second"]
        assert "NATO allies welcomed the move." in response.content.decode()
