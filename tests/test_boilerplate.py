"""Boilerplate spans: page furniture is marked by whole lines, and the reporting never is."""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path

import pytest
from django.conf import settings

from deployments.ingest.articles import read_article_file
from deployments.ingest.boilerplate import Span, boilerplate_spans
from deployments.records.models import text_sha256

LEAD = "About 500 US troops are stationed in Lithuania on a rotational basis, the ministry said."
CLOSE = "Lithuania has asked Washington to make the presence permanent, officials said on Monday."
CURATED = Path(settings.BASE_DIR) / "fixtures" / "curated.json"


def marked(text: str) -> list[tuple[str, str]]:
    return [(text[span.start : span.end], span.reason) for span in boilerplate_spans(text)]


def article(*lines: str) -> str:
    return "\n\n".join([LEAD, *lines, CLOSE])


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Subscribe", "subscription prompt"),
        (".Subscribe Subscribe", "subscription prompt"),
        ("Register for free to continue reading", "subscription prompt"),
        ("Already have an account? sign in", "subscription prompt"),
        ("Create an account to keep reading", "subscription prompt"),
        ("Enter your email to subscribe", "subscription prompt"),
        ("Please, enter correct email address", "form message"),
        ("* indicates required", "form message"),
        ("Must be at least 6 characters, include a number", "form message"),
        ("This site is protected by reCAPTCHA", "form message"),
        ("Become a member Gift membership", "membership appeal"),
        ("Donate now to support independent journalism", "membership appeal"),
        ("Sign up for our daily newsletter", "newsletter appeal"),
        ("Join the Conversation", "comment prompt"),
        ("12 Comments", "comment prompt"),
        ("Skip to content", "navigation"),
        ("Share this article", "navigation"),
        ("We use cookies to improve your experience. Accept all", "navigation"),
        ("This audio is created with AI assistance", "audio note"),
        ("Listen to this article", "audio note"),
        ("Lithuanian President Gitanas Nauseda (file photo)", "photo caption"),
        ("The minister (C) meets troops in Rukla. (Ministry of Defense/X)", "photo caption"),
        ("Soldiers at Pabrade, May 2, 2024. AFP via Getty Images", "photo caption"),
        ("With reporting by Reuters, AP, and dpa", "credit line"),
        ("This article originally appeared at Sputnik.", "credit line"),
        ("Reuters", "credit line"),
        ("FOR IMMEDIATE RELEASE", "press release header"),
        ("Jane Doe is a defense reporter at the Baltic Times. Twitter: @jdoe", "author bio"),
        ("MORE NEWS", "read-more list"),
        ("Editors' Picks", "read-more list"),
        ("Related stories", "read-more list"),
    ],
)
def test_it_marks_a_furniture_line_with_its_reason(line, reason):
    assert marked(article(line)) == [(line, reason)]


@pytest.mark.parametrize(
    "sentence",
    [
        "About 1,000 US troops are stationed in Lithuania, the ministry said on Tuesday.",
        "The ministry said in its newsletter that 300 more soldiers would arrive in May.",
        "Lithuanians donated 5 million euros to buy a drone for Ukraine, organisers said.",
        "About 1,000 US troops will be in the country by the end of the year.",
        "Related talks in Vilnius on Tuesday covered air defense, a spokesman said.",
        "Officials declined to comment on the number of troops at the base.",
        "The battalion (about 500 soldiers) rotates every nine months.",
        "“Subscribe to our values or leave,” the minister told parliament on Monday.",
        "The United States has said it was placing 8,500 troops on heightened alert.",
    ],
)
def test_it_leaves_reporting_unmarked(sentence):
    assert marked(article(sentence)) == []


def test_it_leaves_a_short_dek_and_headline_unmarked():
    text = "US to keep troops in Lithuania\n\nThe battalion stays indefinitely\n\n" + LEAD
    assert marked(text) == []


