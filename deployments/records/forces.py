"""Force levels: the arithmetic behind force totals (DESIGN.md, "Force levels").

Plain data in, plain data out, so the rules are tested without a database. For one host and one
contributor, the level on a day is the latest `presence` on or before it (the highest id wins a
tie on the same date) plus the increases and minus the decreases dated after it; a presence
already includes the changes of its own date. Without a presence the level is the sum of the
changes, a lower bound with no upper limit. Qualifiers give ranges (`QUALIFIER_RANGE`) that add
up alongside the nominal figure, and every level carries the ids of the events it rests on.

Nested contributors are counted once. A national contingent serving in an alliance formation
(the Dutch troops in NATO's battlegroup in Lithuania) is counted under its own country, and the
alliance's row for that host shows only the remainder its members' levels do not account for,
never below zero, and no row at all when nothing remains. A host's total is therefore never the
alliance plus its members.
"""

from __future__ import annotations

from bisect import insort
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from operator import attrgetter

_PRESENCE = "presence"
_INCREASE = "increase"
_DECREASE = "decrease"
_COUNTED_KINDS = frozenset({_PRESENCE, _INCREASE, _DECREASE})
_TROOPS = "troops"


@dataclass(frozen=True)
class Record:
    """One event, as plain data."""

    id: int
    date: date
    host: str
    contributor: str
    kind: str
    quantity: int | None
    qualifier: str
    unit: str
    serves_under: str = ""


@dataclass(frozen=True)
class Level:
    """A troop level with its range and the events it rests on. `high` None: no upper bound."""

    host: str
    contributor: str
    date: date
    troops: int
    low: int
    high: int | None
    baseline_known: bool
    event_ids: tuple[int, ...]
    remainder_of: tuple[str, ...] = ()


QUALIFIER_RANGE: dict[str, Callable[[int], tuple[int, int | None]]] = {
    "exact": lambda n: (n, n),
    "about": lambda n: (round(0.9 * n), round(1.1 * n)),
    "at_least": lambda n: (n, None),
    "up_to": lambda n: (0, n),
}
"""(low, high) for a quantity N: exact N is [N, N]; about N is [round(0.9N), round(1.1N)];
at_least N is [N, no upper bound]; up_to N is [0, N]. The nominal figure is N in every case;
Python's round() takes halves to even."""


def counted(record: Record) -> bool:
    """Only stated troop figures in a host country move a level."""
    return (
        record.unit == _TROOPS
        and record.quantity is not None
        and record.kind in _COUNTED_KINDS
        and bool(record.host)
    )


class _Tally:
    """A presence (or none) plus changes, in exact integers.

    Unbounded sides are flags rather than infinities so that every path (one pair, all pairs,
    series) gives identical integers.
    """

    __slots__ = ("base", "high", "high_unbounded", "ids", "low", "low_unbounded", "troops")

    def __init__(self, base: Record | None = None) -> None:
        self.base = base
        self.troops = self.low = self.high = 0
        self.low_unbounded = False
        self.high_unbounded = base is None
        self.ids: list[int] = []
        if base is not None:
            low, high = QUALIFIER_RANGE[base.qualifier](base.quantity)
            self.troops, self.low = base.quantity, low
            if high is None:
                self.high_unbounded = True
            else:
                self.high = high
            self.ids.append(base.id)

    def add(self, change: Record) -> None:
        low, high = QUALIFIER_RANGE[change.qualifier](change.quantity)
        if change.kind == _INCREASE:
            self.troops += change.quantity
            self.low += low
            if high is None:
                self.high_unbounded = True
            else:
                self.high += high
        else:
            self.troops -= change.quantity
            self.high -= low
            if high is None:
                self.low_unbounded = True
            else:
                self.low -= high
        insort(self.ids, change.id)

    def level(self, host: str, contributor: str, day: date) -> Level:
        return Level(
            host=host,
            contributor=contributor,
            date=day,
            troops=max(0, self.troops),
            low=0 if self.low_unbounded else max(0, self.low),
            high=None if self.high_unbounded else max(0, self.high),
            baseline_known=self.base is not None,
            event_ids=tuple(self.ids),
        )


def _tally(pair_records: Iterable[Record]) -> _Tally:
    """The tally for one pair's counted records (all already on or before the day)."""
    pair_records = list(pair_records)
    presences = [r for r in pair_records if r.kind == _PRESENCE]
    base = max(presences, key=attrgetter("date", "id"), default=None)
    tally = _Tally(base)
    for record in pair_records:
        if record.kind != _PRESENCE and (base is None or record.date > base.date):
            tally.add(record)
    return tally


def level_on(records: Iterable[Record], host: str, contributor: str, day: date) -> Level | None:
    """One pair's own level (no nesting); None when no counted event is on or before `day`."""
    mine = [
        r
        for r in records
        if r.host == host and r.contributor == contributor and r.date <= day and counted(r)
    ]
    if not mine:
        return None
    return _tally(mine).level(host, contributor, day)


