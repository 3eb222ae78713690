"""What the filter form offers: hosts and contributors in use, every kind and unit.

Menus list only the countries and contributors that published events use, so a reader never picks
an option that empties the page; a value already chosen (from a shared link) is always offered so
it stays selected. A menu becomes a multiple select when the link chose several values, so
submitting the form again never drops one. Pure: the codes in use are passed in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from django_countries import countries

from deployments.records.contributors import contributor_name, is_contributor
from deployments.records.models import EventKind, Unit

from .filters import EventFilters


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    selected: bool


@dataclass(frozen=True)
class Menu:
    name: str
    label: str
    any_label: str
    options: tuple[Option, ...]

    @property
    def multiple(self) -> bool:
        return sum(option.selected for option in self.options) > 1


@dataclass(frozen=True)
class FilterForm:
    menus: tuple[Menu, ...]
    date_from: str
    date_to: str
    q: str


def chosen_from_filters(filters: EventFilters) -> dict[str, list[str]]:
    return {
        "host": list(filters.host),
        "contributor": list(filters.contributor),
        "kind": list(filters.kind),
        "unit": list(filters.unit),
        "from": [filters.date_from.isoformat()] if filters.date_from else [],
        "to": [filters.date_to.isoformat()] if filters.date_to else [],
        "q": [filters.q] if filters.q else [],
        "disputed": [filters.disputed] if filters.disputed != "include" else [],
    }


def chosen_from_query(data) -> dict[str, list[str]]:
    """The values as given, for redisplaying the form beside an error about one of them."""
    case = {
        "host": str.upper,
        "contributor": str.upper,
        "kind": str.lower,
        "unit": str.lower,
        "disputed": str.lower,
    }
    chosen = {}
    for name in ("host", "contributor", "kind", "unit", "from", "to", "q", "disputed"):
        normalize = case.get(name, str)
        chosen[name] = [normalize(v.strip()) for v in data.getlist(name) if v.strip()]
    return chosen


def _menu(
    name: str,
    label: str,
    any_label: str,
    choices: Iterable[tuple[str, str]],
    chosen: Sequence[str],
    extra: Callable[[str], str | None] | None = None,
) -> Menu:
    options = dict(choices)
    if extra:
        for value in chosen:
            if value not in options and (extra_label := extra(value)):
                options[value] = extra_label
    return Menu(
        name=name,
        label=label,
        any_label=any_label,
        options=tuple(Option(v, text, v in chosen) for v, text in options.items()),
    )


def _by_label(codes: Iterable[str], name: Callable[[str], str]) -> list[tuple[str, str]]:
    return sorted(((code, name(code)) for code in codes), key=lambda pair: pair[1].casefold())


def _country_name(code: str) -> str | None:
    return countries.name(code) or None if len(code) == 2 else None


def _contributor_label(code: str) -> str | None:
    return contributor_name(code) if is_contributor(code) else None


def filter_form(
    chosen: Mapping[str, Sequence[str]],
    hosts_in_use: Iterable[str],
    contributors_in_use: Iterable[str],
) -> FilterForm:
    first = {name: values[0] if values else "" for name, values in chosen.items()}
    return FilterForm(
        menus=(
            _menu(
                "host",
                "Host country",
                "any host",
                _by_label(hosts_in_use, lambda code: countries.name(code) or code),
                chosen.get("host", ()),
                _country_name,
            ),
            _menu(
                "contributor",
                "Contributor",
                "any contributor",
                _by_label(contributors_in_use, contributor_name),
                chosen.get("contributor", ()),
                _contributor_label,
            ),
            _menu("kind", "Kind", "any kind", EventKind.choices, chosen.get("kind", ())),
            _menu("unit", "Unit", "any unit", Unit.choices, chosen.get("unit", ())),
            _menu(
                "disputed",
                "Disputed events",
                "included",
                [("exclude", "left out"), ("only", "only these")],
                chosen.get("disputed", ()),
            ),
        ),
        date_from=first.get("from", ""),
        date_to=first.get("to", ""),
        q=first.get("q", ""),
    )
