"""The curated seed data loads into an empty database and, with the seeds imported, every
citation points at a sentence that supports its event."""

import re

import pytest
from django.conf import settings
from django.core.management import call_command

from deployments.records.models import Article, Citation, Event, Outlet

pytestmark = pytest.mark.django_db

NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8}


def numbers_in(text: str) -> set[int]:
    found = {int(match.replace(",", "")) for match in re.findall(r"\d[\d,]*\d|\d", text)}
    found |= {
        value for word, value in NUMBER_WORDS.items() if re.search(rf"\b{word}\b", text, re.I)
    }
    return found


@pytest.fixture
def curated(tmp_path):
    assert settings.SEEDS_DIR.is_dir(), f"the seed articles are missing at {settings.SEEDS_DIR}"
    call_command("load_curated", stdout=(tmp_path / "load.txt").open("w"))
    call_command(
        "import_articles", str(settings.SEEDS_DIR), stdout=(tmp_path / "imp.txt").open("w")
    )


def test_the_fixture_loads_into_an_empty_database(tmp_path):
    call_command("load_curated", stdout=(tmp_path / "out.txt").open("w"))
    assert Outlet.objects.count() == 5
    assert Article.objects.count() == 5
    assert Event.objects.count() == 35
    assert Citation.objects.count() == 50
    assert not Article.objects.exclude(body="").exists(), "the fixture must not hold article text"


def test_importing_the_seeds_fills_every_curated_article(curated):
    assert not Article.objects.filter(body="").exists()
    assert Article.objects.count() == 5, "seed imports matched curated articles, none were added"


def test_every_event_has_a_citation_and_every_quote_is_non_empty(curated):
    assert not Event.objects.filter(citations__isnull=True).exists()
    for citation in Citation.objects.select_related("article"):
        assert citation.quote.strip(), f"citation {citation.pk} has an empty quote"
        assert citation.end <= len(citation.article.body)


def test_every_cited_quantity_appears_in_a_quote_of_its_event(curated):
    """A figure is in its quote, or (for 'from 270 to 350') is the difference of two in it."""
    for event in Event.objects.exclude(quantity=None).prefetch_related("citations__article"):
        numbers = set().union(*(numbers_in(c.quote) for c in event.citations.all()))
        differences = {abs(a - b) for a in numbers for b in numbers}
        assert event.quantity in numbers | differences, (
            f"event {event.pk} ({event.summary}) cites no quote with {event.quantity}: {numbers}"
        )


def test_the_us_level_in_lithuania_is_quoted_from_three_outlets(curated):
    event = Event.objects.get(host_country="LT", contributor="US", kind="presence", quantity=500)
    outlets = {c.article.outlet.name for c in event.citations.select_related("article__outlet")}
    assert outlets == {"Radio Free Europe/Radio Liberty", "The Independent", "Sputnik"}
    assert all("500" in c.quote for c in event.citations.all())


def test_the_disputed_event_carries_each_outlets_version(curated):
    event = Event.objects.get(disputed=True)
    quotes = {
        c.article.outlet.name: c.quote for c in event.citations.select_related("article__outlet")
    }
    assert "Belarus" in quotes["The Independent"]
    assert "Romania" in quotes["Foreign Policy"]


def test_state_media_carry_the_state_affiliated_flag():
    call_command("load_curated", verbosity=0)
    sputnik = Outlet.objects.get(name="Sputnik")
    assert sputnik.kind == Outlet.Kind.STATE_MEDIA and sputnik.state_affiliated
    assert not Outlet.objects.get(name="Foreign Policy").state_affiliated


def test_no_citation_points_into_site_furniture(curated):
    """Registration prompts, membership appeals and the propaganda insertion are never cited."""
    for citation in Citation.objects.select_related("article"):
        assert not re.search(r"register|subscribe|membership|bio-labs", citation.quote, re.I)
