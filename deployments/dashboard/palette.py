"""Colours and marker symbols shared by every chart, so a contributor looks the same everywhere.

The colours are colour-blind safe: Okabe and Ito's eight first, then Paul Tol's "muted" and
"light" sets. The contributors readers meet most often have fixed colours; any other code gets
one from the rest of the palette by a CRC-32 of the code, which (unlike Python's `hash()`) is
the same in every process, so a chart rendered by another worker or exported later matches.
"""

from __future__ import annotations

import zlib

OKABE_ITO = (
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#009E73",  # bluish green
    "#F0E442",  # yellow
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#000000",  # black
)
TOL_MUTED = (
    "#CC6677",  # rose
    "#332288",  # indigo
    "#DDCC77",  # sand
    "#117733",  # green
    "#88CCEE",  # cyan
    "#882255",  # wine
    "#44AA99",  # teal
    "#999933",  # olive
    "#AA4499",  # purple
)
TOL_LIGHT = (
    "#77AADD",  # light blue
    "#EE8866",  # orange
    "#EEDD88",  # light yellow
    "#FFAABB",  # pink
    "#99DDFF",  # light cyan
    "#44BB99",  # mint
    "#BBCC33",  # pear
    "#AAAA00",  # olive
)
PALETTE = OKABE_ITO + TOL_MUTED + TOL_LIGHT

FIXED = {
    "US": "#0072B2",
    "NATO": "#56B4E9",
    "RU": "#D55E00",
    "NL": "#E69F00",
    "DE": "#009E73",
    "GB": "#CC79A7",
    "DK": "#882255",
    "PL": "#CC6677",
    "FR": "#332288",
    "LT": "#117733",
    "EE": "#44AA99",
    "LV": "#AA4499",
    "CA": "#999933",
    "BY": "#000000",
    "EU": "#DDCC77",
}

# Hashed codes draw from the colours no fixed contributor uses, so they never look like one.
HASHED = tuple(c for c in PALETTE if c not in FIXED.values())

MISSING = "#777777"


def colour(code: str) -> str:
    """The contributor's colour: fixed for the frequent ones, a stable hash for the rest."""
    if code in FIXED:
        return FIXED[code]
    if not code:
        return MISSING
    return HASHED[zlib.crc32(code.encode("utf-8")) % len(HASHED)]


# Filled symbols: forces on the ground. Open symbols: what is not (yet) there.
KIND_SYMBOLS = {
    "presence": "circle",
    "increase": "triangle-up",
    "decrease": "triangle-down",
    "exercise": "square",
    "pledge": "diamond-open",
    "request": "star-open",
    "readiness": "hexagon-open",
    "agreement": "cross-open",
    "other": "circle-open",
}

KIND_LABELS = {
    "presence": "presence",
    "increase": "increase",
    "decrease": "decrease",
    "exercise": "exercise",
    "pledge": "pledge",
    "request": "request",
    "readiness": "on alert",
    "agreement": "agreement",
    "other": "other",
}
"""Short, so the symbol key fits three to a line on a phone."""


def symbol(kind: str) -> str:
    return KIND_SYMBOLS.get(kind, KIND_SYMBOLS["other"])


def is_open(symbol_name: str) -> bool:
    return symbol_name.endswith("-open")


def pale(hex_colour: str, share: float) -> str:
    """`hex_colour` mixed with white, `share` of it (0 to 1), as an opaque "#rrggbb"."""
    channels = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(255 - (255 - c) * share):02x}" for c in channels)
