"""When: dates in the text, resolved against the article's own date.

Editors date an event by what the article says ("on February 9", "last week", "in 2017") and fall
back to the article's date, so the same is done here. "Since 2019" or "until 2025" bound a period
rather than date an event, and are left alone.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

DAY, MONTH, YEAR = "day", "month", "year"

_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS |= {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}
_MONTHS["sept"] = 9
_WEEKDAYS = {name.lower(): number for number, name in enumerate(calendar.day_name)}
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "a": 1}  # fmt: skip

_MONTH = "|".join(sorted(calendar.month_name[1:], key=len, reverse=True))
_MONTH += r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\."
DATE = re.compile(
    rf"\b(?:(?P<month>{_MONTH}) (?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:, (?P<year>\d{{4}}))?"
    rf"|(?P<day2>\d{{1,2}}) (?P<month2>{_MONTH}) ?(?P<year2>\d{{4}})?"
    rf"|(?:in |early |late |mid-|since |until |by )?(?P<month3>{_MONTH})(?: (?P<year3>\d{{4}}))?"
    r"|(?P<bound>since |until |till |by |through |[Ii]n )(?P<year4>(?:19|20)\d\d)\b"
    r"|(?:on |last |this |next )?(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|"
    r"Saturday|Sunday)"
    r"|(?i:(?P<relative>yesterday|today|(?:last|this|earlier this|later this) (?:week|month|"
    r"year)))|(?i:(?P<ago>one|two|three|four|five|six|seven|eight|nine|ten|a|\d+) "
    r"(?P<ago_unit>years?|months?|weeks?|days?) ago))\b"
)


@dataclass(frozen=True)
class When:
    value: date
    precision: str
    start: int


def _month_number(name: str) -> int:
    return _MONTHS[name.lower().rstrip(".")]


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _resolve(match: re.Match, published: date | None, precision: str) -> tuple[date, str] | None:
    groups = match.groupdict()
    year = published.year if published else None
    if groups["month"] or groups["month2"]:
        month = _month_number(groups["month"] or groups["month2"])
        day = int(groups["day"] or groups["day2"])
        given = groups["year"] or groups["year2"]
        value = _safe(int(given), month, day) if given else year and _safe(year, month, day)
        if value and not given and published and (value - published).days > 31:
            value = _safe(value.year - 1, month, day)  # "on December 20" in a January story
        return (value, DAY) if value else None
    if groups["month3"]:
        if match.group().lower().startswith(("since", "until", "by")):
            return None
        given = groups["year3"]
        return (
            (date(int(given or year), _month_number(groups["month3"]), 1), MONTH)
            if (given or year)
            else None
        )
    if groups["year4"]:
        if groups["bound"].strip().lower() != "in":
            return None
        return date(int(groups["year4"]), 1, 1), YEAR
    if published is None:
        return None
    if groups["weekday"]:
        if precision != DAY:  # "on Monday" in an article known only to the month
            return published, precision
        back = (published.weekday() - _WEEKDAYS[groups["weekday"].lower()]) % 7
        return published - timedelta(days=back), DAY
    if groups["relative"]:
        phrase = groups["relative"].lower()
        if phrase == "today":
            return published, DAY
        if phrase == "yesterday":
            return published - timedelta(days=1), DAY
        if phrase == "last week":
            return (published - timedelta(days=7)).replace(day=1), MONTH
        if phrase == "last month":
            previous = published.replace(day=1) - timedelta(days=1)
            return previous.replace(day=1), MONTH
        if phrase == "last year":
            return date(published.year - 1, 1, 1), YEAR
        if phrase.endswith("year"):
            return date(published.year, 1, 1), YEAR
        return published.replace(day=1), MONTH
    count_word = groups["ago"].lower()
    count = int(count_word) if count_word.isdigit() else _NUMBER_WORDS[count_word]
    unit = groups["ago_unit"].lower().rstrip("s")
    if unit == "year":
        return date(published.year - count, 1, 1), YEAR
    if unit == "month":
        months = published.year * 12 + published.month - 1 - count
        return date(months // 12, months % 12 + 1, 1), MONTH
    step = timedelta(days=count * (7 if unit == "week" else 1))
    return published - step, DAY if unit == "day" else MONTH


def find_dates(text: str, published: date | None, precision: str = DAY) -> list[When]:
    """Every date in `text` that can be resolved, month- and year-precise ones on their 1st.

    `precision` is the published date's: weekdays resolve only against a day-precise one.
    """
    found = []
    for match in DATE.finditer(text):
        try:
            resolved = _resolve(match, published, precision)
        except (ValueError, OverflowError):  # off the calendar: "99999 years ago", "January 0000"
            continue
        if resolved:
            value, precision = resolved
            if precision == MONTH:
                value = value.replace(day=1)
            found.append(When(value, precision, match.start()))
    return found
