"""Candidate deployment events from an article body: the public API of the extraction engine.

Each force word in a sentence ("500 US troops", "a battalion", "four F-16s") becomes a candidate
with the figure, contributor, host, kind and date the sentence ties to it. Rules only, so the same
body always gives the same candidates and an editor can see why each one was proposed: its quote
is the whole sentence. Candidates are proposals for an editor, never published facts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise

from .dates import DAY, find_dates
from .gazetteer import AREAS, REGION, Mention, find_mentions
from .kinds import MOODS, kind_of
from .numbers import RANGE_FROM_TO, RANGE_TO_FROM, Figure, find_figures, parse_digits
from .places import ANAPHORIC, COUNTRY, NEAR, ORIGIN, REGION_KIND, Place, find_places
from .sentences import sentence_spans
from .units import PRESENCE, Force, find_forces

# Where one clause ends and the next begins: kinds, places and dates stay within a clause.
_CLAUSE_BREAK = re.compile(
    r"; |: | [\u2014\u2013] |, and (?=[A-Z]|the |it |its |they )"
    r"| and (?=(?:has|have|had|is|are|was|were|will|would)\b)|,? but |,? while |,? whereas "
    r"| if | unless | in response to |, as |,? amid |, which |, where |, who |, with |,? after "
    r"|,? before |, saying |,[\u201d\"] "
)
# Words allowed between a figure or an owner and the force word: "350 additional German troops".
_MODIFIERS = frozenset({
    "additional", "extra", "more", "new", "fresh", "further", "rotational", "regular",
    "permanent", "combat", "military", "special", "own", "allied", "foreign",
    "international", "multinational", "ground", "naval", "army", "armed", "american-made",
    "us-made", "other", "active-duty", "reserve", "fighter", "front-line", "frontline", "elite",
    "air", "force", "navy", "marine", "corps", "royal", "operations", "national", "guard", "and",
    "infantry", "mechanized", "mechanised", "armoured", "armored", "airborne", "heavy", "light",
})  # fmt: skip

_DESIGNATION = r"[a-z]{1,3}-?\d+\w*|[\w]+-\w+"  # "f-16", "m-109", "self-propelled"
_TOKEN_BEFORE = re.compile(r"([\w'\u2019.-]+)\s*$")
_LEVEL_BEFORE = re.compile(
    r"(?:\bto|\bof|\btotals?|\btotal(?:l)?ing|\bnumbering|\breach(?:es|ing)?|\bat)\s*$"
)
_LEVEL_AFTER = re.compile(r"\s*(?:$|[.,;:)]|(?:from|by|in|on|at|after|as|and|troops)\b)")
_CONTRIBUTOR_AFTER = re.compile(r"\s+(?:(?:\w+ ){0,3}?)(?:from|by) (?:the )?(?:Royal )?")
_LED = re.compile(r"-led\b")
_PLACE_BEFORE = re.compile(r"\b(?:in|into|to|join(?:s|ed|ing)?)\s+(?:the|a|an|its|their)\s+$")
_PREPOSITION_BEFORE = re.compile(
    r"\b(?:in|into|to|at|near|from|of|with|against|on|toward|towards|about|over|across|"
    r"through|inside|within|bordering|along|around|than)\s+(?:the\s+)?(?:NATO\s+ally\s+)?$",
    re.IGNORECASE,
)


# "military" is a noun when a country owns it and no noun follows: "the U.S. military use ...".
_OWNED_MILITARY = re.compile(
    r"\bmilitary\b(?! (?:aid|assistance|support|cooperation|capability|capabilities|base|bases|"
    r"exercises?|drills?|buildup|build-up|presence|intelligence|equipment|spending|budget|"
    r"hardware|officials?|leaders?|commanders?|intentions|threat|action|operations?|"
    r"infrastructure|plans?|posture|activity|activities|experts?|analysts?|sources?|"
    r"personnel|battalion|brigade|units?|forces?|specialists|instructors|trainers|advisers|"
    r"vehicles|campaign|court|junta|service|training|strength|power|might|alliance|"
    r"technology|industry|mission)\b)"
)


@dataclass(frozen=True)
class Candidate:
    """One proposed event and the sentence it rests on (`quote == body[start:end]`)."""

    host_country: str
    contributor: str
    quantity: int | None
    qualifier: str
    unit: str
    kind: str
    date: date | None
    date_precision: str
    start: int
    end: int
    quote: str


@dataclass
class _Context:
    """What earlier sentences established: "the country" and a bare "these battalions" need it."""

    host: str = ""
    contributor: str = ""
    places: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Sentence:
    text: str
    mentions: list[Mention]
    places: list[Place]
    figures: list[Figure]
    clauses: list[tuple[int, int]]

    def clause(self, at: int) -> tuple[int, int]:
        return next(((a, b) for a, b in self.clauses if a <= at < b), (0, len(self.text)))


def _clauses(text: str) -> list[tuple[int, int]]:
    cuts = [0, *(m.start() for m in _CLAUSE_BREAK.finditer(text)), len(text)]
    return [(a, b) for a, b in pairwise(cuts) if a < b]


def _walk_left(text: str, pos: int, by_end: dict[int, Mention], figures: dict[int, Figure]):
    """Yield what stands right before `pos` inside one noun phrase: mentions and figures.

    A capitalised word right before the force word is a model name ("four Mirage jets").
    """
    for step in range(6):
        while pos > 0 and text[pos - 1] == " ":
            pos -= 1
        if mention := by_end.get(pos) or by_end.get(pos - 2):
            if not text[mention.end : mention.end + 4].startswith("-led"):
                yield mention
            pos = mention.start
            continue
        if figure := figures.get(pos):
            yield figure
            pos = figure.start
            continue
        token = _TOKEN_BEFORE.search(text, 0, pos)
        if not token:
            return
        word = token.group(1).lower()
        model = step == 0 and token.group(1)[:1].isupper()
        if not model and word not in _MODIFIERS and not re.fullmatch(_DESIGNATION, word):
            return
        pos = token.start(1)


def _owner(sentence: _Sentence, force: Force) -> Mention | None:
    """The country or organisation named inside the force's own noun phrase."""
    by_end = {m.end + (2 if m.possessive else 0): m for m in sentence.mentions}
    figures = {f.end: f for f in sentence.figures}
    return next(
        (
            m
            for m in _walk_left(sentence.text, force.start, by_end, figures)
            if isinstance(m, Mention)
        ),
        None,
    )


