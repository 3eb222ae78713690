"""How many: figures in digits or words, with the qualifier the report puts on them.

Qualifiers follow the curators' rule: "about N" is about, "more than N" at least, and "almost N"
up to, since a figure that is nearly reached is a ceiling. Money, percentages, years, model
designations ("F-16") and scores are not figures of forces and are never read as one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000}

QUALIFIERS = {
    "about": "about",
    "around": "about",
    "some": "about",
    "roughly": "about",
    "approximately": "about",
    "an estimated": "about",
    "estimated": "about",
    "more than": "at_least",
    "over": "at_least",
    "at least": "at_least",
    "upwards of": "at_least",
    "in excess of": "at_least",
    "nearly": "up_to",
    "almost": "up_to",
    "up to": "up_to",
    "as many as": "up_to",
    "fewer than": "up_to",
    "less than": "up_to",
    "under": "up_to",
    "close to": "up_to",
}

_WORD = "|".join([*_UNITS, *_TENS])
_WORDS = rf"(?:(?:{_WORD})(?:[- ](?:{_WORD}))?(?: (?:hundred|thousand|million)(?: and)?)*"
_WORDS += rf"(?: (?:{_WORD})(?:[- ](?:{_WORD}))?)?|a dozen|a hundred|a thousand)"
# At most a dozen digits: a longer run counts no forces (and would not fit a quantity).
_DIGITS = r"\d{1,3}(?:,\d{3}){1,3}|\d{1,12}(?:\.\d+)?"
_QUALIFIER = "|".join(sorted(map(re.escape, QUALIFIERS), key=len, reverse=True))
FIGURE = re.compile(
    rf"(?<![\w$€£.,-])(?:(?P<qualifier>{_QUALIFIER}) )?"
    rf"(?:(?P<digits>{_DIGITS})(?: (?P<scale>thousand|million))?|(?P<words>{_WORDS}))"
    r"(?![\w%-]|,\d|\.\d| ?(?:per ?cent|percent|years?\b|-year|-seat|-day))",
    re.IGNORECASE,
)
# "from 270 to 350" and "to 350 from 270": a change and the level it reaches.
_Q = rf"(?:(?:{_QUALIFIER}) )?"
RANGE_FROM_TO = re.compile(rf"\bfrom {_Q}(?P<old>{_DIGITS}) to {_Q}(?P<new>{_DIGITS})\b")
RANGE_TO_FROM = re.compile(rf"\bto {_Q}(?P<new>{_DIGITS}) from {_Q}(?P<old>{_DIGITS})\b")


# "Challenger 2 tanks", "Leopard 2": a capitalised name right before digits is a model name.
_MODEL_NAME = re.compile(r"(?<=[a-z,;] )[A-Z][a-z]+ $")


@dataclass(frozen=True)
class Figure:
    value: int
    qualifier: str
    start: int
    end: int


def words_to_int(words: str) -> int | None:
    """ "two thousand five hundred" -> 2500; None for anything that is not a number in words."""
    words = words.lower().replace("-", " ").replace(" and ", " ")
    if words.startswith("a "):
        words = "one " + words[2:]
    words = words.replace("one dozen", "twelve")
    total, current = 0, 0
    for word in words.split():
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word in _SCALES:
            total += max(current, 1) * _SCALES[word]
            current = 0
        else:
            return None
    return total + current


def parse_digits(digits: str) -> int:
    return round(float(digits.replace(",", "")))


def _is_year(match: re.Match) -> bool:
    digits = match.group("digits")
    return bool(digits and re.fullmatch(r"1[89]\d\d|20\d\d", digits) and not match.group("scale"))


def find_figures(text: str) -> list[Figure]:
    """Every number in `text` that could count forces, with its qualifier."""
    figures = []
    for match in FIGURE.finditer(text):
        if _is_year(match) or (match.start() and text[match.start() - 1] in "$€£"):
            continue
        if match.group("digits") and _MODEL_NAME.search(text, 0, match.start()):
            continue
        if match.group("digits"):
            scale = _SCALES[match.group("scale").lower()] if match.group("scale") else 1
            value = round(float(match.group("digits").replace(",", "")) * scale)
        else:
            value = words_to_int(match.group("words"))
            if value is None:
                continue
        qualifier = QUALIFIERS.get((match.group("qualifier") or "").lower(), "exact")
        figures.append(Figure(value, qualifier, match.start(), match.end()))
    return figures
