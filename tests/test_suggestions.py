"""The extraction assistant in the admin: suggest, accept, corroborate and dismiss, end to end."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from deployments.extraction.suggestions import candidates_for, key_of
from deployments.records.models import Article, Citation, DismissedCandidate, Event

from .factories import cite, make_article, make_event

BODY = (
    "Germany sends troops to Lithuania\n\n"
    "About 350 German soldiers arrived in Lithuania on February 14, 2022, the defence ministry "
    "said.\n\nSubscribe to our newsletter: 350 German soldiers arrived in Lithuania daily.\n"
)
SENTENCE = (
    "About 350 German soldiers arrived in Lithuania on February 14, 2022, the defence ministry "
    "said."
)


@pytest.fixture
def article() -> Article:
    article = make_article(BODY, title="Germany sends troops", published=date(2022, 2, 14))
    start = BODY.index("Subscribe")
    article.boilerplate = [[start, BODY.index("\n", start), "newsletter appeal"]]
    article.save()
    return article


def suggest_url(article: Article) -> str:
    return reverse("admin:records_article_suggest", args=[article.pk])


def german(article: Article):
    (candidate,) = [c for c in candidates_for(article) if c.quantity == 350]
    return candidate


def test_the_candidates_come_from_the_text_not_its_boilerplate(db, article):
    candidate = german(article)
    assert (candidate.host_country, candidate.quantity, candidate.kind) == ("LT", 350, "increase")
    assert BODY[candidate.start : candidate.end] == SENTENCE == candidate.quote


def test_the_page_shows_each_candidate_beside_its_marked_sentence(editor_client, article):
    page = editor_client.get(suggest_url(article)).content.decode()
    assert "Accept as a draft event" in page
    assert re.search(r'<mark class="candidate-sentence" id="sentence-\d">' + SENTENCE, page)
    assert "Subscribe to our newsletter" in page and 'class="boilerplate"' in page


def test_the_article_page_links_to_its_suggestions(editor_client, article):
    page = editor_client.get(reverse("admin:records_article_change", args=[article.pk])).content
    assert suggest_url(article).encode() in page


def test_accepting_creates_a_draft_event_citing_the_sentence(editor_client, article):
    key = key_of(german(article))
    response = editor_client.post(suggest_url(article), {"key": key, "action": "accept"})
    event = Event.objects.get()
    assert response.url == reverse("admin:records_event_change", args=[event.pk])
    assert (event.status, event.host_country, event.contributor) == ("draft", "LT", "DE")
    assert (event.quantity, event.qualifier, event.kind) == (350, "about", "increase")
    assert event.date == date(2022, 2, 14)
    (citation,) = event.citations.all()
    assert citation.quote == SENTENCE


def test_a_candidate_matching_an_event_is_offered_as_its_source(editor_client, article):
    other = make_article("Earlier report\n\nGermany sent 350 soldiers to Lithuania.")
    event = make_event(contributor="DE", quantity=350, date=date(2022, 2, 7), summary="DE 350")
    cite(event, other, "Germany sent 350 soldiers to Lithuania.")
    page = editor_client.get(suggest_url(article)).content.decode()
    assert f"Add as a source of event {event.pk}" in page
    key = key_of(german(article))
    editor_client.post(suggest_url(article), {"key": key, "action": "corroborate"})
    assert Event.objects.count() == 1
    assert event.citations.get(article=article).quote == SENTENCE
    assert "Already cited by" in editor_client.get(suggest_url(article)).content.decode()


def test_a_dismissed_candidate_stays_dismissed(editor_client, article):
    key = key_of(german(article))
    editor_client.post(suggest_url(article), {"key": key, "action": "dismiss"})
    assert DismissedCandidate.objects.get().key == key
    page = editor_client.get(suggest_url(article)).content.decode()
    assert SENTENCE not in page.split('class="article-body')[0]
    assert f'value="{key}"' not in page


@pytest.mark.parametrize(
    "post", [{"key": "0:1:LT:DE:1:increase", "action": "accept"}, {"action": "x"}]
)
def test_an_unknown_candidate_or_action_changes_nothing(editor_client, article, post):
    response = editor_client.post(suggest_url(article), post, follow=True)
    assert "no longer proposed" in response.content.decode()
    assert not Event.objects.exists() and not Citation.objects.exists()


def test_readers_and_anonymous_users_cannot_reach_it(editor_client, article, django_user_model):
    editor_client.logout()
    assert editor_client.get(suggest_url(article)).status_code == 302  # to the login page
    reader = django_user_model.objects.create_user("reader", password="x", is_staff=True)
    editor_client.force_login(reader)
    assert editor_client.get(suggest_url(article)).status_code == 403