def _actor_before(sentence: _Sentence, pos: int, exclude: set[str]) -> str:
    """The nearest country or organisation before `pos` that acts rather than names a place."""
    for mention in reversed(sentence.mentions):
        if mention.start >= pos or mention.code in exclude:
            continue
        before = sentence.text[: mention.start]
        after = sentence.text[mention.end : mention.end + 4]
        if _PREPOSITION_BEFORE.search(before) or _LED.match(after):
            continue
        return mention.code
    return ""


def _actor_after(sentence: _Sentence, force: Force, kind: str) -> str:
    """ "troops from Germany", "deployed by the alliance" (but not "from Germany to Romania",
    nor "withdrew troops from Latvia")."""
    join = _CONTRIBUTOR_AFTER.match(sentence.text, force.end)
    if not join or (kind == "decrease" and join.group().rstrip().endswith("from")):
        return ""
    for mention in sentence.mentions:
        if mention.start == join.end():
            if re.match(r"\s+to\b", sentence.text[mention.end :]):
                return ""
            return mention.code
    return ""


def _resolve_anaphor(sentence: _Sentence, place: Place, context: _Context, exclude: str) -> str:
    """ "the country": a country placed or named before, other than the forces' own."""
    pos = place.start
    allowed = AREAS.get(place.area)
    here_places = [
        code
        for place in sentence.places
        if place.end <= pos and place.kind == COUNTRY
        for code in place.codes
    ]
    here_named = [m.code for m in sentence.mentions if m.end <= pos and not m.organisation]
    for pool in (here_places, here_named, context.places, context.countries):
        for code in reversed(pool):
            if code != exclude and (allowed is None or code in allowed):
                return code
    return ""