def test_spans_cover_whole_lines_in_order_without_overlap():
    text = "  Skip to content\nTitle\nSubscribe\n* indicates required\n\n" + LEAD + "\nSubscribe"
    spans = boilerplate_spans(text)
    assert spans == sorted(spans, key=lambda span: span.start)
    for span, following in pairwise(spans):
        assert span.end < following.start
    for span in spans:
        assert span.start == 0 or text[span.start - 1] == "\n"
        assert span.end == len(text) or text[span.end] == "\n"
    assert text[spans[0].start : spans[0].end] == "  Skip to content"


def test_it_merges_a_run_of_one_form_into_one_span_across_blank_lines():
    form = "Enter your email to subscribe\nSubscribe\n\n* indicates required\nSubscribe"
    assert marked(article(form)) == [(form, "subscription prompt")]


def test_it_keeps_different_furniture_in_separate_spans():
    assert [reason for _, reason in marked(article("Skip to content", "Subscribe"))] == [
        "navigation",
        "subscription prompt",
    ]


def test_it_marks_every_copy_of_a_repeated_label():
    text = article("Breaking", "Breaking")
    assert marked(text) == [("Breaking\n\nBreaking", "repeated line")]


def test_it_keeps_the_last_copy_of_a_repeated_sentence():
    text = article(CLOSE)
    (span,) = boilerplate_spans(text)
    assert span == Span(text.index(CLOSE), text.index(CLOSE) + len(CLOSE), "repeated line")


def test_it_marks_the_headlines_under_a_read_more_heading_up_to_the_next_paragraph():
    items = "More from the Baltic Times\n\nEstonia buys HIMARS\nThe deal is worth $200 million."
    text = "\n".join([LEAD, items, "Latvia opens a new base", "", CLOSE])
    assert marked(text) == [(items + "\nLatvia opens a new base", "read-more list")]


def test_it_marks_an_all_caps_heading_only_when_a_list_follows():
    listed = "\n".join([LEAD, "TOP HEADLINES", "Estonia buys HIMARS", "Latvia opens a base", CLOSE])
    assert [reason for _, reason in marked(listed)] == ["read-more list"]
    dateline = "\n".join(["VILNIUS", LEAD, CLOSE])
    assert marked(dateline) == []


def test_it_marks_a_live_blog_promo_with_its_title_as_an_unrelated_insertion():
    promo = "Live Updates: War in Ukraine\n\nOur live blog gives you all the latest. Click here."
    assert marked(article(promo)) == [(promo, "unrelated insertion")]


def test_it_marks_short_lines_after_a_republication_notice_at_the_end():
    tail = "This article first appeared at Example News.\n\nBio-labs are everywhere, sources say."
    text = "\n\n".join([LEAD, CLOSE, LEAD.upper(), CLOSE.upper(), tail])
    assert marked(text) == [
        ("This article first appeared at Example News.", "credit line"),
        ("Bio-labs are everywhere, sources say.", "unrelated insertion"),
    ]


def test_it_does_not_hide_an_article_below_a_republication_notice_at_the_top():
    text = "\n\n".join(["This article originally appeared in Example News.", LEAD, CLOSE])
    assert marked(text) == [("This article originally appeared in Example News.", "credit line")]


def test_it_marks_a_short_label_inside_a_form():
    form = "* indicates required\nBaltic Brief with Jane Doe\n* indicates required"
    assert marked(article(form)) == [(form, "form message")]


def test_it_finds_nothing_in_an_empty_text():
    assert boilerplate_spans("") == []
    assert boilerplate_spans("\n\n") == []


# The five real seed articles, read as the importer reads them.


def seed(name: str) -> str:
    (path,) = Path(settings.SEEDS_DIR).glob(f"{name}_*.txt")
    return read_article_file(path)


