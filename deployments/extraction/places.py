"""Where forces are: place phrases ("in Lithuania", "to the Baltics", "near Ukraine's borders").

A country is a host only when a preposition of place puts the forces there. "Near the border of
Ukraine" places them beside a country, not in it, and a region names no single host; both are
kept so that they stop the search rather than let a later, unrelated country be taken.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .gazetteer import ANAPHOR, REGION, Mention

COUNTRY, REGION_KIND, NEAR, ANAPHORIC, ORIGIN = "country", "region", "near", "anaphor", "origin"

_PREPOSITION = re.compile(
    r"\b(?P<near>near|close to|along|bordering|around|outside|off|"
    r"on(?= (?:the |its |their |[A-Z]\w+['\u2019]s )?(?:borders?|frontiers?)\b))\b|"
    r"\b(?P<origin>from|out of|leav(?:e|es|ing)|left|quit|exit(?:s|ed|ing)?)\b|"
    r"\b(?P<place>in|into|to|at|through|inside|within|across|towards?|throughout)\b",
    re.IGNORECASE,
)
# "in response to", "according to": prepositions that are not about place.
_NOT_PLACE = re.compile(
    r"(?:response|according|due|thanks|ambassador|envoy|commitment|message|threat|talking|"
    r"addition|contribution|close|relation|regard|respect|visit|trip|order|related|ally|"
    r"allies|support|aid|ready|able|want|wants|sought|going|order)\s*$",
    re.IGNORECASE,
)
# Words that may stand between a preposition and its country: "to NATO ally Lithuania".
_FILLERS = frozenset({
    "the", "a", "an", "its", "their", "his", "her", "our", "nato", "ally", "allies",
    "neighbouring", "neighboring", "nearby", "fellow", "member", "state", "neighbour", "neighbor",
    "border", "borders", "of", "with", "frontier", "frontiers", "eastern", "western", "northern",
    "southern", "royal",
})  # fmt: skip

_BORDER = frozenset({"border", "borders", "frontier", "frontiers"})
_WORD = re.compile(r"[\w'\u2019.-]+")
_LIST_JOIN = re.compile(r"(?P<comma>,)? (?:and|or) |, ")
_PLACE_THEN_COUNTRY = re.compile(r"[A-Z][\w'\u2019-]*, ")
# "Slovak air bases", "Lithuania's territory", "Hungary hosts": a country as the ground.
_GROUND = re.compile(
    r"(?:['\u2019]s)? (?:air |military |naval )?"
    r"(?:bases?|territory|soil|airspace|airfields?|ports?)\b"
    r"| (?:hosts|hosted|is hosting|has hosted|is home to)\b"
)


@dataclass(frozen=True)
class Place:
    start: int
    end: int
    kind: str
    codes: tuple[str, ...] = field(default=())
    area: str = ""  # "Baltic" in "the Baltic nation"


def _country_list(text: str, first: Mention, by_start: dict[int, Mention]) -> tuple[int, list]:
    """The countries of "Estonia, Latvia and Poland" from its first one."""
    codes, end = [first.code], first.end + (2 if first.possessive else 0)
    while True:
        join = _LIST_JOIN.match(text, end)
        if join and join.group("comma") and len(codes) < 2:
            return end, codes  # "in Latvia, and Ottawa has ...": a new clause, not a list
        following = by_start.get(join.end()) if join else None
        if not following or following.organisation:
            return end, codes
        codes.append(following.code)
        end = following.end


def _place_after(text: str, pos: int, kind: str, by_start: dict[int, Mention]) -> Place | None:
    start = pos
    for _ in range(5):
        while pos < len(text) and text[pos] == " ":
            pos += 1
        if kind != NEAR and (region := REGION.match(text, pos)):
            return Place(start, region.end(), REGION_KIND)
        if anaphor := ANAPHOR.match(text, pos):
            return Place(start, anaphor.end(), ANAPHORIC, area=anaphor.group("area") or "")
        mention = by_start.get(pos)
        if mention and not mention.organisation:
            end, codes = _country_list(text, mention, by_start)
            return Place(start, end, kind, tuple(dict.fromkeys(codes)))
        if mention:
            pos = mention.end + (2 if mention.possessive else 0)
            continue
        word = _WORD.match(text, pos)
        if not word:
            return None
        if word.group().lower().rstrip("'\u2019s") in _FILLERS or word.group().lower() in _FILLERS:
            if word.group().lower() in _BORDER:
                kind = NEAR  # "to its border with Belarus" is beside Belarus, not in it
            pos = word.end()
            continue
        after_place = _PLACE_THEN_COUNTRY.match(text, pos)
        if after_place and by_start.get(after_place.end()):
            pos = after_place.end()
            continue
        return None
    return None


# "from its base in Germany": where the forces left, not where they go.
_FROM_BASE = re.compile(
    r"\bfrom (?:its|their|the|a) (?:\w+ )?(?:bases?|home|garrisons?|barracks) (?:in|at)$"
)


def _as_origin(text: str, place: Place) -> Place:
    if place.kind == COUNTRY and _FROM_BASE.search(text, 0, place.start):
        return Place(place.start, place.end, ORIGIN, place.codes)
    return place


def find_places(text: str, mentions: list[Mention]) -> list[Place]:
    """Every place phrase in `text`, in order: countries, regions, "near" and origins."""
    by_start = {mention.start: mention for mention in mentions}
    places = []
    for match in _PREPOSITION.finditer(text):
        if match.group("place") and _NOT_PLACE.search(text, 0, match.start()):
            continue
        kind = NEAR if match.group("near") else ORIGIN if match.group("origin") else COUNTRY
        place = _place_after(text, match.end(), kind, by_start)
        if place:
            places.append(place)
    places = [_as_origin(text, place) for place in places]
    for mention in mentions:
        if not mention.organisation and (ground := _GROUND.match(text, mention.end)):
            places.append(Place(mention.start, ground.end(), COUNTRY, (mention.code,)))
    return sorted(places, key=lambda place: place.start)