def _host_of(sentence: _Sentence, place: Place, contributor: str, context: _Context) -> list[str]:
    if place.kind == ANAPHORIC:
        return [_resolve_anaphor(sentence, place, context, contributor)]
    return list(place.codes) if place.kind == COUNTRY else [""]


def _hosts(sentence: _Sentence, force: Force, contributor: str, kind: str, context: _Context):
    """(hosts, origin): where the force is and, for a move "from X to Y", where it left.

    Places in the force's own clause come first, then earlier ones in the sentence; a sentence
    that places nothing anywhere continues the previous sentences' host.
    """
    clause_start, clause_end = sentence.clause(force.start)
    origin = ""
    ahead = [p for p in sentence.places if force.end <= p.start < clause_end]
    behind = [p for p in sentence.places if p.end <= force.start]
    behind.sort(key=lambda p: (p.start >= clause_start, p.start))
    for place in ahead:
        if place.kind == ORIGIN:
            origin = origin or (place.codes[0] if len(place.codes) == 1 else "")
        else:
            return _host_of(sentence, place, contributor, context), origin
    if origin and kind == "decrease":  # "withdraw from Mali": where they were
        return [origin], ""
    for place in reversed(behind):
        if place.kind != ORIGIN:
            return _host_of(sentence, place, contributor, context), origin
    if any(p.kind in (COUNTRY, REGION_KIND, ANAPHORIC) for p in sentence.places):
        return [""], origin
    return [context.host], origin


def _requester(sentence: _Sentence, contributor: str) -> str:
    """Who asks: the host of a request that names no place ("Lithuania asks the US for ...")."""
    match = MOODS[1][1].search(sentence.text)
    if (
        not match
        or any(p.kind == REGION_KIND for p in sentence.places if p.start < match.start())
        or REGION.search(sentence.text, 0, match.start())
    ):
        return ""
    for mention in reversed(sentence.mentions):
        if (
            mention.end <= match.start()
            and not mention.organisation
            and mention.code != contributor
        ):
            return mention.code
    return ""


def _figure_for(sentence: _Sentence, force: Force, used: set[int]) -> Figure | None:
    """The figure that counts this force: right before it, or a level after it in its clause."""
    by_end = {m.end + (2 if m.possessive else 0): m for m in sentence.mentions}
    figures = {f.end: f for f in sentence.figures}
    for item in _walk_left(sentence.text, force.start, by_end, figures):
        if isinstance(item, Figure) and item.start not in used:
            return item
    _, clause_end = sentence.clause(force.start)
    for figure in sentence.figures:
        if figure.start < force.end or figure.start >= clause_end or figure.start in used:
            continue
        if _LEVEL_BEFORE.search(sentence.text, 0, figure.start) and _LEVEL_AFTER.match(
            sentence.text, figure.end
        ):
            return figure
    return None


def _ranges(sentence: _Sentence, forces: list[Force]) -> dict[Force, tuple[int, int]]:
    """Each "from 270 to 350" as (old, new), given to the force it counts: the one right after
    its figure ("to 350 troops"), else the first force of its clause that is not a formation."""
    given = {}
    for pattern in (RANGE_FROM_TO, RANGE_TO_FROM):
        for match in pattern.finditer(sentence.text):
            clause = sentence.clause(match.start())
            local = [f for f in forces if sentence.clause(f.start) == clause]
            counted = [f for f in local if 0 <= f.start - match.end() <= 12]
            people = [f for f in local if not f.formation]
            chosen = (counted or people or local or [None])[0]
            if chosen and chosen not in given:
                old, new = parse_digits(match.group("old")), parse_digits(match.group("new"))
                given[chosen] = (old, new)
    return given


