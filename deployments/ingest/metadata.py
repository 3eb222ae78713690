"""Guessing an article's title, outlet, publication date and URL, for the editor to confirm.

Every guess carries a note saying where it came from, because the editor has to judge it. A
saved web page's metadata (as trafilatura found it) is trusted first; the text comes second.
The guesses are conservative: no guess is better than a wrong one an editor might wave through.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from .boilerplate import Span, boilerplate_spans


@dataclass(frozen=True)
class Guess:
    value: object  # str for title/outlet/url, date for published
    precision: str = ""  # for dates: "day", "month" or "year"
    note: str = ""  # where it came from, for the editor


@dataclass(frozen=True)
class Metadata:
    title: Guess | None
    outlet: Guess | None
    published: Guess | None
    url: Guess | None


RFERL = "Radio Free Europe/Radio Liberty"
AP = "Associated Press"

# Names the registered domain's label would get wrong.
KNOWN_DOMAINS = {
    "rferl.org": RFERL,
    "reuters.com": "Reuters",
    "apnews.com": AP,
    "afp.com": "Agence France-Presse",
    "kyivindependent.com": "The Kyiv Independent",
    "foreignpolicy.com": "Foreign Policy",
    "independent.co.uk": "The Independent",
    "sputniknews.com": "Sputnik",
    "sputnikglobe.com": "Sputnik",
    "bbc.co.uk": "BBC",
    "bbc.com": "BBC",
    "lrt.lt": "LRT",
    "nytimes.com": "The New York Times",
    "washingtonpost.com": "The Washington Post",
    "theguardian.com": "The Guardian",
    "defense.gov": "U.S. Department of Defense",
    "state.gov": "U.S. Department of State",
    "nato.int": "NATO",
}
# Outlet names as sites write them about themselves, lower-cased, to one spelling.
KNOWN_NAMES = {
    "rfe/rl": RFERL,
    "radio free europe": RFERL,
    "radio free europe/radio liberty": RFERL,
    "ap": AP,
    "the associated press": AP,
    "afp": "Agence France-Presse",
    "independent": "The Independent",
    "kyiv independent": "The Kyiv Independent",
    "sputnik news": "Sputnik",
    "bbc news": "BBC",
}
WIRES = ("Reuters", "AP", "Associated Press", "AFP", "dpa", "Bloomberg", "BNS", "ELTA")
_TWO_LEVEL_SUFFIXES = {"co.uk", "org.uk", "gov.uk", "ac.uk", "com.au", "co.nz", "com.ua", "co.jp"}

_DASH = "[-\u2013\u2014]"  # hyphen, en dash, em dash
_NAME = r"(?:the )?[A-Z][\w/&.-]*(?: [A-Z][\w/&.-]*)*"
# How a site names itself in its own furniture: "More from X", "a X subscription", ...
_SELF_REFERENCES = tuple(
    re.compile(pattern)
    for pattern in (
        rf"^More from ({_NAME})$",
        rf"\b(?:a|an|your) ({_NAME}) subscription\b",
        rf"\bother ({_NAME}) readers\b",
        rf"\b(?:read|support) (the {_NAME})\b",
        rf"\b({_NAME})['\u2019]s (?:Live|live|coverage|newsletter|journalism|reporting|podcast)\b",
        rf"\b(?:reporter|correspondent|editor|writer) (?:at|for) ({_NAME})\b",
        rf"^About ({_NAME})$",
    )
)
_ORIGINALLY = re.compile(
    r"(?i:\b(?:originally|first) (?:appeared|appears|published) (?:at|in|on|by)) "
    rf"(https?://\S+|[\w-]+(?:\.[\w-]+)+|{_NAME})"
)
_URL = re.compile(r"https?://[^\s<>\"')\]]+")
_URL_LINE = re.compile(r"^(?:(?:source|url|link|canonical|read more)\W*)?(https?://\S+)$", re.I)
_DOMAIN = re.compile(
    r"\b((?:[a-z0-9-]+\.)+(?:com|org|net|int|gov|mil|info|news|co\.uk|[a-z]{2}))\b"
)

_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS |= {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}
_MONTHS["sept"] = 9
_M = (
    r"(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:tember|t)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_Y = r"(?P<year>(?:19|20)\d\d)"
_D = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_FULL_DATES = (
    re.compile(rf"\b{_M} {_D},? {_Y}\b"),
    re.compile(rf"\b{_D} (?:of )?{_M},? {_Y}\b"),
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<num>[01]\d)-(?P<day>[0-3]\d)\b"),
)
_DAY_MONTHS = (
    re.compile(rf"\b{_M} {_D}\b(?!,? ?\d)"),
    re.compile(rf"\b{_D} {_M}(?!,? ?\d)"),
)
_MONTH_YEAR = re.compile(rf"\b{_M},? {_Y}\b")
_DATELINE = re.compile(
    rf"^[A-Z][A-Z .'-]+(?:, [A-Z][\w .]+)?, {_M} {_D}(?:, {_Y})? ?(?:\((?P<agency>[^)]+)\))? ?"
    + _DASH
)
_AGENCY_DATELINE = re.compile(
    r"^[A-Z][A-Z .'-]+(?:, [A-Z][\w .]+)? ?\((?P<agency>[^)]+)\) ?" + _DASH
)
_DATE_LINE = re.compile(
    r"^(?:(?:published|posted|updated|date)\b:?\s*(?:on\s*)?)?(?P<date>.+)$", re.I
)
_COPYRIGHT_NAME = re.compile(
    r"(?:©|\(c\)|(?i:copyright))\s*(?:(?:19|20)\d\d\s*)?(?P<name>[A-Z][\w&.' -]*?[\w])"
    r"\s*(?:[.,;|]|(?i:all rights)|$)"
)
_COPYRIGHT = re.compile(r"(?:©|\(c\)|copyright)\s*(?P<year>(?:19|20)\d\d)\b", re.IGNORECASE)
_FUTURE_WORDS = {"until", "till", "by", "through", "before", "from", "starting", "due", "scheduled"}
_FUTURE_WORDS |= {"expected", "planned", "deadline", "next"}
# Furniture that speaks of other articles or other times; captions and credits still count.
_DATELESS_REASONS = {"read-more list", "membership appeal", "unrelated insertion", "navigation"}

TITLE_MAX = 200


def infer_metadata(
    text: str,
    *,
    page: dict | None = None,
    filename: str = "",
    spans: list[Span] | None = None,
) -> Metadata:
    """The editor's starting point: each field from the page first, then the text. `spans` are
    the text's boilerplate_spans, if the caller has them already."""
    page = page or {}
    spans = boilerplate_spans(text) if spans is None else spans
    return Metadata(
        title=_page_guess(page, "title", "title in the page") or guess_title(text, spans),
        outlet=_page_outlet(page) or guess_outlet(text, spans, filename),
        published=_page_date(page) or guess_published(text, spans, filename),
        url=_page_guess(page, "url", "address of the page") or guess_url(text),
    )


