"""Metadata guesses: title, outlet, date and URL from a saved page first, then from the text."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings

from deployments.ingest.articles import read_article_file
from deployments.ingest.metadata import Guess, infer_metadata, outlet_name, registered_domain
from deployments.records.models import text_sha256

WIRE = """Lithuania asks U.S. for permanent troop presence

VILNIUS, Feb 9 (Reuters) - Lithuania will ask the United States to station troops permanently, \
President Gitanas Nauseda said on Wednesday, as tensions with Russia rose in February 2022.

The Netherlands said it would add 80 troops to the NATO battlegroup.

Reporting by Andrius Sytas; Editing by Jane Doe"""

PRESS_RELEASE = """FOR IMMEDIATE RELEASE
May 2, 2024

Defense Secretary Welcomes Lithuania's Commitment to Host U.S. Forces

WASHINGTON - The Department of Defense confirmed today that the U.S. rotational battalion in \
Lithuania will remain. A review is scheduled for June 1, 2025.

###

https://www.defense.gov/News/Releases/Release/Article/123/"""

LOCAL_PRESS = """Council backs new barracks for US troops
By Ruta Jonaite, Staff writer
Published: 7 March 2023 14:05

PABRADE - The district council on Tuesday approved land for barracks that will house up to \
1,000 US soldiers from next year.

© 2023 Pabrade Gazette. All rights reserved."""


def test_a_wire_story_gives_the_agency_and_its_dateline_with_the_year_the_text_states():
    meta = infer_metadata(WIRE)
    assert meta.title.value == "Lithuania asks U.S. for permanent troop presence"
    assert meta.outlet.value == "Reuters"
    assert "dateline" in meta.outlet.note
    assert (meta.published.value, meta.published.precision) == (date(2022, 2, 9), "day")
    assert "2022" in meta.published.note


def test_a_wire_dateline_without_a_year_gives_no_date():
    text = "Troops stay\n\nVILNIUS, Feb 9 (Reuters) - Lithuania will ask for US troops, he said."
    meta = infer_metadata(text)
    assert meta.outlet.value == "Reuters"
    assert meta.published is None


def test_a_press_release_gives_its_date_line_its_domain_and_skips_the_release_header():
    meta = infer_metadata(PRESS_RELEASE)
    assert (
        meta.title.value == "Defense Secretary Welcomes Lithuania's Commitment to Host U.S. Forces"
    )
    assert meta.outlet.value == "U.S. Department of Defense"
    assert (meta.published.value, meta.published.precision) == (date(2024, 5, 2), "day")
    assert meta.url.value == "https://www.defense.gov/News/Releases/Release/Article/123/"


def test_a_local_press_story_gives_its_published_line_and_the_copyright_holder():
    meta = infer_metadata(LOCAL_PRESS)
    assert meta.title.value == "Council backs new barracks for US troops"
    assert meta.outlet.value == "Pabrade Gazette"
    assert (meta.published.value, meta.published.precision) == (date(2023, 3, 7), "day")
    assert meta.published.note == 'date line "Published: 7 March 2023 14:05"'


def test_the_page_comes_before_the_text():
    page = {
        "title": "Lithuania Seeks Permanent U.S. Military Presence",
        "sitename": "RFE/RL",
        "date": "2022-02-09",
        "url": "https://www.rferl.org/a/lithuania-us-troops/31694545.html",
    }
    meta = infer_metadata(LOCAL_PRESS, page=page)
    assert meta.title.value == page["title"]
    assert meta.outlet == Guess(
        "Radio Free Europe/Radio Liberty", "", 'site name in the page "RFE/RL"'
    )
    assert meta.published == Guess(date(2022, 2, 9), "day", "date in the page")
    assert meta.url.value == page["url"]