def _date_for(sentence: _Sentence, force: Force, published, precision) -> tuple:
    whens = find_dates(sentence.text, published, precision)
    clause_start, clause_end = sentence.clause(force.start)
    near = [w for w in whens if clause_start <= w.start < clause_end]
    chosen = near or whens
    if chosen:
        when = min(chosen, key=lambda w: abs(w.start - force.start))
        return when.value, when.precision
    if published is None:
        return None, ""
    return published, precision


def _forces(text: str, mentions: list[Mention]) -> list[Force]:
    """Force words, plus "the U.S. presence" and "the U.S. military use ...": an owned noun."""
    forces = find_forces(text)
    ends = {m.end + (2 if m.possessive else 0) for m in mentions}
    for match in _OWNED_MILITARY.finditer(text):
        if match.start() - 1 in ends and not any(f.start <= match.start() < f.end for f in forces):
            forces.append(Force("troops", False, match.start(), match.end()))
    for match in PRESENCE.finditer(text):
        if match.start() - 1 in ends and not any(f.start <= match.start() < f.end for f in forces):
            forces.append(Force("troops", False, match.start(), match.end()))
    return sorted(forces, key=lambda f: f.start)


def _who_and_where(sentence: _Sentence, force: Force, owner, kind: str, context: _Context):
    """(contributor, hosts, origin) of one force: its owner, then whoever acts in the sentence;
    its place in the sentence, then the story's."""
    text = sentence.text
    contributor = (
        (owner.code if owner else "")
        or _actor_after(sentence, force, kind)
        or _actor_before(sentence, force.start, set())
    )
    hosts, origin = _hosts(sentence, force, contributor, kind, context)
    if kind == "readiness" and not any(p.kind != ORIGIN for p in sentence.places):
        hosts = [""]  # forces on alert wait at home, not where the story last was
    if contributor and contributor in hosts and not owner:
        contributor = _actor_before(sentence, force.start, set(hosts)) or contributor
    if not contributor and not _actor_before(sentence, len(text), set()):
        # No one acts in this sentence: the forces are those the story is about.
        contributor = context.contributor or (context.actors or [""])[-1]
    if kind == "request" and hosts == [""]:
        hosts = [_requester(sentence, contributor)]
    if kind == "readiness" and not contributor and len(hosts) == 1:
        contributor, hosts = hosts[0], [""]  # "troops in the United States on alert"
    return contributor, hosts, origin


