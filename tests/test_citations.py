"""Finding a pasted quote in an article body: pure functions, no database."""

from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from deployments.records.citations import (
    Span,
    _fold,
    context,
    locate,
    segments,
    sentence_bounds,
)

BODY = (
    "Lithuania's president says the Baltic nation will ask the United States to station "
    "troops.\n\nThe United States has deployed about 500 soldiers at a time. "
    "Other allies followed."
)


def folded(text: str) -> str:
    return _fold(text)[0].strip()


class TestLocate:
    def test_it_finds_a_quote_that_occurs_once(self):
        quote = "deployed about 500 soldiers"
        spans = locate(BODY, quote)
        assert spans == [Span(BODY.index(quote), BODY.index(quote) + len(quote))]

    def test_it_returns_nothing_for_an_absent_quote(self):
        assert locate(BODY, "about 600 soldiers") == []

    def test_it_returns_every_occurrence_in_body_order(self):
        first = BODY.index("The United States")
        second = BODY.index("the United States")
        assert locate(BODY, "United States") == [
            Span(second + 4, second + 17),
            Span(first + 4, first + 17),
        ]

    def test_occurrences_never_overlap(self):
        assert locate("aaaa", "aa") == [Span(0, 2), Span(2, 4)]

    def test_an_empty_or_blank_quote_matches_nothing(self):
        assert locate(BODY, "") == []
        assert locate(BODY, " \n\u00a0 ") == []

    def test_curly_quotes_in_the_quote_match_straight_ones_in_the_body(self):
        assert locate(BODY, "Lithuania\u2019s president") == [Span(0, 21)]

    def test_straight_quotes_in_the_quote_match_curly_ones_in_the_body(self):
        body = "He said \u201cwe will stay\u201d and left."
        assert locate(body, '"we will stay"') == [Span(8, 22)]

    def test_dashes_and_hyphens_match_each_other(self):
        body = "a 2022\u20132024 rotation \u2014 the long-term plan"
        assert locate(body, "2022-2024 rotation - the long\u2011term") == [Span(2, 36)]

    def test_non_breaking_spaces_match_ordinary_spaces(self):
        body = "about\u00a0500\u202fsoldiers"
        assert locate(body, "about 500 soldiers") == [Span(0, len(body))]

    def test_newlines_in_the_body_match_spaces_in_the_quote(self):
        quote = "station troops. The United States"
        span = locate(BODY, quote)[0]
        assert BODY[span.start : span.end] == "station troops.\n\nThe United States"

    def test_leading_and_trailing_whitespace_in_the_quote_is_ignored(self):
        assert locate(BODY, "  \n about 500 soldiers\t \n") == locate(BODY, "about 500 soldiers")

    def test_an_ellipsis_character_matches_three_dots(self):
        body = "More troops\u2026 will come... soon"
        assert locate(body, "troops... will come\u2026") == [Span(5, 25)]

    def test_a_dot_does_not_match_inside_an_ellipsis_character(self):
        assert locate("wait\u2026", ".") == []
        assert locate("wait\u2026 then", "wait..") == []

    def test_invisible_characters_in_the_body_are_spanned_over(self):
        body = "five\u00adhundred soldiers"
        assert locate(body, "fivehundred soldiers") == [Span(0, len(body))]

    def test_every_span_is_an_exact_slice_of_the_original_body(self):
        body = "\u201cAbout\u00a0500\u201d \u2014 troops\n\narrive\u2026"
        spans = locate(body, '"About 500" - troops arrive...')
        assert [body[span.start : span.end] for span in spans] == [body]


# Few letters and many foldable characters, so that quotes often recur and straddle foldings.
_TRICKY = list("a. '-\n\u00a0\u2019\u2014\u2026\u00ad")


@settings(max_examples=300)
@given(body=st.text(alphabet=st.sampled_from(_TRICKY), max_size=30), data=st.data())
def test_any_substring_of_a_body_is_found_at_spans_that_fold_to_it(body, data):
    start = data.draw(st.integers(0, len(body)))
    end = data.draw(st.integers(start, min(len(body), start + 8)))
    quote = body[start:end]
    spans = locate(body, quote)
    if not folded(quote):
        assert spans == []
        return
    assert spans
    for span in spans:
        assert folded(body[span.start : span.end]) == folded(quote)
    assert all(a.end <= b.start for a, b in pairwise(spans))


class TestSentenceBounds:
    def test_it_widens_a_quote_to_its_sentence(self):
        start = BODY.index("about 500")
        span = sentence_bounds(BODY, start, start + len("about 500"))
        assert BODY[span.start : span.end] == (
            "The United States has deployed about 500 soldiers at a time."
        )

    def test_a_paragraph_break_ends_a_sentence(self):
        body = "Heading without stop\nAbout 500 troops arrived"
        start = body.index("500")
        span = sentence_bounds(body, start, start + 3)
        assert body[span.start : span.end] == "About 500 troops arrived"


class TestContext:
    def test_it_returns_the_quote_with_text_either_side_on_one_line(self):
        start = BODY.index("The United States")
        before, quote, after = context(BODY, start, start + 17, width=20)
        assert quote == "The United States"
        assert before == "…to station troops. "
        assert after == " has deployed about…"
        assert "\n" not in before + after


class TestSegments:
    def test_overlapping_spans_are_split_into_pieces_covered_by_each(self):
        assert segments("abcdefgh", [(1, 4, "x"), (2, 6, "y")]) == [
            ("a", []),
            ("b", ["x"]),
            ("cd", ["x", "y"]),
            ("ef", ["y"]),
            ("gh", []),
        ]

    def test_the_pieces_join_back_into_the_body(self):
        pieces = segments(BODY, [(5, 50, 1), (40, 60, 2), (45, 48, 3), (100, 100 + 5, 4)])
        assert "".join(text for text, _ in pieces) == BODY

    def test_a_body_without_spans_is_one_uncited_piece(self):
        assert segments("text", []) == [("text", [])]