def guess_title(text: str, spans: list[Span]) -> Guess | None:
    """The first line that is not furniture, if it reads as a headline and not as a lead."""
    for line, start in _lines(text):
        if not line.strip() or _covered(start, spans):
            continue
        line = line.strip()
        if _is_date_line(line) or _DATELINE.match(line) or _AGENCY_DATELINE.match(line):
            continue
        if len(line) > TITLE_MAX or line.endswith("."):
            return None
        return Guess(line, note="first line of the text")
    return None


def guess_outlet(text: str, spans: list[Span], filename: str = "") -> Guess | None:
    """The publisher: who the copy is credited to, then how the site names itself in its own
    furniture or copyright line, then a wire that wrote it. "With reporting by Reuters" names
    wires that contributed, not the publisher; it is RFE/RL's sign-off, so a weak last guess."""
    if found := _ORIGINALLY.search(text):
        name = outlet_name(found.group(1))
        return Guess(name, note=f'credit line "{found.group(0)}"')
    furniture = [text[span.start : span.end] for span in spans]
    names = [
        (outlet_name(found.group(1)), found.group(0))
        for block in furniture
        for line in block.split("\n")
        for pattern in _SELF_REFERENCES
        if (found := pattern.search(line.strip()))
    ]
    if names:
        counts = Counter(name for name, _ in names)
        best = max(counts, key=lambda name: counts[name])
        quote = next(quote for name, quote in names if name == best)
        return Guess(best, note=f'the site names itself in its furniture: "{quote}"')
    if found := _COPYRIGHT_NAME.search(text):
        return Guess(outlet_name(found.group("name")), note=f'copyright line "{found.group(0)}"')
    for line, _ in _lines(text):
        match = _DATELINE.match(line) or _AGENCY_DATELINE.match(line)
        if match and (match.group("agency") or "").strip() in WIRES:
            name = outlet_name(match.group("agency").strip())
            return Guess(name, note=f'wire dateline "{match.group(0)}"')
    if url := guess_url(text):
        domain = registered_domain(str(url.value))
        return Guess(outlet_name(domain), note=f"domain {domain} of the address in the text")
    for line, _ in _lines(text):
        line = line.strip()
        if line.lower().startswith("with reporting by"):
            return Guess(RFERL, note=f'credit line "{line}": RFE/RL\'s sign-off; it names wires')
        if line.strip("()") in WIRES:
            return Guess(outlet_name(line.strip("()")), note=f'wire credit "{line}"')
    if found := _DOMAIN.search(filename.lower()):
        domain = registered_domain(found.group(1))
        return Guess(outlet_name(domain), note=f'domain {domain} in the file name "{filename}"')
    return None


