"""What happened to the forces: the words that decide an event's kind.

A sentence's mood outranks its verb: "asked the US to deploy troops" is a request and "plans to
send" a pledge, though both hold a verb of movement. So kinds are tried in rank order, and only
among the plain verbs of movement and stationing does the nearest one to the force decide.
"""

from __future__ import annotations

import re

_W = r"(?:\w+ ){0,2}"  # up to two words between an auxiliary and its verb
_MOVE = r"(?:send|deploy|dispatch|move|station|add|increase|boost|double|deliver|provide)"

# Kinds whose mood decides the whole clause, highest rank first.
MOODS: list[tuple[str, re.Pattern]] = [
    (
        "readiness",
        re.compile(
            r"\b(?:on (?:\w+ )?(?:alert|standby|stand-by)|(?:high|heightened|increased|combat) "
            r"readiness|ready to deploy|prepared to deploy|put on notice)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "request",
        re.compile(
            r"\b(?:asks?|asked|asking|requests?|requested|requesting|seeks?|seeking|sought|"
            r"calls? for|called for|calling for|appeals? for|urged?s?|wish list)\b"
        ),
    ),
    (
        "exercise",
        re.compile(r"\b(?:exercises?|drills?|maneuvers|manoeuvres|war ?games|training mission)\b"),
    ),
    (
        "agreement",
        re.compile(
            r"\b(?:agreements?|agreed|agrees|treaty|accord|signed|signs|memorandum|deal|allow(?:s|ed|ing)?)\b"
        ),
    ),
    (
        "pledge",
        re.compile(
            rf"\b(?:pledged?s?|pledging|promised?s?|promising|offered|offers?|offering|"
            rf"plans? to|planning to|intends? to|considering|considers|could {_MOVE}|"
            rf"(?:will|would|shall) {_W}{_MOVE}(?:s|es|d|ed|ing|ment)?|announced?s?|announcing|"
            r"vows?|vowed)\b"
        ),
    ),
]
# Plain verbs and nouns: the nearest one to the force decides.
VERBS: list[tuple[str, re.Pattern]] = [
    (
        "decrease",
        re.compile(
            r"\b(?:withdr[ae]w\w*|pull(?:s|ed|ing)? (?:out|back)|pull-?out|reduc\w+|cut(?:s|ting)?|"
            r"leav(?:e|es|ing)|left|depart\w*|draw(?:s|ing)? ?down|drawdown|repatriat\w+|"
            r"scal(?:e|es|ed|ing) back)\b"
        ),
    ),
    (
        "increase",
        re.compile(
            r"\b(?:deploy(?:s|ed|ing|ments?)?|sen(?:d|ds|t|ding)|dispatch\w*|arriv\w+|mov(?:e|es|ed|"
            r"ing)|reinforc\w+|bolster\w*|boost\w*|add(?:s|ed|ing)?|additional|extra|more(?! than)|"
            r"amass\w*|mass(?:ed|es|ing)|reposition\w*|increas\w+|doubl\w+|buildup|build-up|"
            r"rotated|flown|flew|sailed|landed)\b"
        ),
    ),
    (
        "presence",
        re.compile(
            r"\b(?:station(?:s|ed|ing)?|based|there (?:are|were|is)|presence|maintain\w*|"
            r"host(?:s|ed|ing)?|remain\w*|currently|serving|total(?:s|ling|ing)?|rotational|"
            r"rotations?|number(?:s|ing)?|level|strength|has|have|had)\b"
        ),
    ),
]


def kind_of(clause: str, force_at: int) -> str:
    """The kind for a force at offset `force_at` in `clause`; "" when nothing marks one."""
    for kind, pattern in MOODS:
        if pattern.search(clause):
            return kind
    best: tuple[int, int, str] | None = None
    for rank, (kind, pattern) in enumerate(VERBS):
        for match in pattern.finditer(clause):
            distance = min(abs(match.start() - force_at), abs(match.end() - force_at))
            if best is None or (distance, rank) < best[:2]:
                best = (distance, rank, kind)
    return best[2] if best else ""
