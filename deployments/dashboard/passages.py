"""The sentence around a cited span, split so a page can highlight exactly what was cited.

A reader checks a figure against its source by reading the whole sentence, not a fragment; the
cited span is marked inside it. Pure Python over the article body and the citation's offsets.
"""

from __future__ import annotations

from dataclasses import dataclass

from deployments.records.citations import sentence_bounds

# Longest run of sentence kept on either side of the quote: a body without punctuation (a list,
# a caption) would otherwise put half the article in one blockquote.
CONTEXT_LIMIT = 240


@dataclass(frozen=True)
class Passage:
    before: str
    quote: str
    after: str


def _trim_start(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[-limit:]
    space = cut.find(" ")
    return "…" + (cut[space + 1 :] if 0 <= space < limit // 2 else cut)


def _trim_end(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut) + "…"


def cited_passage(body: str, start: int, end: int, limit: int = CONTEXT_LIMIT) -> Passage | None:
    """The sentence holding body[start:end], or None while the body is not imported."""
    if not body or not 0 <= start < end <= len(body):
        return None
    sentence = sentence_bounds(body, start, end)
    return Passage(
        before=_trim_start(body[sentence.start : start], limit),
        quote=body[start:end],
        after=_trim_end(body[end : sentence.end], limit),
    )