def curated_citations() -> dict[str, list[tuple[int, int]]]:
    citations: dict[str, list[tuple[int, int]]] = {}
    for record in json.loads(CURATED.read_text()):
        if record["model"] == "records.citation":
            fields = record["fields"]
            citations.setdefault(fields["article"][0], []).append((fields["start"], fields["end"]))
    return citations


SEEDS = ["000", "001", "002", "003", "004"]


@pytest.mark.parametrize("name", SEEDS)
def test_a_seed_body_is_unchanged_by_marking(name):
    body = seed(name)
    before = text_sha256(body)
    boilerplate_spans(body)
    assert text_sha256(body) == before
    curated = {
        r["fields"]["sha256"] for r in json.loads(CURATED.read_text()) if "sha256" in r["fields"]
    }
    assert before in curated


@pytest.mark.parametrize("name", SEEDS)
def test_no_curated_citation_overlaps_a_span_in_a_seed(name):
    body = seed(name)
    spans = boilerplate_spans(body)
    citations = curated_citations()[text_sha256(body)]
    assert spans and citations
    overlaps = [
        (body[start:end], span.reason)
        for start, end in citations
        for span in spans
        if start < span.end and span.start < end
    ]
    assert overlaps == []


@pytest.mark.parametrize(
    ("name", "line", "reason"),
    [
        ("000", "Lithuanian President Gitanas Nauseda (file photo)", "photo caption"),
        ("000", "Live Briefing: Ukraine In The Crosshairs", "unrelated insertion"),
        ("000", "With reporting by Reuters, AP, and dpa", "credit line"),
        ("001", "Register for free to continue reading", "subscription prompt"),
        ("001", "Please enter a valid email", "subscription prompt"),
        ("001", "You must be over 18 years old to register", "subscription prompt"),
        ("001", "Join our new commenting forum", "comment prompt"),
        ("002", "At Long Last, the Foreign Service Gets the Netflix Treatment", "read-more list"),
        ("002", ".Subscribe Subscribe", "subscription prompt"),
        ("002", "View Comments", "comment prompt"),
        ("003", "Become a member Gift membership", "membership appeal"),
        ("003", "Skip to content", "navigation"),
        ("003", "This audio is created with AI assistance", "audio note"),
        ("003", "MORE NEWS", "read-more list"),
        ("003", "News Feed", "read-more list"),
        ("003", "* indicates required", "subscription prompt"),
        ("003", "Subscribe", "subscription prompt"),
        ("003", "Explaining Ukraine with Kate Tsurkan", "subscription prompt"),
        (
            "004",
            "Evidence shows dozens of NATO funded bio-labs surrounding Russia.",
            "unrelated insertion",
        ),
        ("004", "About Sputnik", "navigation"),
    ],
)
def test_obvious_furniture_in_a_seed_is_marked_every_time_it_occurs(name, line, reason):
    body = seed(name)
    spans = boilerplate_spans(body)
    occurrences = [start for start in _line_starts(body) if body[start:].split("\n")[0] == line]
    assert occurrences
    for start in occurrences:
        assert [span.reason for span in spans if span.start <= start < span.end] == [reason]


def test_the_repeated_standfirst_of_the_foreign_policy_seed_keeps_one_copy():
    body = seed("002")
    standfirst = body.split("\n")[2]
    assert body.count(standfirst) == 2
    spans = boilerplate_spans(body)
    first, last = body.index(standfirst), body.rindex(standfirst)
    assert any(span.start == first and span.reason == "repeated line" for span in spans)
    assert not any(span.start <= last < span.end for span in spans)


def test_the_seeds_titles_and_leads_are_not_marked():
    for name in SEEDS:
        body = seed(name)
        spans = boilerplate_spans(body)
        first = body.index(body.split("\n")[0])
        if name != "003":  # the Kyiv Independent file opens with a membership appeal
            assert not any(span.start <= first < span.end for span in spans), name


def _line_starts(text: str) -> list[int]:
    return [0] + [index + 1 for index, char in enumerate(text) if char == "\n"]