def guess_published(text: str, spans: list[Span], filename: str = "") -> Guess | None:
    """A dateline or date line is the publication date. Otherwise the latest date the article
    reports is a lower bound: a day only when the text also names its weekday ("on Wednesday":
    written that week), else its month. A bare "in 2023" is not trusted to be the current year,
    since articles mention past years freely; a copyright year is."""
    lines = [(line.strip(), start) for line, start in _lines(text)]
    for line, start in lines:
        if _covered(start, spans, _DATELESS_REASONS):
            continue
        if (found := _DATELINE.match(line)) and (dated := _dateline_date(found, text)):
            return Guess(dated[0], "day", dated[1])
        if _is_date_line(line) and (day := _full_date(_dates_in(line)[0])):
            return Guess(day, "day", f'date line "{line}"')
    if found := _latest_reported(text, spans):
        day, quote = found
        weekday = calendar.day_name[day.weekday()]
        if re.search(rf"\b{weekday}\b", text):
            note = f'{quote}, the latest date the article reports, and it says "{weekday}"'
            return Guess(day, "day", note)
        note = f"{quote}, the latest date the article reports: published then or soon after"
        return Guess(day.replace(day=1), "month", note)
    if found := _COPYRIGHT.search(text):
        return Guess(date(int(found.group("year")), 1, 1), "year", f'"{found.group(0)}"')
    if found := _FULL_DATES[2].search(filename):
        return Guess(_full_date(found), "day", f'date in the file name "{filename}"')
    return None


def guess_url(text: str) -> Guess | None:
    """An address on a line of its own or in a credit line; links inside sentences point to
    sources, not to the article."""
    for line, _ in _lines(text):
        line = line.strip()
        if found := _URL_LINE.match(line):
            return Guess(found.group(1).rstrip(".,"), note=f'address in the text "{line}"')
        if _ORIGINALLY.search(line) and (found := _URL.search(line)):
            return Guess(found.group(0).rstrip(".,"), note=f'credit line "{line}"')
    return None


def outlet_name(name_or_domain: str) -> str:
    """One spelling per outlet, from a domain ("rferl.org") or a name as written ("RFE/RL")."""
    value = name_or_domain.strip().rstrip(".")
    if "." in value and " " not in value:
        domain = registered_domain(value)
        if domain in KNOWN_DOMAINS:
            return KNOWN_DOMAINS[domain]
        return domain.split(".")[0].replace("-", " ").title()
    key = value.lower()
    bare = key.removeprefix("the ")
    return KNOWN_NAMES.get(key) or KNOWN_NAMES.get(bare) or value


def registered_domain(url_or_host: str) -> str:
    host = re.sub(r"^[a-z]+://", "", url_or_host.lower()).split("/")[0].split(":")[0]
    parts = host.removeprefix("www.").split(".")
    keep = 3 if ".".join(parts[-2:]) in _TWO_LEVEL_SUFFIXES else 2
    return ".".join(parts[-keep:])


def _page_guess(page: dict, key: str, note: str) -> Guess | None:
    value = str(page.get(key) or "").strip()
    return Guess(value, note=note) if value else None


