"""Recognising an article already imported: the same text (a duplicate, not imported again) or
the same story told again (a near-duplicate: a wire story run by two outlets, linked as twins).
Duplicates share `records.models.text_fingerprint`, which Article.save stores.

Pure functions over plain text; the importer hands in the bodies to compare against.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from deployments.records.models import normalized_text

# Texts whose word 5-gram sets overlap at least this much (Jaccard) tell the same story.
TWIN_SIMILARITY = 0.5
SHINGLE = 5

_WORD = re.compile(r"\w+")


def shingles(text: str) -> set[tuple[str, ...]]:
    words = _WORD.findall(normalized_text(text))
    return {tuple(words[i : i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))}


def similarity(first: set, second: set) -> float:
    """Jaccard overlap of two shingle sets, 0 to 1."""
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


def find_twin(text: str, others: Iterable[tuple[int, str]]) -> tuple[int, float] | None:
    """The (id, similarity) of the most similar of `others` ((id, body) pairs) if it tells the
    same story, else None."""
    mine = shingles(text)
    best: tuple[int, float] | None = None
    for pk, body in others:
        score = similarity(mine, shingles(body))
        if score >= TWIN_SIMILARITY and (best is None or score > best[1]):
            best = (pk, score)
    return best