def _sentence_candidates(text: str, context: _Context, published, precision) -> list[dict]:
    mentions = find_mentions(text)
    forces = _forces(text, mentions)
    figures = [
        figure
        for figure in find_figures(text)
        if not any(f.start <= figure.start < f.end for f in forces)
    ]
    sentence = _Sentence(text, mentions, find_places(text, mentions), figures, _clauses(text))
    used: set[int] = set()
    ranges = _ranges(sentence, forces)
    found = []
    for force in forces:
        clause_start, clause_end = sentence.clause(force.start)
        kind = kind_of(text[clause_start:clause_end], force.start - clause_start)
        owner = _owner(sentence, force)
        if force.formation and _PLACE_BEFORE.search(text, 0, owner.start if owner else force.start):
            continue  # "joined the Estonian battlegroup": where troops go, not a force sent
        contributor, hosts, origin = _who_and_where(sentence, force, owner, kind, context)
        figure = _figure_for(sentence, force, used)
        quantity = qualifier = None
        if figure:
            used.add(figure.start)
            if not force.formation:
                quantity, qualifier = figure.value, figure.qualifier
        events = []
        if force in ranges:
            old, new = ranges[force]
            direction = "increase" if new >= old else "decrease"
            events = [(direction, abs(new - old), "exact"), ("presence", new, "exact")]
        elif figure and quantity is not None and _LEVEL_BEFORE.search(text, 0, figure.start):
            events = [("presence", quantity, qualifier)] if figure.start > force.end else []
        if not events:
            if not kind and quantity is None:
                continue
            events = [(kind or "presence", quantity, qualifier or "exact")]
        if len(hosts) > 1 and any(q is not None for _, q, _ in events):
            hosts = [""]
        when, when_precision = _date_for(sentence, force, published, precision)
        for host in hosts:
            if host and host == contributor and kind not in ("readiness", "exercise"):
                continue  # forces at home: not a deployment
            for event_kind, event_quantity, event_qualifier in events:
                found.append(
                    {
                        "host_country": "" if host == contributor else host,
                        "contributor": contributor,
                        "quantity": event_quantity,
                        "qualifier": event_qualifier,
                        "unit": force.unit,
                        "kind": event_kind,
                        "date": when,
                        "date_precision": when_precision,
                    }
                )
                if origin and origin != contributor and host and event_kind != "presence":
                    leaving = "decrease" if event_kind == "increase" else event_kind
                    found.append({**found[-1], "host_country": origin, "kind": leaving})
    counted = {(f["host_country"], f["contributor"]) for f in found if f["quantity"] is not None}
    # "battlegroups of about 500 soldiers" is one force: the counted mention says it all.
    return [
        f
        for f in found
        if f["quantity"] is not None or (f["host_country"], f["contributor"]) not in counted
    ]


def _worth_proposing(candidate: dict) -> bool:
    """A figure, or a place: without either only a request or a pledge says anything."""
    if not candidate["contributor"] and candidate["quantity"] is None:
        return False
    if candidate["quantity"] is None and not candidate["host_country"]:
        return candidate["kind"] in ("request", "pledge")
    return True


def _update(context: _Context, sentence: str, found: list[dict]) -> None:
    mentions = find_mentions(sentence)
    places = find_places(sentence, mentions)
    context.countries.extend(m.code for m in mentions if not m.organisation)
    bare = _Sentence(sentence, mentions, places, [], [(0, len(sentence))])
    actor = _actor_before(bare, len(sentence), set())
    if actor:
        context.actors.append(actor)
    context.places.extend(code for p in places if p.kind == COUNTRY for code in p.codes)
    hosts = {fields["host_country"] for fields in found if fields["host_country"]}
    if found:
        context.host = hosts.pop() if len(hosts) == 1 else "" if hosts else context.host
        context.contributor = found[-1]["contributor"] or context.contributor
    elif any(p.kind in (COUNTRY, NEAR) for p in places):
        first = next(p for p in places if p.kind in (COUNTRY, NEAR))
        context.host = first.codes[0] if first.kind == COUNTRY else ""


def extract(
    text: str,
    *,
    skip: Sequence[tuple[int, int]] = (),
    published: date | None = None,
    published_precision: str = DAY,
) -> list[Candidate]:
    """Candidate events in `text`, in order, none from a sentence overlapping a `skip` span.

    `published` dates sentences that give no date of their own (at `published_precision`) and
    resolves "on Monday" or "last month".
    """
    context = _Context()
    candidates: list[Candidate] = []
    seen = set()
    for start, end in sentence_spans(text):
        if any(a < end and start < b for a, b in skip):
            continue
        sentence = text[start:end]
        found = _sentence_candidates(sentence, context, published, published_precision)
        _update(context, sentence, found)
        for fields in found:
            key = (start, fields["host_country"], fields["contributor"], fields["quantity"])
            key += (fields["kind"],)
            if key in seen or not _worth_proposing(fields):
                continue
            seen.add(key)
            candidates.append(Candidate(**fields, start=start, end=end, quote=sentence))
    return candidates