def test_a_page_with_only_a_host_name_gives_the_outlet_of_that_domain():
    meta = infer_metadata("Title\n\nText.", page={"hostname": "www.independent.co.uk"})
    assert meta.outlet == Guess("The Independent", "", "domain independent.co.uk")


@pytest.mark.parametrize(
    ("found", "name"),
    [
        ("https://www.rferl.org/a/lithuania/31694545.html", "Radio Free Europe/Radio Liberty"),
        ("www.reuters.com", "Reuters"),
        ("apnews.com", "Associated Press"),
        ("https://kyivindependent.com/us-battalion/", "The Kyiv Independent"),
        ("foreignpolicy.com", "Foreign Policy"),
        ("https://www.independent.co.uk/news/world/europe/x.html", "The Independent"),
        ("sputniknews.com", "Sputnik"),
        ("sputnikglobe.com", "Sputnik"),
        ("https://www.bbc.co.uk/news/world-europe-1", "BBC"),
        ("bbc.com", "BBC"),
        ("https://www.lrt.lt/en/news-in-english/19/1", "LRT"),
        ("https://news.baltic-times.com/article", "Baltic Times"),
        ("RFE/RL", "Radio Free Europe/Radio Liberty"),
        ("the Kyiv Independent", "The Kyiv Independent"),
        ("Independent", "The Independent"),
        ("Sputnik.", "Sputnik"),
        ("Pabrade Gazette", "Pabrade Gazette"),
    ],
)
def test_outlet_names_come_from_domains_and_names_as_written(found, name):
    assert outlet_name(found) == name


@pytest.mark.parametrize(
    ("host", "domain"),
    [
        ("https://www.rferl.org/a/x.html", "rferl.org"),
        ("news.bbc.co.uk", "bbc.co.uk"),
        ("edition.example.com:8080", "example.com"),
    ],
)
def test_the_registered_domain_drops_subdomains_but_keeps_two_level_suffixes(host, domain):
    assert registered_domain(host) == domain


def test_the_title_skips_furniture_and_a_date_line():
    text = "Skip to content\nBecome a member\nMay 2, 2024\nUS battalion to stay\n\nThe US said so."
    assert infer_metadata(text).title == Guess("US battalion to stay", "", "first line of the text")


def test_a_lead_sentence_is_not_taken_for_a_title():
    text = "Skip to content\n\nThe battalion will stay in Lithuania, the minister said on May 2."
    assert infer_metadata(text).title is None


@pytest.mark.parametrize(
    ("body", "expected", "precision"),
    [
        ("Troops came on February 9, 2022, it said on Wednesday.", date(2022, 2, 9), "day"),
        ("Troops arrived on 9 February 2022, officials said.", date(2022, 2, 1), "month"),
        ("The ministry said on 2022-02-09 that troops had arrived.", date(2022, 2, 1), "month"),
        ("He spoke on February 9. Tensions rose in February 2022. On Wednesday, more came.",
         date(2022, 2, 9), "day"),
        ("Troops came on May 2, 2024 and stay until May 2, 2026.", date(2024, 5, 1), "month"),
        ("It began on March 1, 2022. On May 2, 2024, troops arrived.", date(2024, 5, 1), "month"),
        ("Talks ended. © 2021 Baltic Daily", date(2021, 1, 1), "year"),
    ],
)  # fmt: skip
def test_the_published_date_is_the_latest_past_date_the_text_reports(body, expected, precision):
    published = infer_metadata("Troops in Lithuania\n\n" + body).published
    assert (published.value, published.precision) == (expected, precision)


@pytest.mark.parametrize(
    "body",
    [
        "About 500 soldiers arrived on May 2. The battalion was reinforced in 2023.",
        "Troops will stay until 2025, the minister said on Monday.",
        "Estonia is set to receive jets by March 15, 2026.",
        "In November 2021, Taiwan opened an office in Vilnius.",
    ],
)
def test_no_date_is_guessed_without_a_stated_day_and_year(body):
    assert infer_metadata("Troops in Lithuania\n\n" + body).published is None


