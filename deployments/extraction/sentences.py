"""Sentence spans in an article body, exact enough to cite.

A span never includes surrounding white space, so `body[start:end]` is the sentence an editor
would paste. Lines always end a sentence (headlines, captions and list items carry no full stop);
within a line a full stop ends one unless it closes an abbreviation ("U.S.", "Feb.", "J.").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# Abbreviations whose full stop does not end a sentence.
_ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "cpt", "sgt", "adm",
    "cmdr", "gov", "sen", "rep", "st", "mt", "no", "nos", "vs", "jan", "feb", "mar", "apr", "jun",
    "jul", "aug", "sep", "sept", "oct", "nov", "dec", "inc", "co", "corp", "ltd", "jr", "sr",
    "dept", "est", "approx", "fig", "e.g", "i.e", "a.m", "p.m",
})  # fmt: skip

# Words that start a new sentence after an ambiguous abbreviation ("... the U.S. The ...").
_STARTERS = frozenset({
    "the", "a", "an", "it", "he", "she", "they", "we", "i", "but", "and", "in", "on", "at",
    "this", "that", "these", "those", "there", "its", "his", "her", "their", "our", "after",
    "before", "while", "when", "as", "meanwhile", "however", "since",
})  # fmt: skip

# A stop, then any closing quotes or brackets, then space: a possible sentence end.
_END = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019)\]]*(?=\s)")
_NEXT = re.compile(r"\s+([\"'\u201c\u2018(\[]?)(\S+)")


def _ends_sentence(line: str, stop: re.Match) -> bool:
    following = _NEXT.match(line, stop.end())
    if not following:
        return True
    word = following.group(2)
    if not (word[0].isupper() or word[0].isdigit() or following.group(1)):
        return False
    if stop.group()[-1] != ".":
        return True
    token = line[: stop.start()].rsplit(None, 1)[-1] if line[: stop.start()].strip() else ""
    bare = token.lstrip("\"'\u201c\u2018([").lower()
    if bare in _ABBREVIATIONS:
        return False
    if re.fullmatch(r"[a-z]", bare):  # an initial: "John F. Kennedy"
        return False
    if re.fullmatch(r"(?:[a-z]\.)+[a-z]", bare):  # "U.S", "U.K": ends only before a starter
        return word.strip("\"'\u201c\u2018").lower() in _STARTERS
    return True


def _split_line(line: str, offset: int) -> Iterator[tuple[int, int]]:
    start = 0
    for stop in _END.finditer(line):
        if _ends_sentence(line, stop):
            yield offset + start, offset + stop.end()
            start = stop.end()
    yield offset + start, offset + len(line)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """[start, end) of every sentence in `text`, trimmed of white space, in order."""
    spans = []
    offset = 0
    for line in text.split("\n"):
        for start, end in _split_line(line, offset):
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if start < end:
                spans.append((start, end))
        offset += len(line) + 1
    return spans
