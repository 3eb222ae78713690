"""Finding an editor's pasted quote in an article body, and the text around a cited span.

Editors paste from browsers, which turn straight quotes curly, hyphens into dashes, spaces into
non-breaking spaces and line breaks into spaces. Matching folds those differences on both sides
while keeping a map back to the body, so the stored span is always an exact slice of the body.
Pure Python: no Django imports.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

# Characters folded to one canonical form before matching.
_FOLD = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u02bc\u0060\u00b4", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"),
    "\u2026": "...",
}
# Characters dropped entirely (invisible in a browser, so never part of what an editor meant).
_DROP = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")

_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*(?=\s)|\n")


def _fold(text: str) -> tuple[str, list[int]]:
    """Return the folded text and, for each folded character, its index in `text`.

    Runs of white space (including non-breaking and other Unicode spaces) become one space.
    """
    out: list[str] = []
    index: list[int] = []
    in_space = False
    for i, char in enumerate(text):
        if char in _DROP:
            continue
        if char.isspace() or unicodedata.category(char) == "Zs":
            if not in_space:
                out.append(" ")
                index.append(i)
            in_space = True
            continue
        in_space = False
        for folded in _FOLD.get(char, char):
            out.append(folded)
            index.append(i)
    return "".join(out), index


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def locate(body: str, quote: str) -> list[Span]:
    """Every place in `body` where `quote` occurs, give or take typography and white space.

    Occurrences are returned in body order and never overlap one another. A match must start and
    end on whole body characters: "." alone does not match inside "…" (which folds to "...").
    """
    needle, _ = _fold(quote)
    needle = needle.strip()
    if not needle:
        return []
    haystack, index = _fold(body)
    spans: list[Span] = []
    pos = haystack.find(needle)
    while pos != -1:
        after = pos + len(needle)
        starts_whole = pos == 0 or index[pos - 1] != index[pos]
        ends_whole = after == len(index) or index[after] != index[after - 1]
        if starts_whole and ends_whole:
            spans.append(Span(index[pos], index[after - 1] + 1))
            pos = haystack.find(needle, after)
        else:
            pos = haystack.find(needle, pos + 1)
    return spans


def segments[K](body: str, spans: Iterable[tuple[int, int, K]]) -> list[tuple[str, list[K]]]:
    """Cut `body` at every span edge: each piece with the keys of the spans covering it.

    Citations may overlap or nest; cutting at every edge lets each piece be highlighted once,
    linked to all of its citations, with the pieces joining back into the body unchanged.
    """
    spans = [(max(0, start), min(len(body), end), key) for start, end, key in spans]
    cuts = sorted({0, len(body), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    return [
        (body[a:b], [key for start, end, key in spans if start <= a and b <= end])
        for a, b in pairwise(cuts)
        if a < b
    ]


def sentence_bounds(body: str, start: int, end: int) -> Span:
    """The span of the sentence(s) that contain body[start:end]."""
    sentence_start = 0
    for match in _SENTENCE_END.finditer(body, 0, start):
        sentence_start = match.end()
    while sentence_start < start and body[sentence_start].isspace():
        sentence_start += 1
    match = _SENTENCE_END.search(body, max(end - 1, start))
    sentence_end = match.end() if match else len(body)
    if body[sentence_end - 1 : sentence_end] == "\n":
        sentence_end -= 1
    return Span(sentence_start, max(sentence_end, end))


def context(body: str, start: int, end: int, width: int = 60) -> tuple[str, str, str]:
    """(before, quote, after): the quote with up to `width` characters either side, on one line."""
    before = body[max(0, start - width) : start]
    after = body[end : end + width]
    squash = " ".join
    lead = "…" if start > width else ""
    tail = "…" if end + width < len(body) else ""
    return (
        lead + squash(before.split()) + (" " if before[-1:].isspace() else ""),
        body[start:end],
        (" " if after[:1].isspace() else "") + squash(after.split()) + tail,
    )
