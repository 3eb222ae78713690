"""One-paragraph plain-text descriptions of the charts, from the same data as the figures.

They are the charts' alt text and the text a screen reader or a text-only reader gets, so they
state the figures with their qualifiers, never more precisely than the records do. Plain text:
templates escape it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING

from .charts import (
    NO_HOST,
    Bin,
    Point,
    contributor_label,
    date_label,
    host_label,
    level_label,
    quantity_label,
    range_label,
    says_nothing,
)

if TYPE_CHECKING:
    from deployments.records.forces import Level

NO_EVENTS = "No published events match these filters."
MOST_LISTED = 3
CHANGES_LISTED = 4


def _count(number: int, one: str, many: str | None = None) -> str:
    return f"{number:,} {one if number == 1 else (many or one + 's')}"


def _listing(items: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _most(counts: Counter[str]) -> str:
    top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:MOST_LISTED]
    return _listing([f"{name} ({count:,})" for name, count in top])


def describe_timeline(points: Sequence[Point]) -> str:
    if not points:
        return NO_EVENTS
    first = min(points, key=lambda p: p.date)
    last = max(points, key=lambda p: p.date)
    if first.date == last.date:
        when = f"on {date_label(first.date, first.date_precision)}"
    else:
        when = (
            f"from {date_label(first.date, first.date_precision)}"
            f" to {date_label(last.date, last.date_precision)}"
        )
    hosts = Counter(p.host_name or p.host for p in points if p.host)
    without = sum(1 for p in points if not p.host)
    contributors = {p.contributor: p.contributor_name or p.contributor for p in points}
    if len(hosts) == 1:
        where = f"in {next(iter(hosts))}"
    else:
        where = f"in {_count(len(hosts), 'host country', 'host countries')}"
    if without:
        alone = _count(without, "event")
        where = f"{where} and {alone} without a single host" if hosts else "with no single host"
    if len(contributors) == 1:
        whose = next(iter(contributors.values()))
    else:
        whose = _count(len(contributors), "contributor")
    sentences = [f"{_count(len(points), 'event')} {when} {where}, from {whose}."]
    if len(hosts) > 1:
        sentences.append(f"Most events: {_most(hosts)}.")
    troop_figures = [p for p in points if p.quantity is not None and p.unit == "troops"]
    if troop_figures:
        largest = max(troop_figures, key=lambda p: (p.quantity, -p.id))
        place = f" in {largest.host_name}" if largest.host else ""
        sentences.append(
            f"Largest troop figure: {largest.contributor_name}{place}, "
            f"{quantity_label(largest.quantity, largest.qualifier, largest.unit)} "
            f"({date_label(largest.date, largest.date_precision)})."
        )
    disputed = sum(1 for p in points if p.disputed)
    if disputed:
        sentences.append(f"{_count(disputed, 'event')} disputed by the sources.")
    return " ".join(sentences)


def describe_density(bins: Sequence[Bin], total: int, *, rows: str = "host") -> str:
    if not total or not any(b.events for b in bins):
        return NO_EVENTS
    busy = [b for b in bins if b.events]
    first = min(b.month for b in busy)
    last = max(b.month for b in busy)
    per_row: Counter[str] = Counter()
    for b in busy:
        per_row[b.row_name if b.row else NO_HOST] += b.events
    if rows == "host":
        where = f"in {_count(len(per_row), 'host country', 'host countries')}"
    else:
        where = f"from {_count(len(per_row), 'contributor')}"
    busiest = max(busy, key=lambda b: (b.events, b.month))
    busiest_name = busiest.row_name if busiest.row else NO_HOST
    return (
        f"{_count(total, 'event')} from {date_label(first, 'month')} to {date_label(last, 'month')}"
        f" {where}, shown as monthly counts. "
        f"Most events: {_most(per_row)}. "
        f"Busiest month: {busiest_name}, {date_label(busiest.month, 'month')} "
        f"({_count(busiest.events, 'event')})."
    )


def _total_phrase(levels: Sequence[Level]) -> str:
    troops = sum(level.troops for level in levels)
    low = sum(level.low for level in levels)
    if all(level.low == level.high == level.troops for level in levels):
        return f"{troops:,} troops"
    if any(level.high is None for level in levels):
        if troops == low:
            return f"at least {troops:,} troops"
        return f"about {troops:,} troops (at least {low:,})"
    high = sum(level.high or 0 for level in levels)
    return f"about {troops:,} troops ({range_label(troops, low, high)})"


def _share(level: Level, names: Mapping[str, str], *, alone: bool = False) -> str:
    """A contributor's part, e.g. Germany (at least 350, baseline unknown).

    Alone at a host, its figure is already the host's total and is not repeated.
    """
    name = names.get(level.contributor, level.contributor)
    if level.remainder_of:
        name = f"other {name} troops"
    notes = [] if alone else [level_label(level.troops, level.low, level.high)]
    if not alone and level.high is None and level.low != level.troops:
        notes.append(f"at least {level.low:,}")
    if not level.baseline_known:
        notes.append("baseline unknown")
    return f"{name} ({', '.join(notes)})" if notes else name


def describe_totals(
    levels: Sequence[Level],
    as_of: date,
    host_names: Mapping[str, str],
    contributor_names: Mapping[str, str],
) -> str:
    when = f"As of {date_label(as_of)}"
    levels = [level for level in levels if not says_nothing(level)]
    if not levels:
        return f"{when}, no troop levels are known for these filters."
    by_host: dict[str, list[Level]] = defaultdict(list)
    for level in levels:
        by_host[level.host].append(level)
    hosts = sorted(
        by_host,
        key=lambda h: (-sum(lv.troops for lv in by_host[h]), host_label(h, host_names)),
    )
    sentences = [
        f"{when}, {_count(len(hosts), 'host country', 'host countries')} "
        f"{'has' if len(hosts) == 1 else 'have'} known troop levels."
    ]
    for host in hosts:
        # National contingents first, then what an alliance adds beyond them.
        mine = sorted(
            by_host[host], key=lambda lv: (bool(lv.remainder_of), -lv.troops, lv.contributor)
        )
        alone = len(mine) == 1
        shares = _listing([_share(level, contributor_names, alone=alone) for level in mine])
        sentences.append(f"{host_label(host, host_names)}: {_total_phrase(mine)} from {shares}.")
    if any(level.remainder_of for level in levels):
        sentences.append(
            "Alliance figures count only troops not already listed as a national contingent."
        )
    return " ".join(sentences)


def _history(levels: Sequence[Level]) -> str:
    def step(level: Level) -> str:
        return f"{level_label(level.troops, level.low, level.high)} from {date_label(level.date)}"

    if len(levels) <= CHANGES_LISTED:
        text = ", then ".join(step(level) for level in levels)
    else:
        middle = _count(len(levels) - 2, "more change")
        text = f"{step(levels[0])}, then {middle}, then {step(levels[-1])}"
    if not levels[-1].baseline_known:
        text += " (a lower bound: baseline unknown)"
    return text


def describe_levels(
    series: Mapping[str, Sequence[Level]],
    host_name: str,
    contributor_names: Mapping[str, str],
) -> str:
    drawn = {
        code: sorted(levels, key=lambda level: level.date)
        for code, levels in series.items()
        if levels
    }
    if not drawn:
        return f"No troop levels are known for {host_name}."
    order = sorted(drawn, key=lambda code: (-drawn[code][-1].troops, code))
    parts = [
        f"{contributor_label(code, drawn[code][-1].remainder_of, contributor_names)}: "
        f"{_history(drawn[code])}"
        for code in order
    ]
    return (
        f"Troop levels in {host_name} over time, for "
        f"{_count(len(drawn), 'contributor')}: {'; '.join(parts)}."
    )