def _page_outlet(page: dict) -> Guess | None:
    if name := str(page.get("sitename") or "").strip():
        return Guess(outlet_name(name), note=f'site name in the page "{name}"')
    if host := str(page.get("hostname") or page.get("url") or "").strip():
        domain = registered_domain(host)
        return Guess(outlet_name(domain), note=f"domain {domain}")
    return None


def _page_date(page: dict) -> Guess | None:
    value = page.get("date")
    if isinstance(value, date):
        return Guess(value, "day", "date in the page")
    if found := re.match(r"(\d{4})-(\d\d)-(\d\d)", str(value or "")):
        try:
            return Guess(date(*map(int, found.groups())), "day", "date in the page")
        except ValueError:  # "2024-13-45" is no day: no guess rather than a wrong one
            return None
    return None


def _latest_reported(text: str, spans: list[Span]) -> tuple[date, str] | None:
    """The latest past date in the text, full ("May 2, 2024") or a day of a month the text
    dates ("on February 9" where it also says "February 2022")."""
    month_years = {
        (_month(found), int(found.group("year")))
        for found in _MONTH_YEAR.finditer(text)
        if not _covered(found.start(), spans, _DATELESS_REASONS)
    }
    found_dates: list[tuple[date, str]] = []
    for pattern in _FULL_DATES:
        for found in pattern.finditer(text):
            covered = _covered(found.start(), spans, _DATELESS_REASONS)
            if not covered and not _future(text, found) and (day := _full_date(found)):
                found_dates.append((day, f'"{found.group(0)}"'))
    for pattern in _DAY_MONTHS:
        for found in pattern.finditer(text):
            years = {year for month, year in month_years if month == _month(found)}
            if len(years) == 1 and not _covered(found.start(), spans, _DATELESS_REASONS):
                year = years.pop()
                if not _future(text, found) and (day := _safe_date(year, found)):
                    quote = f'"{found.group(0)}" with the year {year} the article states'
                    found_dates.append((day, quote))
    return max(found_dates, default=None)


def _dates_in(line: str) -> list[re.Match[str]]:
    return [found for pattern in _FULL_DATES if (found := pattern.search(line))]


def _is_date_line(line: str) -> bool:
    """A line that is only a date, perhaps after "Published" and before a time of day."""
    found = _DATE_LINE.match(line)
    rest = found.group("date") if found else ""
    dates = _dates_in(rest)
    if not dates:
        return False
    leftover = rest.replace(dates[0].group(0), "", 1)
    return not re.sub(r"[\d:.,|\s]|am|pm|utc|gmt|[a-z]{3,4}t\b", "", leftover, flags=re.I)


def _dateline_date(found: re.Match[str], text: str) -> tuple[date, str] | None:
    """A wire dateline often leaves out the year; take it from the month the text dates."""
    quote = f'dateline "{found.group(0).rstrip(" -\u2013\u2014")}"'
    if found.group("year"):
        day = _safe_date(int(found.group("year")), found)
        return (day, quote) if day else None
    years = {
        int(other.group("year"))
        for other in _MONTH_YEAR.finditer(text)
        if _month(other) == _month(found)
    }
    if len(years) == 1 and (day := _safe_date(year := years.pop(), found)):
        return day, f"{quote} with the year {year} the article states"
    return None


def _full_date(found: re.Match[str]) -> date | None:
    return _safe_date(int(found.group("year")), found)


def _safe_date(year: int, found: re.Match[str]) -> date | None:
    month = int(found.group("num")) if "num" in found.re.groupindex else _month(found)
    try:
        return date(year, month, int(found.group("day")))
    except ValueError:
        return None


def _month(found: re.Match[str]) -> int:
    return _MONTHS[found.group("month").lower().rstrip(".")]


def _future(text: str, found: re.Match[str]) -> bool:
    """ "until May 2, 2025" is a plan, not news."""
    words = re.findall(r"[a-z]+", text[max(0, found.start() - 30) : found.start()].lower())
    return bool(_FUTURE_WORDS & set(words[-2:]))


def _covered(offset: int, spans: list[Span], reasons: set[str] | None = None) -> bool:
    return any(
        span.start <= offset <= span.end and (reasons is None or span.reason in reasons)
        for span in spans
    )


def _lines(text: str) -> list[tuple[str, int]]:
    lines, start = [], 0
    for line in text.split("\n"):
        lines.append((line, start))
        start += len(line) + 1
    return lines
