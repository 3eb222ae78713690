"""Where and whose: country, organisation and region mentions in text.

Country names come from django-countries and countryinfo (names, alternative spellings, demonyms,
capitals as metonyms), so any country a story names is known without a hand list. Only what the
libraries lack is listed here: newsroom spellings ("U.S.", "Nato"), institutions standing for a
state ("the Pentagon"), organisations and the wider regions that name no single host.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from countryinfo import all_countries
from django_countries import countries

from deployments.records.contributors import organisations

# Newsroom forms the libraries lack. Institutions stand for their state ("Pentagon chief").
COUNTRY_ALIASES = {
    "U.S.": "US",
    "U.S": "US",
    "US": "US",
    "USA": "US",
    "U.S.A.": "US",
    "America": "US",
    "Americans": "US",
    "United States": "US",
    "Pentagon": "US",
    "White House": "US",
    "UK": "GB",
    "U.K.": "GB",
    "Britain": "GB",
    "Brits": "GB",
    "Britons": "GB",
    "Kremlin": "RU",
    "Holland": "NL",
    "Dutch": "NL",
}
ORGANISATION_ALIASES = {
    "NATO": "NATO",
    "Nato": "NATO",
    "North Atlantic Treaty Organization": "NATO",
    "North Atlantic Treaty Organisation": "NATO",
    "the alliance": "NATO",
    "the Alliance": "NATO",
    "The alliance": "NATO",
    "the Atlantic alliance": "NATO",
    "EU": "EU",
    "European Union": "EU",
    "Brussels": "EU",
    "UN": "UN",
    "U.N.": "UN",
    "United Nations": "UN",
    "OSCE": "OSCE",
    "CSTO": "CSTO",
    "JEF": "JEF",
    "Joint Expeditionary Force": "JEF",
}
# Places that are not one country: forces sent there have no single host.
REGION = re.compile(
    r"\b(?:(?:Eastern|Central|Western|Northern|Southern|eastern|central) Europe|Europe|"
    r"the Baltics|Baltic (?:states|countries|nations|region|Sea|allies|Allies)|Scandinavia|"
    r"the Balkans|the Middle East|the Indo-Pacific|the Pacific|the Arctic|the Black Sea|"
    r"Asia|Africa|(?:eastern|western|southern|northern|central) (?:flank|territories|part|parts|"
    r"wing|edge)|the region|overseas|abroad)\b"
)
# "the country", "the Baltic nation": a country named earlier.
ANAPHOR = re.compile(r"\b(?:the|this) (?:(?P<area>[A-Z][a-z]+) )?(?:country|nation|state)\b(?!s)")
# The countries an anaphor's adjective allows: "the Baltic nation" is not Russia.
AREAS = {
    "Baltic": {"EE", "LV", "LT"},
    "Nordic": {"DK", "FI", "IS", "NO", "SE"},
    "Scandinavian": {"DK", "NO", "SE"},
    "Balkan": {"AL", "BA", "BG", "GR", "HR", "ME", "MK", "RO", "RS", "SI", "XK"},
    "Gulf": {"AE", "BH", "KW", "OM", "QA", "SA"},
}


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    code: str
    organisation: bool
    possessive: bool


def _names() -> dict[str, str]:
    """Surface form -> code; a form shared by several countries goes to the most populous."""
    ranked: dict[str, tuple[int, str]] = {}

    def add(form: str | None, code: str, population: int) -> None:
        form = (form or "").strip()
        if (len(form) < 4 and form.isupper()) or len(form) < 3:
            return  # ISO codes like "NO" or "IT" are ordinary words in running text
        if form not in ranked or ranked[form][0] < population:
            ranked[form] = (population, code)

    for code, name in countries:
        add(str(name), code, 0)
    for country in all_countries():
        info = country.info()
        code = (info.get("ISO") or {}).get("alpha2")
        if not code or code not in countries:
            continue
        population = info.get("population") or 0
        add(info.get("name"), code, population)
        for spelling in info.get("altSpellings") or []:
            add(spelling, code, population)
        demonym = info.get("demonym")
        add(demonym, code, population)
        if demonym and demonym[-1] in "ni":
            add(demonym + "s", code, population)
        capitals = info.get("capital")
        for capital in capitals if isinstance(capitals, list) else [capitals]:
            add((capital or "").removesuffix(" D.C."), code, population)
    forms = {form: code for form, (_, code) in ranked.items()}
    forms.update(COUNTRY_ALIASES)
    known = organisations()
    forms.update({form: code for form, code in ORGANISATION_ALIASES.items() if code in known})
    return forms


@cache
def _gazetteer() -> tuple[re.Pattern, dict[str, str]]:
    forms = _names()
    alternation = "|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w.])(?:{alternation})(?![\w])(?:['\u2019]s\b)?")
    return pattern, forms


def find_mentions(text: str) -> list[Mention]:
    """Every country or organisation named in `text`, in order."""
    pattern, forms = _gazetteer()
    found = []
    for match in pattern.finditer(text):
        surface = match.group()
        possessive = surface.endswith(("'s", "\u2019s"))
        name = surface[:-2] if possessive else surface
        code = forms[name]
        end = match.start() + len(name)
        found.append(Mention(match.start(), end, code, code in organisations(), possessive))
    return found
