"""The rule-based extraction engine: figures, places, owners and kinds read from article text.

Plain functions, no database. The seed articles are read from SEEDS_DIR; the three articles
written here in other styles (wire copy, local press, a government press release) are about
deployments the seeds never mention, so rules tuned to the seeds' wording would fail them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.conf import settings

from deployments.extraction.extractor import Candidate, extract
from deployments.extraction.numbers import Figure, find_figures, words_to_int
from deployments.extraction.sentences import sentence_spans
from deployments.ingest.articles import read_article_file

WIRE_STORY = """\
Britain to send extra troops to Estonia as NATO bolsters eastern flank

LONDON, March 14 (Reuters) - Britain will send about 900 more soldiers to Estonia, doubling its \
contribution to the NATO battlegroup it leads there, Defence Secretary Ben Wallace said on Monday.

The additional troops will join the roughly 850 British personnel already stationed at Tapa, \
around 140 km (87 miles) east of Tallinn.

"We are determined to stand with our Estonian allies," Wallace told reporters.

France, which contributes around 300 troops to the Estonian battlegroup, said it would also send \
four Mirage fighter jets to the region.

Russia has massed as many as 130,000 troops on Ukraine's borders, according to Western estimates.

(Reporting by Jane Doe; Editing by John Roe)
"""

LOCAL_PRESS_STORY = """\
Adazi base grows as Canadian-led brigade takes shape

ADAZI - The sound of armoured vehicles has become part of daily life for residents near the \
Adazi military base, about 30 kilometres north-east of Riga.

Canada leads the NATO multinational brigade in Latvia, and Ottawa has pledged to almost double \
its presence, from roughly 1,000 to as many as 2,200 soldiers by 2026.

"We see them in the shops every weekend," said local councillor Inese Kalnina, 54. \
"People here feel safer."

Spanish officials said last week that Madrid had sent 15 more Leopard tanks and some 150 \
additional personnel to Latvia.

The town's population of 6,500 has grown by almost 400 since the first rotation arrived in 2017.
"""

PRESS_RELEASE = """\
PRESS RELEASE - Ministry of the Armed Forces

Paris, 28 February 2022

Reinforcement of France's posture on NATO's eastern flank

In response to the deterioration of the security situation in Europe, the Minister of the Armed \
Forces has decided to deploy a battlegroup of 500 soldiers to Romania as part of NATO's enhanced \
Vigilance Activity. The first elements will arrive in Constanta on 1 March.

In addition, four Rafale fighter jets have been dispatched to Poland to reinforce the air \
policing mission.

France already has approximately 300 troops in Estonia within the framework of Operation Lynx.

The Chief of the Defence Staff has placed 1,000 further soldiers on high readiness for \
deployment within 48 hours.