def test_dates_in_a_read_more_list_are_not_the_articles():
    text = "Troops stay\n\nThe US said so.\n\nMORE NEWS\nNATO drill ends May 3, 2024\nBase opens"
    assert infer_metadata(text).published is None


def test_a_misspelt_month_is_no_date():
    assert infer_metadata("Troops stay\n\nTroops came on Sepember 2, 2024.").published is None


def test_a_page_date_that_is_no_day_gives_no_date():
    assert infer_metadata("Troops stay", page={"date": "2024-13-45"}).published is None


def test_a_with_reporting_by_line_suggests_rferl_but_never_the_wires_it_names():
    text = "Troops stay\n\nThe US said so.\n\nWith reporting by Reuters and AFP"
    outlet = infer_metadata(text).outlet
    assert outlet.value == "Radio Free Europe/Radio Liberty"
    assert "With reporting by Reuters and AFP" in outlet.note


def test_a_republication_notice_names_the_original_outlet_over_the_site():
    text = "Troops stay\n\nUS said so.\n\nMore from Antiwar\n\nThis originally appeared at Sputnik."
    assert infer_metadata(text).outlet.value == "Sputnik"


def test_a_link_inside_a_sentence_is_not_the_articles_address():
    text = "Troops stay\n\nThe report (https://example.org/report.pdf) says 500 troops are there."
    meta = infer_metadata(text)
    assert meta.url is None
    assert meta.outlet is None


def test_a_file_name_is_the_last_resort():
    meta = infer_metadata("Troops stay\n\nThe US said so.", filename="rferl.org-2022-02-09.txt")
    assert meta.outlet.value == "Radio Free Europe/Radio Liberty"
    assert (meta.published.value, meta.published.precision) == (date(2022, 2, 9), "day")
    assert "rferl.org-2022-02-09.txt" in meta.published.note


# The five real seed articles against their curated metadata.

CURATED = {
    record["fields"]["sha256"]: record["fields"]
    for record in json.loads((Path(settings.BASE_DIR) / "fixtures" / "curated.json").read_text())
    if record["model"] == "records.article"
}


def seed_metadata(name: str) -> tuple:
    (path,) = Path(settings.SEEDS_DIR).glob(f"{name}_*.txt")
    body = read_article_file(path)
    return infer_metadata(body, filename=path.name), CURATED[text_sha256(body)]


@pytest.mark.parametrize("name", ["000", "001", "002", "003", "004"])
def test_the_outlet_of_every_seed_matches_the_curated_one(name):
    meta, curated = seed_metadata(name)
    assert meta.outlet.value == curated["outlet"][0]
    assert meta.outlet.note


@pytest.mark.parametrize("name", ["000", "001", "002", "004"])
def test_the_title_of_a_seed_matches_the_curated_one(name):
    meta, curated = seed_metadata(name)
    assert meta.title == Guess(curated["title"], "", "first line of the text")


def test_the_kyiv_independent_seed_gets_no_title_since_the_file_has_none():
    meta, _ = seed_metadata("003")
    assert meta.title is None


@pytest.mark.parametrize("name", ["001", "003"])
def test_the_date_of_a_seed_matches_the_curated_date_and_precision(name):
    meta, curated = seed_metadata(name)
    expected = (date.fromisoformat(curated["published"]), curated["published_precision"])
    assert (meta.published.value, meta.published.precision) == expected


@pytest.mark.parametrize(
    "name",
    [
        "000",  # "on February 9" but no year anywhere in the text
        "002",  # only weekdays and "In January"; "November 2021" is a past event
        "004",  # only weekdays; the curator dated Blinken's visit from outside knowledge
    ],
)
def test_a_seed_without_a_stated_day_and_year_gets_no_date_rather_than_a_wrong_one(name):
    meta, _ = seed_metadata(name)
    assert meta.published is None
