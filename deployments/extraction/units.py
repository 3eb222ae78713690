"""What is sent: the words for forces, each with the unit its figure counts.

A figure is only a candidate when one of these words is tied to it; "1,000 new members" or
"12,000 supporters" are not forces. Formation words ("a battalion", "three battlegroups") name a
force without counting people, so their figures are never taken as troop numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NOT_AFTER = r"(?<![\w-])(?<!anti-)"
_MODEL = r"(?:[A-Z]{1,3}-?\d{1,3}[A-Z]?)"  # F-16, F-35A, M1, CV90

# (unit, formation?, pattern): first match at a position wins, so longer phrases come first.
_PATTERNS: list[tuple[str, bool, str]] = [
    (
        "ships",
        False,
        r"aircraft carriers?|warships?|war ships?|naval vessels?|vessels?|ships?|"
        r"frigates?|destroyers?|corvettes?|submarines?|minehunters?|minesweepers?|"
        r"patrol boats?|landing craft",
    ),
    (
        "systems",
        False,
        r"air[- ]defen[cs]e (?:systems?|units?|batteries|battery)|"
        r"(?:Patriot|NASAMS|IRIS-T|SAMP/T)(?: missile| air[- ]defen[cs]e)?"
        r"(?: systems?| batteries| battery| launchers?| units?)?|HIMARS|"
        r"(?:missile|rocket|artillery) (?:systems?|batteries|battery|launchers?)|"
        r"artillery pieces|howitzers?|batteries|launchers?|radars?",
    ),
    (
        "vehicles",
        False,
        r"(?:armou?red|military|combat|infantry fighting|armou?red personnel) "
        r"(?:vehicles|carriers)|(?<!think )tanks?|APCs|Abrams|Leopards?|Bradleys?",
    ),
    (
        "aircraft",
        False,
        rf"(?:{_MODEL}s? )?(?:fighter jets?|fighter planes?|jet fighters?|"
        r"warplanes?|combat aircraft|fighters?|jets?|planes?|aircraft|helicopters?|bombers?|"
        rf"drones?|tankers?)|{_MODEL}s|Eurofighters?|Typhoons?|Rafales?|Gripens?|Tornados?|"
        r"Apaches?|Black Hawks?|Chinooks?",
    ),
    (
        "troops",
        True,
        r"battle ?groups?|battalions?|brigades?|divisions?|regiments?|"
        r"contingents?|company-sized (?:unit|contingent)|squadrons?|units?|rotational force|"
        r"task force",
    ),
    (
        "troops",
        False,
        r"special (?:operations )?forces|troops?|soldiers?|servicemen|"
        r"service ?members|servicemembers|service personnel|military personnel|personnel|"
        r"marines?|paratroopers?|forces?|militar(?:y|ies)(?= (?:to|will|would|has|have|had|is|"
        r"are|was|were|in|at|and|on|from|could|can|may)\b|[.,;:]|$)|militaries|sailors|airmen|"
        r"commandos|infantry(?:men)?|(?:military )?(?:specialists|instructors|trainers|advisers)|"
        r"(?:military|troop|force|naval) (?:presence|buildup|build-up|deployments?)",
    ),
]
FORCE = re.compile(
    "|".join(
        rf"{_NOT_AFTER}(?P<u{index}>{pattern})(?![\w-])"
        for index, (_, _, pattern) in enumerate(_PATTERNS)
    )
)
# "the U.S. presence": presence is a force when a country or alliance owns it.
PRESENCE = re.compile(r"\bpresence\b")


@dataclass(frozen=True)
class Force:
    unit: str
    formation: bool
    start: int
    end: int


def find_forces(text: str) -> list[Force]:
    """Every word for a force in `text`, in order."""
    found = []
    for match in FORCE.finditer(text):
        index = int(match.lastgroup[1:])
        unit, formation, _ = _PATTERNS[index]
        found.append(Force(unit, formation, match.start(), match.end()))
    return found