Contact: press office, +33 1 00 00 00 00
"""

# Name: (text, published date, the (host, contributor, quantity) facts an editor would record).
OWN_ARTICLES = {
    "wire story": (
        WIRE_STORY,
        date(2022, 3, 14),
        [
            ("EE", "GB", 900),
            ("EE", "GB", 850),
            ("EE", "FR", 300),
            ("", "FR", 4),
            ("", "RU", 130000),
        ],
    ),
    "local press": (
        LOCAL_PRESS_STORY,
        date(2023, 6, 5),
        [("LV", "CA", 1200), ("LV", "CA", 2200), ("LV", "ES", 15), ("LV", "ES", 150)],
    ),
    "press release": (
        PRESS_RELEASE,
        date(2022, 2, 28),
        [("RO", "FR", 500), ("PL", "FR", 4), ("EE", "FR", 300), ("", "FR", 1000)],
    ),
}


def triples(candidates: list[Candidate]) -> set[tuple[str, str, int | None]]:
    return {(c.host_country, c.contributor, c.quantity) for c in candidates}


def only(text: str, **kwargs) -> Candidate:
    candidates = extract(text, **kwargs)
    assert len(candidates) == 1, candidates
    return candidates[0]


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("five hundred", 500),
        ("two thousand", 2000),
        ("a dozen", 12),
        ("twenty-five", 25),
        ("one hundred and fifty", 150),
        ("a thousand", 1000),
        ("three thousand five hundred", 3500),
    ],
)
def test_numbers_in_words_are_read_as_integers(words, value):
    assert words_to_int(words) == value


@pytest.mark.parametrize(
    ("sentence", "quantity"),
    [
        ("The US deployed 500 troops to Poland.", 500),
        ("The US deployed 100,000 troops to Poland.", 100000),
        ("The US deployed five hundred troops to Poland.", 500),
        ("The US deployed two thousand troops to Poland.", 2000),
        ("The US deployed a dozen jets to Poland.", 12),
        ("The US deployed 1.5 million troops to Poland.", 1500000),
        ("The US deployed 3 thousand troops to Poland.", 3000),
    ],
)
def test_figures_in_digits_and_words_become_quantities(sentence, quantity):
    assert only(sentence).quantity == quantity


@pytest.mark.parametrize(
    ("phrase", "qualifier"),
    [
        ("about 500", "about"),
        ("around 500", "about"),
        ("some 500", "about"),
        ("roughly 500", "about"),
        ("nearly 500", "up_to"),
        ("almost 500", "up_to"),
        ("more than 500", "at_least"),
        ("over 500", "at_least"),
        ("at least 500", "at_least"),
        ("up to 500", "up_to"),
        ("as many as 500", "up_to"),
        ("fewer than 500", "up_to"),
        ("500", "exact"),
    ],
)
def test_qualifiers_before_a_figure_set_the_qualifier(phrase, qualifier):
    candidate = only(f"Germany has stationed {phrase} soldiers in Lithuania.")
    assert (candidate.quantity, candidate.qualifier) == (500, qualifier)


@pytest.mark.parametrize(
    "sentence",
    [
        "The Netherlands will increase its troops in Lithuania from 270 to 350.",
        "The Netherlands will increase its troops in Lithuania to 350 from 270.",
        "The Netherlands raised its contingent in Lithuania from 270 to 350 troops.",
    ],
)
def test_a_range_is_an_increase_of_the_difference_and_a_presence_at_the_new_level(sentence):
    found = {(c.kind, c.quantity) for c in extract(sentence)}
    assert found == {("increase", 80), ("presence", 350)}
    assert {(c.host_country, c.contributor) for c in extract(sentence)} == {("LT", "NL")}


def test_a_falling_range_is_a_decrease():
    found = {
        (c.kind, c.quantity) for c in extract("Spain cut its troops in Latvia from 600 to 450.")
    }
    assert found == {("decrease", 150), ("presence", 450)}


@pytest.mark.parametrize(
    ("sentence", "contributor"),
    [
        ("Dutch troops arrived in Lithuania.", "NL"),
        ("U.S. troops arrived in Lithuania.", "US"),
        ("US troops arrived in Lithuania.", "US"),
        ("American soldiers arrived in Lithuania.", "US"),
        ("Nato troops arrived in Lithuania.", "NATO"),
        ("NATO deployed a battlegroup to Lithuania.", "NATO"),
        ("The alliance deployed a battlegroup to Lithuania.", "NATO"),
        ("British troops arrived in Estonia.", "GB"),
        ("Britain sent troops to Estonia.", "GB"),
        ("The Pentagon sent troops to Lithuania.", "US"),
        ("Moscow moved troops into Belarus.", "RU"),
        ("Canadian soldiers arrived in Latvia.", "CA"),
        ("Norwegian marines arrived in Finland.", "NO"),
    ],
)
def test_demonyms_aliases_and_capitals_name_the_contributor(sentence, contributor):
    assert only(sentence).contributor == contributor


@pytest.mark.parametrize(
    ("sentence", "unit"),
    [
        ("Poland sent 100 troops to Latvia.", "troops"),
        ("Poland sent 100 soldiers to Latvia.", "troops"),
        ("Poland sent 100 servicemen to Latvia.", "troops"),
        ("Poland sent 100 personnel to Latvia.", "troops"),
        ("Poland sent 100 marines to Latvia.", "troops"),
        ("Poland sent 100 paratroopers to Latvia.", "troops"),
        ("Poland sent 10 jets to Latvia.", "aircraft"),
        ("Poland sent 10 fighter jets to Latvia.", "aircraft"),
        ("Poland sent 10 F-16s to Latvia.", "aircraft"),
        ("Poland sent 10 F-35s to Latvia.", "aircraft"),
        ("Poland sent 10 planes to Latvia.", "aircraft"),
        ("Poland sent 10 aircraft to Latvia.", "aircraft"),
        ("Poland sent 10 helicopters to Latvia.", "aircraft"),
        ("Poland sent 3 ships to Latvia.", "ships"),
        ("Poland sent 3 warships to Latvia.", "ships"),
        ("Poland sent 3 vessels to Latvia.", "ships"),
        ("Poland sent 3 frigates to Latvia.", "ships"),
        ("Poland sent 12 tanks to Latvia.", "vehicles"),
        ("Poland sent 12 armoured vehicles to Latvia.", "vehicles"),
        ("Poland sent 2 air-defence systems to Latvia.", "systems"),
        ("Poland sent 2 Patriot batteries to Latvia.", "systems"),
        ("Poland sent 2 HIMARS to Latvia.", "systems"),
    ],
)
def test_force_words_decide_the_unit(sentence, unit):
    assert only(sentence).unit == unit


def test_a_formation_without_a_figure_is_a_force_without_a_quantity():
    candidate = only("Germany will station a brigade in Lithuania.")
    assert (candidate.host_country, candidate.contributor, candidate.quantity) == ("LT", "DE", None)
    assert candidate.unit == "troops"


def test_a_count_of_formations_is_not_a_count_of_troops():
    assert only("Britain deployed three battalions to Estonia.").quantity is None


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("Spain deployed 200 troops to Latvia.", "increase"),
        ("Spain sent 200 troops to Latvia.", "increase"),
        ("Spain dispatched 200 troops to Latvia.", "increase"),
        ("200 Spanish troops arrived in Latvia.", "increase"),
        ("Spain moved 200 troops to Latvia.", "increase"),
        ("Spain has 200 troops stationed in Latvia.", "presence"),
        ("200 Spanish troops are based in Latvia.", "presence"),
        ("There are 200 Spanish troops in Latvia.", "presence"),
        ("Spain withdrew 200 troops from Latvia.", "decrease"),
        ("Spain will pull out 200 troops from Latvia.", "decrease"),
        ("Spain reduced its troops in Latvia by 200.", "decrease"),
        ("Spain put 200 troops on alert for Latvia.", "readiness"),
        ("200 Spanish troops are on standby.", "readiness"),
        ("Latvia asked Spain for 200 troops.", "request"),
        ("Latvia requested 200 Spanish troops.", "request"),
        ("Spain pledged 200 troops to Latvia.", "pledge"),
        ("Spain promised 200 troops to Latvia.", "pledge"),
        ("Spain will send 200 troops to Latvia.", "pledge"),
        ("Spain plans to deploy 200 troops to Latvia.", "pledge"),
        ("Spain offered 200 troops to Latvia.", "pledge"),
        ("200 Spanish troops joined exercises in Latvia.", "exercise"),
        ("200 Spanish troops took part in drills in Latvia.", "exercise"),
        ("Spain and Latvia signed an agreement to base 200 troops in Latvia.", "agreement"),
    ],
)
def test_verbs_decide_the_kind(sentence, kind):
    assert only(sentence).kind == kind


@pytest.mark.parametrize(
    ("sentence", "host", "contributor"),
    [
        ("About 500 US troops are in Lithuania.", "LT", "US"),
        ("Germany will station a brigade in Lithuania.", "LT", "DE"),
        ("NATO's battlegroup in Lithuania has 1,600 soldiers.", "LT", "NATO"),
        ("Russia has placed more than 100,000 troops near the border of Ukraine.", "", "RU"),
        ("Russia has massed 30,000 troops in Belarus.", "BY", "RU"),
        ("Poland has deployed 10,000 soldiers to its border with Belarus.", "", "PL"),
        ("Hungary hosts a NATO battlegroup of about 1,100 soldiers.", "HU", "NATO"),
        ("The US is sending 3,000 troops to Poland and Romania.", "", "US"),
        ("France sent 500 soldiers to Eastern Europe.", "", "FR"),
        ("Currently, about 500 American servicemen are stationed at Lithuania's training ground.",
         "LT", "US"),
        ("Slovakia will let the U.S. military use Slovak air bases under a new agreement.",
         "SK", "US"),
    ],
)  # fmt: skip
def test_host_is_where_the_forces_are_and_contributor_whose_they_are(sentence, host, contributor):
    candidate = only(sentence)
    assert (candidate.host_country, candidate.contributor) == (host, contributor)


@pytest.mark.parametrize(
    "text",
    [
        "The US said 1,000 troops would be moved from Germany to Romania next month.",
        "The US sent 1,000 soldiers from their base in Germany to Romania.",
    ],
)
def test_a_move_from_one_country_to_another_is_an_increase_there_and_a_decrease_here(text):
    found = {(c.host_country, c.contributor, c.quantity) for c in extract(text)}
    assert found == {("RO", "US", 1000), ("DE", "US", 1000)}


def test_the_country_refers_back_to_the_host_named_before():
    text = "Estonia hosts a British-led battlegroup. Britain will double its troops in the country."
    assert {c.host_country for c in extract(text)} == {"EE"}


@pytest.mark.parametrize(
    "sentence",
    [
        "Congress approved $228 million in military aid to Estonia.",
        "Troops have been stationed in Lithuania since 2019.",
        "Latvia's defence minister, 54, visited soldiers in Riga.",
        "Support for NATO membership rose to 70% in Finland.",
        "We need 1,000 new members and thank our 12,000 supporters.",
        "Only one in 10,000 readers makes a financial contribution.",
        "The treaty passed 79-60 in the 150-seat legislature.",
        "On February 9, 2022, the minister met reporters in Vilnius.",
        "The Leopard 2 is a German tank design.",
    ],
)
def test_figures_that_do_not_count_forces_give_no_candidate_with_a_quantity(sentence):
    assert all(c.quantity is None for c in extract(sentence))
    assert not extract(sentence) or sentence.startswith("Troops")


@pytest.mark.parametrize(
    "text",
    [
        'Lithuania welcomed the move. "About 500 US troops will arrive," he said. They did.',
        "The U.S. Army sent 500 troops to Lithuania on Feb. 9. Lithuania welcomed them.",
        "Gen. J. Smith said 500 US troops were in Lithuania.\nA second line follows here.",
        "  Leading spaces: 500 US troops are in Lithuania.  \n\nTrailing text.",
    ],
)
def test_each_candidate_quotes_exactly_its_whole_sentence(text):
    candidates = extract(text)
    assert candidates
    spans = sentence_spans(text)
    for candidate in candidates:
        assert text[candidate.start : candidate.end] == candidate.quote
        assert (candidate.start, candidate.end) in spans
        assert candidate.quote == candidate.quote.strip()
        assert "500" in candidate.quote


def test_sentences_do_not_break_after_abbreviations_or_initials():
    text = "The U.S. Army and Gen. J. Smith met on Feb. 9 in Vilnius. Troops arrived."
    assert [text[a:b] for a, b in sentence_spans(text)] == [
        "The U.S. Army and Gen. J. Smith met on Feb. 9 in Vilnius.",
        "Troops arrived.",
    ]


def test_a_closing_quote_belongs_to_the_sentence_it_ends():
    text = '"We will stay." The minister left.'
    assert [text[a:b] for a, b in sentence_spans(text)] == ['"We will stay."', "The minister left."]


def test_no_candidate_comes_from_a_skipped_span():
    text = "About 500 US troops are in Lithuania. Germany sent 350 troops to Lithuania."
    second = text.index("Germany")
    assert [c.contributor for c in extract(text, skip=[(0, 10)])] == ["DE"]
    assert [c.contributor for c in extract(text, skip=[(second + 3, second + 4)])] == ["US"]
    assert extract(text, skip=[(0, len(text))]) == []


@pytest.mark.parametrize(
    ("sentence", "expected", "precision"),
    [
        ("Germany sent 350 troops to Lithuania on February 9.", date(2022, 2, 9), "day"),
        ("Germany sent 350 troops to Lithuania on Monday.", date(2022, 3, 7), "day"),
        ("Germany sent 350 troops to Lithuania last month.", date(2022, 2, 1), "month"),
        ("Germany sent 350 troops to Lithuania in 2017.", date(2017, 1, 1), "year"),
        ("Germany sent 350 troops to Lithuania in January 2021.", date(2021, 1, 1), "month"),
        ("Germany sent 350 troops to Lithuania on December 20.", date(2021, 12, 20), "day"),
        ("Germany sent 350 troops to Lithuania.", date(2022, 3, 9), "day"),
    ],
)  # fmt: skip
def test_dates_resolve_against_the_published_date(sentence, expected, precision):
    candidate = only(sentence, published=date(2022, 3, 9))
    assert (candidate.date, candidate.date_precision) == (expected, precision)


def test_without_a_published_date_an_undated_sentence_has_no_date():
    candidate = only("Germany sent 350 troops to Lithuania.")
    assert (candidate.date, candidate.date_precision) == (None, "")


@pytest.mark.parametrize(
    ("sentence", "published"),
    [
        ("Germany sent 350 troops to Lithuania 99999 years ago.", date(2022, 3, 9)),
        ("Germany sent 350 troops to Lithuania 99999999999999 days ago.", date(2022, 3, 9)),
        ("Germany sent 350 troops to Lithuania in January 0000.", date(2022, 3, 9)),
        ("Germany sent 350 troops to Lithuania yesterday.", date(1, 1, 1)),
    ],
)
def test_a_date_off_the_calendar_is_no_date(sentence, published):
    candidate = only(sentence, published=published)
    assert (candidate.date, candidate.date_precision) == (published, "day")


def test_a_run_of_digits_too_long_to_count_forces_is_no_figure():
    assert find_figures(f"Germany sent {'1' * 400} troops to Lithuania.") == []
    text = "Germany sent 1,000,000,000,000 troops, or 999,999,999,999."
    start = text.index("999")
    assert find_figures(text) == [Figure(999_999_999_999, "exact", start, start + 15)]


def test_candidates_are_ordered_deterministic_and_never_duplicated():
    text = WIRE_STORY + LOCAL_PRESS_STORY
    first = extract(text, published=date(2022, 3, 14))
    assert first == extract(text, published=date(2022, 3, 14))
    assert [c.start for c in first] == sorted(c.start for c in first)
    keys = [(c.start, c.host_country, c.contributor, c.quantity, c.kind) for c in first]
    assert len(keys) == len(set(keys))


def test_figures_ignore_money_percentages_and_model_numbers():
    assert find_figures("$228 million, 10%, F-16s, the 5th Corps, since 2019") == []


@pytest.mark.parametrize("name", list(OWN_ARTICLES))
def test_articles_never_seen_give_their_hosts_contributors_and_quantities(name):
    text, published, expected = OWN_ARTICLES[name]
    assert set(expected) <= triples(extract(text, published=published))


def test_the_wire_story_reads_the_dateline_city_as_no_host():
    assert all(c.host_country != "GB" for c in extract(WIRE_STORY))


def test_the_local_story_takes_no_age_or_population_for_forces():
    found = {c.quantity for c in extract(LOCAL_PRESS_STORY)}
    assert not found & {54, 6500, 400, 30}


def test_the_press_release_puts_forces_on_readiness_at_home():
    readiness = [c for c in extract(PRESS_RELEASE) if c.kind == "readiness"]
    assert [(c.host_country, c.contributor, c.quantity) for c in readiness] == [("", "FR", 1000)]


def _seed(name: str) -> str:
    return read_article_file(Path(settings.SEEDS_DIR) / name)


@pytest.mark.parametrize(
    ("filename", "published", "fact"),
    [
        ("000_53f557f38925c52e.txt", date(2022, 2, 9), ("LT", "US", 500)),
        ("000_53f557f38925c52e.txt", date(2022, 2, 9), ("LT", "NL", 80)),
        ("000_53f557f38925c52e.txt", date(2022, 2, 9), ("LT", "NL", 350)),
        ("000_53f557f38925c52e.txt", date(2022, 2, 9), ("", "RU", 100000)),
        ("001_d4388bea50671dd6.txt", date(2022, 2, 9), ("LT", "DE", 350)),
        ("001_d4388bea50671dd6.txt", date(2022, 2, 9), ("", "NATO", 5000)),
        ("002_d314db1ffe9fe3b6.txt", date(2022, 2, 1), ("RO", "US", 1000)),
        ("002_d314db1ffe9fe3b6.txt", date(2022, 2, 1), ("BY", "RU", 5000)),
        ("002_d314db1ffe9fe3b6.txt", date(2022, 2, 1), ("LT", "DK", 4)),
        ("003_6c653d5efc39dfe4.txt", date(2024, 5, 1), ("LT", "US", None)),
        ("004_c375c263a512863b.txt", date(2022, 3, 1), ("LT", "US", 400)),
        ("004_c375c263a512863b.txt", date(2022, 3, 1), ("LT", "US", 1000)),
    ],
)
def test_seed_articles_give_curated_facts(filename, published, fact):
    assert fact in triples(extract(_seed(filename), published=published))


def test_seed_qualifiers_follow_the_curators_rule():
    found = {
        (c.quantity, c.qualifier)
        for name in ("000_53f557f38925c52e.txt", "001_d4388bea50671dd6.txt")
        for c in extract(_seed(name))
    }
    assert {(500, "about"), (100000, "at_least"), (5000, "up_to")} <= found


def test_seed_boilerplate_counts_of_members_and_readers_are_not_forces():
    quantities = {c.quantity for c in extract(_seed("003_6c653d5efc39dfe4.txt"))}
    assert not quantities & {1000, 10000, 12000}


def test_every_seed_candidate_quotes_its_body_exactly():
    for path in sorted(Path(settings.SEEDS_DIR).glob("*.txt")):
        body = read_article_file(path)
        for candidate in extract(body):
            assert body[candidate.start : candidate.end] == candidate.quote
            assert candidate.quote == candidate.quote.strip()