def _remainder(alliance: Level, members: list[Level], day: date) -> Level:
    """What the alliance's level leaves after its members' levels at the same host."""
    troops = alliance.troops - sum(m.troops for m in members)
    unbounded = any(m.high is None for m in members)
    low = 0 if unbounded else alliance.low - sum(m.high for m in members)
    high = None if alliance.high is None else alliance.high - sum(m.low for m in members)
    ids = sorted({*alliance.event_ids, *(i for m in members for i in m.event_ids)})
    return Level(
        host=alliance.host,
        contributor=alliance.contributor,
        date=day,
        troops=max(0, troops),
        low=max(0, low),
        high=None if high is None else max(0, high),
        baseline_known=alliance.baseline_known,
        event_ids=tuple(ids),
        remainder_of=tuple(sorted(m.contributor for m in members)),
    )


def _serves_under(record: Record) -> str:
    """The alliance a counted record places its contributor in, ignoring self-reference."""
    return record.serves_under if record.serves_under != record.contributor else ""


def levels_on(records: Iterable[Record], day: date) -> list[Level]:
    """Every host and contributor with a level on `day`, nesting applied.

    Sorted by host, then largest first.
    """
    by_pair: dict[tuple[str, str], list[Record]] = defaultdict(list)
    members: dict[tuple[str, str], set[str]] = defaultdict(set)
    for record in records:
        if record.date <= day and counted(record):
            by_pair[record.host, record.contributor].append(record)
            if alliance := _serves_under(record):
                members[record.host, alliance].add(record.contributor)

    own = {pair: _tally(pair_records).level(*pair, day) for pair, pair_records in by_pair.items()}
    levels = []
    for (host, contributor), level in own.items():
        member_levels = [own[host, m] for m in sorted(members.get((host, contributor), ()))]
        if member_levels:
            level = _remainder(level, member_levels, day)
            if level.troops == 0:
                continue
        levels.append(level)
    levels.sort(key=lambda lv: (lv.host, -lv.troops, lv.contributor))
    return levels


def _own_steps(pair_records: list[Record], host: str, contributor: str) -> list[Level]:
    """One pair's level after each date of its counted events; records sorted by date."""
    steps = []
    tally = _Tally()
    for day, same_day in groupby(pair_records, key=attrgetter("date")):
        same_day = list(same_day)
        presences = [r for r in same_day if r.kind == _PRESENCE]
        if presences:
            tally = _Tally(max(presences, key=attrgetter("id")))
        else:
            for change in same_day:
                tally.add(change)
        steps.append(tally.level(host, contributor, day))
    return steps


def _remainder_steps(
    alliance: str,
    own: dict[str, list[Level]],
    joined: dict[str, date],
) -> list[Level]:
    """The alliance's remainder at each date where it or one of its current members changed.

    Members' sums are kept running (subtract the old level, add the new), so the walk is
    linear in the number of steps apart from assembling each point's event ids.
    """
    changes: list[tuple[date, str, Level]] = sorted(
        (step.date, contributor, step)
        for contributor in (alliance, *joined)
        for step in own[contributor]
    )
    current: dict[str, Level] = {}
    active: set[str] = set()
    troops = low = high = unbounded = 0
    points = []

    for day, at_day in groupby(changes, key=lambda change: change[0]):
        touched = False
        for _, contributor, step in at_day:
            if contributor != alliance:
                if contributor in active:
                    previous = current[contributor]
                    troops -= previous.troops
                    low -= previous.low
                    if previous.high is None:
                        unbounded -= 1
                    else:
                        high -= previous.high
                if day >= joined[contributor]:
                    active.add(contributor)
                    troops += step.troops
                    low += step.low
                    if step.high is None:
                        unbounded += 1
                    else:
                        high += step.high
            touched = touched or contributor == alliance or contributor in active
            current[contributor] = step
        if alliance not in current or not touched:
            continue
        mine = current[alliance]
        if not active:
            points.append(mine)
            continue
        ids = {*mine.event_ids}
        for member in active:
            ids.update(current[member].event_ids)
        points.append(
            Level(
                host=mine.host,
                contributor=alliance,
                date=day,
                troops=max(0, mine.troops - troops),
                low=0 if unbounded else max(0, mine.low - high),
                high=None if mine.high is None else max(0, mine.high - low),
                baseline_known=mine.baseline_known,
                event_ids=tuple(sorted(ids)),
                remainder_of=tuple(sorted(active)),
            )
        )
    return points


def series(records: Iterable[Record], host: str) -> dict[str, list[Level]]:
    """Per contributor, its level after each date on which one of its counted events falls.

    Nesting applied: an alliance's points are its remainder, taken also at its members' dates.
    A remainder point of 0 is kept (a line must come down), but an alliance whose remainder is
    0 throughout is left out, as `levels_on` leaves it out. Sorted once, then walked.
    """
    mine = sorted(
        (r for r in records if r.host == host and counted(r)),
        key=attrgetter("contributor", "date", "id"),
    )
    own: dict[str, list[Level]] = {}
    joined: dict[str, dict[str, date]] = defaultdict(dict)
    for contributor, pair_records in groupby(mine, key=attrgetter("contributor")):
        pair_records = list(pair_records)
        own[contributor] = _own_steps(pair_records, host, contributor)
        for record in pair_records:
            if alliance := _serves_under(record):
                joined[alliance].setdefault(contributor, record.date)

    result = {}
    for contributor, steps in own.items():
        if joined.get(contributor):
            steps = _remainder_steps(contributor, own, joined[contributor])
            if not any(step.troops for step in steps):
                continue
        result[contributor] = steps
    return result
