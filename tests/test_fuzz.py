"""Property-based fuzzing of every public input: no 500 anywhere, and a bad value is refused
with a message that names the problem.

- Reader URLs: arbitrary and near-valid query strings (the real parameter names with mutated
  values) and path segments. The expected outcome comes from `Rules`, a small model of the
  documented parameters written independently of `dashboard.filters`: a 400 must name a
  parameter the model finds wrong (and quote its value), and a query the model accepts must
  answer 200. Chart images are drawn by Chromium, so their parser is fuzzed directly with many
  examples, the view mostly with requests it must refuse, and only a handful are drawn.
- Import inputs: arbitrary bytes, text and file names through decoding, web pages, metadata,
  boilerplate, storing, `import_articles` and the admin's *Add article*: an article or the
  project's own ArticleTextError (a form error in the admin), never half an article.
- Quote inputs: arbitrary quotes, occurrences and offsets through the citation form, the
  event admin's citation inline and the Citation table; arbitrary text through the extraction
  assistant.

The Django test client re-raises any exception a view lets out, so an unhandled one fails the
test as surely as a 500 would.
"""

from __future__ import annotations

import html
import re
import tempfile
from datetime import date, datetime
from io import StringIO
from itertools import pairwise
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.urls import reverse
from django_countries import countries
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import event as note_event
from hypothesis import strategies as st

from deployments.dashboard import chart_images, images
from deployments.dashboard.filters import FilterError
from deployments.extraction.extractor import extract
from deployments.ingest.articles import (
    FORMATS,
    ArticleTextError,
    check_text,
    decode_article_bytes,
    read_page,
    read_upload,
)
from deployments.ingest.boilerplate import boilerplate_spans
from deployments.ingest.importing import StoreStatus, store_text
from deployments.ingest.metadata import infer_metadata
from deployments.records.citations import _fold, context, locate, sentence_bounds
from deployments.records.forms import ArticleForm, CitationForm
from deployments.records.models import (
    Article,
    Citation,
    Event,
    Outlet,
    Precision,
    Qualifier,
    Unit,
)
from tests.factories import cite, make_article, make_event, make_outlet

pytestmark = pytest.mark.django_db

# Fixtures are shared by the examples of a test (each example cleans up after itself or counts
# rows before and after); a browser start or a big file makes a slow example, not a bad test.
SUPPRESSED = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


def fuzz(examples: int):
    """Settings for a fuzz test: `examples` inputs and no deadline (a first call may start
    Chromium or fill a cache)."""
    return settings(max_examples=examples, deadline=None, suppress_health_check=SUPPRESSED)


# --- The rules: what the README says a reader URL accepts ------------------------------------

ISO_CODES = frozenset(code for code, _ in countries)
KINDS = frozenset(Event.Kind.values)
UNITS = frozenset(Unit.values)
FILTERS = ("host", "contributor", "kind", "unit", "from", "to", "q", "disputed")
CHART_ONLY = ("view_from", "view_to", "width", "height", "scale")
PARAMS = (*FILTERS, "rows", "as_of", *CHART_ONLY)
# Messages about a combination rather than one value: they need not quote a value.
COMBINATIONS = (
    "characters; at most",  # q too long
    "contains a NUL character",
    "give view_from and view_to together",
    "needs exactly one host",
    "has no date axis to zoom",
    "does not apply to force totals",
)


def organisations() -> frozenset[str]:
    return frozenset(django_settings.CONTRIBUTOR_ORGANISATIONS)


def a_date(value: str) -> date | None:
    """YYYY-MM-DD, ASCII digits, a real day: the only date form the README promises."""
    shape = len(value) == 10 and value[4] == value[7] == "-"
    digits = value[:4] + value[5:7] + value[8:]
    if not (shape and digits.isascii() and digits.isdigit()):
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        return None


def a_number(value: str, kind: type, low: float, high: float) -> bool:
    try:
        number = kind(value)
    except ValueError:
        return False
    return low <= number <= high


def value_ok(name: str, value: str) -> bool:
    """Whether one value of one parameter is acceptable on its own (blank ones are ignored)."""
    value = value.strip()
    if not value:
        return True
    if name == "host":
        return value.isascii() and value.upper() in ISO_CODES
    if name == "contributor":
        return value.isascii() and value.upper() in ISO_CODES | organisations()
    if name in ("kind", "unit"):
        return value.isascii() and value.lower() in (KINDS if name == "kind" else UNITS)
    if name in ("from", "to", "as_of", "view_from", "view_to"):
        return a_date(value) is not None
    if name == "q":
        return len(value) <= 200 and "\x00" not in value
    if name == "disputed":
        return value.lower() in ("include", "exclude", "only")
    if name == "rows":
        return value in ("host", "contributor")
    if name in ("width", "height"):
        return a_number(value, int, 300, 4000)
    if name == "scale":
        return a_number(value, float, 1, 4)
    return True


def given_values(query, name: str) -> list[str]:
    return list(dict.fromkeys(v.strip() for v in query.getlist(name) if v.strip()))


class Rules:
    """Which parameters of a query are wrong for one endpoint: an empty set means 200."""

    def __init__(self, query: QueryDict) -> None:
        self.query = query
        self.bad: set[str] = set()

    def values(self, name: str) -> list[str]:
        return given_values(self.query, name)

    def one(self, name: str) -> str | None:
        values = self.values(name)
        if len(values) > 1 or not all(value_ok(name, v) for v in values):
            self.bad.add(name)
            return None
        return values[0] if values else None

    def many(self, name: str) -> list[str]:
        values = self.values(name)
        if not all(value_ok(name, v) for v in values):
            self.bad.add(name)
        return values

    def filters(self) -> None:
        for name in ("host", "contributor", "kind", "unit"):
            self.many(name)
        start, end = self.one("from"), self.one("to")
        if start and end and a_date(start) > a_date(end):
            self.bad.add("from")
        for name in ("q", "disputed"):
            self.one(name)

    def view(self) -> bool:
        start, end = self.one("view_from"), self.one("view_to")
        given = [name for name in ("view_from", "view_to") if self.values(name)]
        if len(given) == 1:
            self.bad.add("view_to" if given == ["view_from"] else "view_from")
        if start and end and a_date(start) > a_date(end):
            self.bad.add("view_from")
        return bool(given)

    def page(self, endpoint: str) -> set[str]:
        if endpoint == "event":
            return self.bad
        self.filters()
        if endpoint in ("home", "country"):
            self.one("rows")
        if endpoint in ("country", "totals", "totals_csv"):
            self.one("as_of")
        if endpoint == "totals_csv":
            for name in ("kind", "unit", "from", "to", "q"):
                if self.values(name):
                    self.bad.add(name)
        if endpoint in ("events_csv", "events_json"):
            self.view()
        return self.bad

    def chart(self, chart: str, fmt: str | None = "png", *, each_host: bool = False) -> set[str]:
        if fmt is not None and fmt not in images.FORMATS:
            self.bad.add("format")
        if chart not in chart_images.CHARTS:
            self.bad.add("chart")
        self.filters()
        hosts = {v.upper() for v in self.values("host")}
        if chart == "levels" and len(hosts) != 1 and not each_host:
            self.bad.add("host")
        if self.view() and chart == "totals":
            self.bad.update(name for name in ("view_from", "view_to") if self.values(name))
        for name in ("rows", "as_of", "width", "height", "scale"):
            self.one(name)
        return self.bad


def mentions(message: str, value: str) -> bool:
    """The message quotes the value: its first characters that repr() leaves alone."""
    prefix = ""
    for char in value:
        if not char.isprintable() or char in "'\"\\" or len(prefix) == 12:
            break
        prefix += char
    return not prefix or prefix.casefold() in message.casefold()


def assert_names_the_problem(message: str, bad: set[str], values: dict[str, list[str]]) -> None:
    """`param: what is wrong`, on one line, naming a wrong parameter and quoting its value."""
    param, colon, rest = message.partition(": ")
    assert colon and rest.strip(), f"not 'param: message': {message!r}"
    assert "\n" not in message, message
    assert param in bad, f"{message!r} names {param!r}; the wrong ones are {sorted(bad)}"
    given = values.get(param, [])
    if given and not any(words in rest for words in COMBINATIONS):
        assert any(mentions(rest, value) for value in given), f"{message!r} quotes no value"


def error_message(response) -> str:
    """The 400's message: the plain-text body of an export or image, or a page's alert."""
    body = response.content.decode()
    if response["Content-Type"].startswith("text/plain"):
        assert body.endswith("\n") and body.count("\n") == 1, body
        return body[:-1]
    found = re.search(r"This filter makes no sense:</strong> (.*?)</p>", body, re.DOTALL)
    assert found, "a 400 page without its message"
    return html.unescape(found.group(1))


# --- Strategies: query strings -----------------------------------------------------------

DATES = ["2022-01-01", "2022-02-09", "2023-06-30", "2024-02-29", "2024-12-31"]
VALID = {
    "host": ["LT", "lt", "EE", "LV", "PL", "DE", "US", "SE", "it"],
    "contributor": ["US", "NATO", "nato", "DE", "GB", "NL", "EU", "JEF", "SE", "IT"],
    "kind": sorted(KINDS),
    "unit": sorted(UNITS),
    "from": DATES,
    "to": DATES,
    "as_of": DATES,
    "view_from": DATES,
    "view_to": DATES,
    "q": ["troops", "Lithuania", "LRT", "500", "", "US troops"],
    "disputed": ["include", "exclude", "only", "ONLY"],
    "rows": ["host", "contributor"],
    "width": ["300", "640", "1200", "4000"],
    "height": ["300", "480", "700", "4000"],
    "scale": ["1", "2", "1.5", "4"],
}
# Characters that change meaning when cased, folded, stripped or decoded.
TRICKY = list("aZ09-_.%+&=;/?#'\" \t\n\r\x00\x01\x7f\xa0\u00df\u0131\u0130\u017f\u212a")
TRICKY += ["\u200b", "\ufeff", "\u0663", "\uff15", "\u2013", "\u2026", "\U0001f600", "\u0301"]
JUNK_NUMBERS = [
    "nan", "inf", "-inf", "1e3", "1e400", "1_000", "0x10", "+500", "-0", "", " ", "1,200",
    "\u0663\u0660\u0660", "\uff13\uff10\uff10", "1.0", "0.5", "4.0000001", "2" * 30,
    "9" * 5000,
]  # fmt: skip
JUNK_DATES = [
    "2022-02-30", "2023-02-29", "0000-01-01", "0001-01-01", "9999-12-31", "2022-1-1",
    "20220101", "2022/01/01", "+2022-01-01", "2022-01-01T00:00", "2022-13-01",
    "\u0662\u0660\u0662\u0662-\u0660\u0661-\u0660\u0661",
    "2022-00-10", "yesterday", "today", "-2022-01-01", "2022-01-01 ",
]  # fmt: skip
# Letters that case-map onto ASCII: long s and dotless i upper-case to S and I, Kelvin to k.
LOOKALIKES = str.maketrans(
    dict.fromkeys("sS", "\u017f") | dict.fromkeys("iI", "\u0131") | dict.fromkeys("kK", "\u212a")
)
junk_text = st.text(alphabet=st.sampled_from(TRICKY) | st.characters(codec="utf-8"), max_size=12)


def mutated(value: str) -> st.SearchStrategy[str]:
    """`value`, or a near miss of it."""
    return st.one_of(
        st.just(value),
        st.sampled_from([value.upper(), value.lower(), value.swapcase(), value * 2]),
        st.just(value.translate(LOOKALIKES)),
        st.tuples(st.sampled_from(TRICKY), st.sampled_from(TRICKY)).map(
            lambda pad: pad[0] + value + pad[1]
        ),
        st.integers(0, max(len(value) - 1, 0)).map(lambda cut: value[:cut]),
        st.tuples(st.integers(0, len(value)), st.sampled_from(TRICKY)).map(
            lambda edit: value[: edit[0]] + edit[1] + value[edit[0] + 1 :]
        ),
        st.sampled_from(JUNK_NUMBERS + JUNK_DATES),
        st.integers(-(10**30), 10**30).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(str),
        st.sampled_from(["x" * 201, "y" * 3000, "a\x00b", "%00", "%zz"]),
        junk_text,
    )


def value_for(name: str) -> st.SearchStrategy[str]:
    return st.sampled_from(VALID.get(name, ["1"])).flatmap(mutated)


UNKNOWN_NAMES = ["at", "as-of", "asof", "page", "utm_source", "", " host", "HOST", "view"]
param_name = st.sampled_from(PARAMS) | st.sampled_from(UNKNOWN_NAMES) | junk_text
pairs = st.lists(param_name.flatmap(lambda n: st.tuples(st.just(n), value_for(n))), max_size=6)
# Valid pairs, and pairs whose value the rules refuse: for requests that must fail.
valid_pair = st.sampled_from(PARAMS).flatmap(
    lambda name: st.tuples(st.just(name), st.sampled_from(VALID[name]))
)
bad_pair = st.sampled_from(PARAMS).flatmap(
    lambda name: st.tuples(
        st.just(name), value_for(name).filter(lambda value: not value_ok(name, value))
    )
)
# A raw query string: percent-encoding junk, stray separators, unicode, control characters.
raw_query = st.lists(
    st.one_of(
        st.sampled_from(
            ["&", "=", "%", "%00", "%zz", "%ff", "%e2%80", "%C3", "+", ";", "&&=", "=="]
        ),
        st.sampled_from(PARAMS).map(lambda name: f"&{name}="),
        st.text(max_size=8),
    ),
    max_size=12,
).map("".join)


def query_of(pairs_: list[tuple[str, str]]) -> str:
    return urlencode(pairs_)


# --- Reader pages ------------------------------------------------------------------------

BODY = (
    "Lithuania hosts US troops\n\n"
    "About 500 US troops rotate through Lithuania, the ministry said on February 9.\n"
    "Subscribe to our newsletter\n"
)


@pytest.fixture
def published(db):
    """One published, cited event, so that every page has a chart, a table and a total."""
    article = make_article(BODY, outlet=make_outlet("LRT"))
    event = make_event()
    cite(event, article, "About 500 US troops rotate through Lithuania")
    return event


def page_paths(event: Event) -> dict[str, str]:
    return {
        "home": reverse("dashboard:home"),
        "totals": reverse("dashboard:totals"),
        "country": reverse("dashboard:country", args=["LT"]),
        "event": reverse("dashboard:event", args=[event.pk]),
        "events_csv": reverse("dashboard:events_csv"),
        "events_json": reverse("dashboard:events_json"),
        "totals_csv": reverse("dashboard:totals_csv"),
    }


ENDPOINTS = ["home", "totals", "country", "event", "events_csv", "events_json", "totals_csv"]


def check_page(client, path: str, endpoint: str, query: str, htmx: bool) -> None:
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.get(f"{path}?{query}" if query else path, headers=headers)
    got = response.wsgi_request.GET
    bad = Rules(got).page(endpoint)
    note_event(f"{endpoint}: {response.status_code}")
    assert response.status_code != 500
    if bad:
        assert response.status_code == 400, f"{endpoint}?{query}: expected 400 for {bad}"
        values = {name: given_values(got, name) for name in PARAMS}
        assert_names_the_problem(error_message(response), bad, values)
    else:
        assert response.status_code == 200, f"{endpoint}?{query}: {response.content[:300]!r}"


@fuzz(150)
@given(endpoint=st.sampled_from(ENDPOINTS), query=pairs, htmx=st.booleans())
def test_reader_urls_answer_near_valid_queries_as_the_rules_say(
    client, published, endpoint, query, htmx
):
    check_page(client, page_paths(published)[endpoint], endpoint, query_of(query), htmx)


@fuzz(80)
@given(endpoint=st.sampled_from(ENDPOINTS), query=raw_query, htmx=st.booleans())
def test_reader_urls_survive_arbitrary_query_strings(client, published, endpoint, query, htmx):
    check_page(client, page_paths(published)[endpoint], endpoint, query, htmx)


@fuzz(120)
@given(
    code=st.one_of(
        st.sampled_from(sorted(ISO_CODES)).flatmap(mutated),
        st.text(min_size=1, max_size=6),
        st.sampled_from(["LTU", "440", "..", ".", "%2F", "XK", "\u00df", "\u017fe", "\u0130T"]),
    ),
    pk=st.one_of(st.integers(0, 2**70), st.just(None)),
)
def test_path_segments_are_a_page_or_a_404(client, published, code, pk):
    if pk is None:
        path = f"/countries/{quote(code, safe='')}/"
        ok = code.isascii() and code.upper() in ISO_CODES
    else:
        path = f"/events/{pk}/"
        ok = pk == published.pk
    response = client.get(path)
    assert response.status_code == (200 if ok else 404), path


# --- Chart images ------------------------------------------------------------------------

# A real chart three times in four.
chart_name = st.sampled_from([*chart_images.CHARTS, ""]).flatmap(
    lambda chart: st.just(chart) if chart else junk_text
)


@fuzz(500)
@given(chart=chart_name, query=pairs.map(query_of) | raw_query, each_host=st.booleans())
def test_the_chart_parser_refuses_exactly_what_the_rules_refuse(chart, query, each_host):
    data = QueryDict(query)
    bad = Rules(data).chart(chart, None, each_host=each_host)
    try:
        wanted = chart_images.parse_request(chart, data, each_host=each_host)
    except FilterError as error:
        note_event(f"refused, naming {error.param}")
        values = {name: given_values(data, name) for name in PARAMS} | {"chart": [chart]}
        assert_names_the_problem(str(error), bad, values)
        assert error.param in bad
        return
    note_event("accepted")
    assert not bad, f"accepted {query} for {chart}, but {bad} are wrong"
    width, height, scale = (given_values(data, n) for n in ("width", "height", "scale"))
    assert wanted.width == (int(width[0]) if width else 1200)
    assert wanted.height == (int(height[0]) if height else 700)
    assert wanted.scale == (float(scale[0]) if scale else 1)
    assert wanted.chart == chart


def chart_path(chart: str, fmt: str) -> str:
    return reverse("dashboard:chart_image", kwargs={"chart": chart, "fmt": fmt})


CHARTS_PATH = "/charts/"


@fuzz(80)
@given(
    chart=chart_name,
    fmt=st.sampled_from(sorted(images.FORMATS)) | junk_text,
    query=st.tuples(st.lists(valid_pair, max_size=4), bad_pair)
    .map(lambda q: [*q[0], q[1]])
    .flatmap(st.permutations),
    forced=st.sampled_from(["pair", "chart", "format"]),
)
def test_the_chart_view_refuses_a_bad_request_naming_the_parameter(
    client, published, chart, fmt, query, forced
):
    """Requests it must refuse (one wrong value at least): cheap, since nothing is drawn."""
    if forced == "chart":
        chart = f"{chart}x"
    elif forced == "format":
        fmt = f"{fmt}x"
    assume(chart and fmt and "/" not in chart + fmt)
    path = f"{CHARTS_PATH}{quote(chart, safe='')}.{quote(fmt, safe='')}"
    response = client.get(f"{path}?{query_of(query)}")
    got = response.wsgi_request.GET
    # <str:chart>.<str:fmt> splits at the last dot with something after it.
    chart, fmt = re.fullmatch(r"([^/]+)\.([^/]+)", f"{chart}.{fmt}").groups()
    bad = Rules(got).chart(chart, fmt)
    assert bad and response.status_code == 400, (chart, fmt, query)
    values = {name: given_values(got, name) for name in PARAMS}
    values |= {"chart": [chart], "format": [fmt]}
    assert_names_the_problem(error_message(response), bad, values)


SIGNATURES = {"png": b"\x89PNG\r\n\x1a\n", "svg": b"<svg", "pdf": b"%PDF"}


@fuzz(6)
@given(
    chart=st.sampled_from(chart_images.CHARTS),
    fmt=st.sampled_from(sorted(images.FORMATS)),
    size=st.tuples(
        st.sampled_from([300, 350, 640, 1200]), st.sampled_from([300, 400, 700]), st.just("1")
    )
    | st.tuples(st.integers(300, 4000), st.integers(300, 4000), st.sampled_from(["1", "1.5"])),
    view=st.booleans(),
    extra=st.lists(st.sampled_from([("contributor", "US"), ("disputed", "exclude")]), max_size=2),
)
def test_the_chart_view_draws_valid_requests(
    client, published, settings, chart, fmt, size, view, extra
):
    """A handful only: each one is drawn by Chromium. A small size plotly.js cannot lay the
    chart out in is the one valid value it may refuse, naming the width."""
    settings.IMAGE_RENDERS_PER_MINUTE = 0  # no rate limit, where there is one
    width, height, scale = size
    assume(width * height * float(scale) ** 2 <= 2_000_000)  # a few megapixels at most: fast
    query = [("host", "LT"), ("width", str(width)), ("height", str(height)), ("scale", scale)]
    if view and chart != "totals":
        query += [("view_from", "2022-01-01"), ("view_to", "2022-12-31")]
    query += extra
    assert not Rules(QueryDict(query_of(query))).chart(chart, fmt)
    response = client.get(f"{chart_path(chart, fmt)}?{query_of(query)}")
    note_event(f"{response.status_code}")
    if response.status_code == 400 and width < 500 and height < 400:
        message = error_message(response)
        assert message.startswith("width: ") and f"{width} x {height} pixels" in message
        return
    assert response.status_code == 200, response.content[:300]
    assert SIGNATURES[fmt] in response.content[:200]


# --- Import inputs -----------------------------------------------------------------------

ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1", "koi8-r", "cp1251"]
NEWS_WORDS = [
    "About", "500", "U.S.", "US", "troops", "soldiers", "NATO", "Lithuania", "Lithuanian",
    "Germany", "German", "brigade", "battalion", "F-16s", "deployed", "will send", "withdrew",
    "arrived", "pledged", "to", "in", "from 270 to 350", "more than", "nearly", "1,200",
    "two thousand", "on February 9", "May 2, 2024", "Sepember 2, 2024", "Sept. 3", "June 2022",
    "in January 0000", "99999 years ago", "99999999999999 days ago", "3 weeks ago",
    "yesterday", "last month", "on Monday", "in 2023", "1" * 400, "1,000," * 80 + "000",
    "http://a", "https://x.y/" + "a" * 1200, "https://www.lrt.lt/news/1", "rferl.org",
    "originally appeared at", "originally appeared at http://", "© 2024 Reuters",
    "Copyright", "(Reuters)", "With reporting by AP", "VILNIUS, Lithuania, May 2 (Reuters) -",
    "VILNIUS (AP) -", "Subscribe to our newsletter", "Read more:", "More from LRT",
    "Published: 2024-13-45", "2024-02-30", "(Photo: Getty Images)", "\u201c", "\u2014",
    "\u2026", "\u00a0", "\n", "\n\n", ".", ",", ";", ":", "\t", "\r\n", "\r",
]  # fmt: skip
news_text = st.lists(
    st.sampled_from(NEWS_WORDS) | st.text(max_size=6), min_size=1, max_size=40
).map(" ".join)
# Sentences the extraction assistant reads: who, how many, what, where, when.
SENTENCE_PARTS = (
    ["", "About", "More than", "Nearly", "Some", "Up to", "the"],
    ["500", "1,200", "two thousand", "a battalion of", "99999999999999999", "1.5 million", "4"],
    ["", "U.S.", "US", "American", "German", "NATO", "Dutch", "British", "Russian", "allied"],
    ["troops", "soldiers", "F-16s", "tanks", "warships", "brigade", "battlegroup", "troops,"],
    ["arrived in", "will deploy to", "withdrew from", "are stationed in", "were pledged to",
     "rotate through", "left", "requested for", "on alert near", "from 270 to 350 in"],
    ["Lithuania", "the Baltics", "Poland", "Estonia", "the country", "Rukla", "Narnia", ""],
    ["", "on February 9", "last month", "in 2023", "yesterday", "on Monday", "May 2, 2024",
     "99999 years ago", "in January 0000", "Sepember 2, 2024", "3 weeks ago"],
    [".", ",", ";", " and", "\n", ". The alliance said", "\u2014"],
)  # fmt: skip
news_sentences = st.lists(
    st.tuples(*(st.sampled_from(part) for part in SENTENCE_PARTS)).map(" ".join),
    min_size=1,
    max_size=6,
).map(" ".join)
any_text = st.one_of(news_text, news_sentences, st.text(max_size=300))


def encoded(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


BOMS = [b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b""]
file_bytes = st.one_of(
    st.binary(max_size=600),
    st.tuples(any_text, st.sampled_from(ENCODINGS)).map(lambda pair: encoded(*pair)),
    st.tuples(st.sampled_from(BOMS), st.binary(max_size=60)).map(b"".join),
    st.tuples(news_text, st.binary(max_size=8)).map(lambda pair: pair[0].encode() + pair[1]),
)
suffix = st.sampled_from([*FORMATS, ".TXT", ".Html", ".pdf", "", ".", ".txt.exe"])
# A name a browser or a file system gives a file ("." and ".." name folders).
file_name = (
    st.tuples(
        st.text(
            alphabet=st.characters(exclude_characters='/\\"\x00\r\n', exclude_categories=["Cs"]),
            min_size=1,
            max_size=20,
        ),
        suffix,
    )
    .map("".join)
    .filter(lambda name: name not in (".", ".."))
)


def assert_article_text(text: str) -> None:
    """What may become a body: UTF-8-able, `\\n` newlines, and passes the project's own check."""
    assert "\r" not in text and text.strip()
    text.encode("utf-8")
    check_text(text)


@fuzz(250)
@given(name=file_name, data=file_bytes)
def test_any_bytes_decode_to_an_article_text_or_a_clear_error(name, data):
    assume(FORMATS.get(Path(name).suffix.lower()) != "html")  # pages: the next test
    try:
        read = read_upload(name, data)
    except ArticleTextError as error:
        note_event(type(error).__name__)
        assert str(error).strip()
        return
    note_event(f"text ({read.encoding})")
    assert_article_text(read.text)
    assert read.format in ("text", "markdown")
    assert read.text == decode_article_bytes(data).text, "the admin and the command disagree"


PAGE_PARTS = [
    "<html>", "<head>", "<title>", "</title>", "<body>", "<article>", "<p>", "</p>", "<nav>",
    '<meta property="og:site_name" content="LRT">', '<meta property="og:site_name" content="">',
    '<meta property="article:published_time" content="2023-05-04T08:00:00Z">',
    '<meta property="article:published_time" content="2024-13-45">',
    '<meta name="date" content="0000-00-00">', '<link rel="canonical" href="http://a">',
    '<link rel="canonical" href="javascript:alert(1)">', '<meta property="og:url" content="">',
    "<script>var a = 1;</script>", "<![CDATA[", "<!--", "-->", "&amp;", "&#0;", "&#xD800;",
]  # fmt: skip
page_junk = st.lists(st.sampled_from(PAGE_PARTS) | news_text, max_size=12).map("".join)
# A page with a head, perhaps an article of enough words, and junk anywhere.
page_html = st.one_of(
    st.lists(st.sampled_from(PAGE_PARTS) | news_text, max_size=30).map("".join),
    st.tuples(page_junk, page_junk, news_sentences, page_junk).map(
        lambda p: f"<html><head>{p[0]}</head><body>{p[1]}<article><p>{p[2]}</p></article>{p[3]}"
    ),
)


@fuzz(40)
@given(page=page_html, encoding=st.sampled_from(["utf-8", "utf-16", "cp1252"]))
def test_any_web_page_reads_to_an_article_text_or_a_clear_error(page, encoding):
    try:
        read = read_page(encoded(page, encoding))
    except ArticleTextError as error:
        note_event(type(error).__name__)
        assert str(error).strip()
        return
    note_event("a page with text")
    assert_article_text(read.text)
    assert read.format == "html" and len(read.raw_sha256) == 64


page_dicts = st.dictionaries(
    st.sampled_from(["title", "sitename", "hostname", "date", "url", "author"]),
    st.sampled_from(["2024-13-45", "2024-02-30", "0000-01-01", "http://", " ", "x.y"])
    | st.dates().map(str)
    | st.dates()
    | st.text(max_size=20),
    max_size=4,
)


@fuzz(300)
@given(text=any_text, page=page_dicts, filename=st.text(max_size=20))
def test_metadata_and_boilerplate_of_any_text_are_well_formed_guesses(text, page, filename):
    assume(text.strip())
    spans = boilerplate_spans(text)
    for span in spans:
        assert 0 <= span.start < span.end <= len(text) and span.reason
    assert all(a.end <= b.start for a, b in pairwise(spans))
    found = infer_metadata(text, page=page, filename=filename, spans=spans)
    for guess in (found.title, found.outlet, found.url):
        assert guess is None or (isinstance(guess.value, str) and guess.note)
    if found.published is not None:
        day, precision = found.published.value, found.published.precision
        assert isinstance(day, date) and precision in Precision.values
        assert precision == "day" or day.day == 1
        assert precision != "year" or day.month == 1


def counts() -> tuple[int, int, int]:
    return Article.objects.count(), Outlet.objects.count(), Citation.objects.count()


def assert_whole_article(article: Article) -> None:
    """A stored article is one a form would accept: valid fields, its own SHA-256."""
    article.refresh_from_db()
    article.full_clean(exclude=["twin"])
    assert article.title.strip() and article.body
    assert article.outlet is None or article.outlet.name.strip()


@fuzz(80)
@given(text=any_text, filename=file_name)  # a name a file can have: no NUL, no slash
def test_storing_any_text_makes_one_whole_article_or_nothing(db, text, filename):
    before = counts()
    try:
        article, status = store_text(text, filename=filename)
    except ArticleTextError as error:
        note_event(type(error).__name__)
        assert str(error).strip()
        assert counts() == before, "a failed import left rows behind"
        return
    note_event(str(status))
    assert_whole_article(article)
    created = status == StoreStatus.CREATED
    assert counts()[0] == before[0] + created


@fuzz(30)
@given(files=st.lists(st.tuples(file_name, file_bytes), min_size=1, max_size=3))
def test_import_articles_reports_each_file_and_never_leaves_half_an_article(db, files):
    before = Article.objects.count()
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for n, (name, data) in enumerate(files):
            path = Path(folder) / f"{n}-{name}"
            path.write_bytes(data)
            paths.append(path)
        out, err = StringIO(), StringIO()
        try:
            call_command("import_articles", *map(str, paths), stdout=out, stderr=err)
            failed = False
        except CommandError as error:
            assert "could not be imported" in str(error)
            failed = True
    lines = out.getvalue().split("\n") + err.getvalue().split("\n")
    for path in paths:
        assert any(line.startswith(f"{path}: ") for line in lines), f"{path} is not reported"
    assert failed == any(": failed: " in line for line in err.getvalue().split("\n"))
    created = sum(": created article " in line for line in out.getvalue().split("\n"))
    note_event(f"created {created} of {len(paths)}")
    assert Article.objects.count() == before + created
    for article in Article.objects.all():
        assert article.body and article.title.strip()


@fuzz(40)
@given(
    body=st.one_of(st.just(""), any_text),
    upload=st.one_of(st.none(), st.tuples(file_name, file_bytes)),
    title=st.sampled_from(["", "Mine"]) | st.text(max_size=10),
)
def test_the_add_article_form_makes_one_whole_article_or_says_why(
    editor_client, body, upload, title
):
    data = {"published_precision": "day", "body": body, "title": title}
    if upload is not None:
        data["file"] = SimpleUploadedFile(upload[0], upload[1])
    before = counts()
    response = editor_client.post(reverse("admin:records_article_add"), data)
    note_event(f"{response.status_code}")
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert counts()[0] == before[0] + 1
        assert_whole_article(Article.objects.latest("pk"))
        return
    assert counts() == before, "a refused article left rows behind"
    form = response.context["adminform"].form
    assert form.errors and all(str(m).strip() for ms in form.errors.values() for m in ms)


@fuzz(150)
@given(body=any_text, upload=st.one_of(st.none(), st.tuples(file_name, file_bytes)))
def test_the_article_form_validates_any_input_without_crashing(db, body, upload):
    """The form alone (no request), so many more examples than through the admin."""
    files = {"file": SimpleUploadedFile(*upload)} if upload else {}
    form = ArticleForm(data={"published_precision": "day", "body": body}, files=files)
    note_event("valid" if form.is_valid() else "refused")
    if form.is_valid():
        assert form.read is not None and form.cleaned_data["body"] == form.read.text
        assert_article_text(form.read.text)
    else:
        assert all(str(m).strip() for ms in form.errors.values() for m in ms)


# --- Quote inputs ------------------------------------------------------------------------

QUOTE_BODY = (
    "US troops in the Baltics\n\n"
    "The United States has deployed \u201cabout 500\u201d soldiers to Lithuania \u2014 "
    "officials said 500 soldiers would stay\u2026 until spring.\n"
    "NATO allies welcomed the move. \u00a0Caf\u00e9 owners in Rukla did too."
)
FOLDS = {"\u201c": '"', "\u201d": '"', "\u2014": "-", "\u2026": "...", "\u00a0": " ", "\n": " "}


def folded(text: str) -> str:
    return _fold(text)[0].strip()


def near_quote(body: str) -> st.SearchStrategy[str]:
    """A slice of the body as a browser might paste it, a near miss of one, or anything."""

    def retyped(cut: tuple[int, int, bool]) -> str:
        start, length, fold = cut
        quote_ = body[start : start + length]
        if fold:
            for char, plain in FOLDS.items():
                quote_ = quote_.replace(char, plain)
        return quote_

    sliced = st.tuples(st.integers(0, len(body)), st.integers(0, 80), st.booleans()).map(retyped)
    return st.one_of(sliced, sliced, sliced.flatmap(mutated), st.text(max_size=40))


offset = st.one_of(
    st.integers(-(2**40), 2**40).map(str), st.sampled_from(["", "0", "abc", "1.5", " 3", "9" * 30])
)


@pytest.fixture
def quoting(db):
    article = make_article(QUOTE_BODY, title="Lithuania hosts US battalion")
    waiting = make_article(title="Curated, not imported")
    return article, waiting, make_event(status="draft")


@fuzz(200)
@given(
    quote_=near_quote(QUOTE_BODY),
    occurrence=st.one_of(
        st.just(""), st.text(max_size=10), st.tuples(offset, offset).map(":".join)
    ),
    start=offset,
    end=offset,
    on_waiting=st.booleans(),
)
def test_the_citation_form_locates_any_quote_or_says_why(
    quoting, quote_, occurrence, start, end, on_waiting
):
    article, waiting, event = quoting
    target = waiting if on_waiting else article
    data = {"event": event.pk, "article": target.pk, "quote": quote_}
    data |= {"occurrence": occurrence, "start": start, "end": end}
    before = counts()
    form = CitationForm(data=data)
    spans = locate(target.body, quote_) if target.body else []
    note_event(f"{'valid' if form.is_valid() else 'refused'}, found {min(len(spans), 2)}")
    if not form.is_valid():
        messages = [str(m) for ms in form.errors.values() for m in ms]
        assert messages and all(m.strip() for m in messages)
        if not target.body:
            assert "has no text yet" in str(form.errors)
        elif "\x00" not in quote_ and not spans:
            assert "quote" in form.errors
        assert counts() == before
        return
    assert target.body and spans
    chosen = (form.cleaned_data["start"], form.cleaned_data["end"])
    assert chosen in {(span.start, span.end) for span in spans}
    citation = form.save()
    assert folded(citation.quote) == folded(quote_), "the stored span is not the pasted quote"
    assert 0 <= citation.start < citation.end <= len(target.body)
    citation.delete()


def event_post(**citation) -> dict:
    data = {
        "summary": "About 500 US troops in Lithuania", "kind": "presence",
        "date": "2022-02-09", "date_precision": "day", "host_country": "LT",
        "contributor": "US", "serves_under": "", "permanence": "rotational",
        "quantity": "500", "qualifier": "about", "unit": "troops", "status": "draft",
        "notes": "", "version": "1", "citations-TOTAL_FORMS": "1",
        "citations-INITIAL_FORMS": "0", "citations-MIN_NUM_FORMS": "0",
        "citations-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    return data | {f"citations-0-{name}": value for name, value in citation.items()}


@fuzz(15)
@given(
    quote_=near_quote(QUOTE_BODY),
    start=st.sampled_from(["", "0"]) | offset,
    status=st.sampled_from(["draft", "published"]),
)
def test_the_event_admin_saves_a_cited_event_or_shows_why(
    editor_client, quoting, quote_, start, status
):
    article = quoting[0]
    data = event_post(article=article.pk, quote=quote_, start=start) | {"status": status}
    events, before = Event.objects.count(), counts()
    response = editor_client.post(reverse("admin:records_event_add"), data)
    note_event(f"{response.status_code}")
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert Event.objects.count() == events and counts() == before
        context_ = response.context
        inline = context_["inline_admin_formsets"][0].formset
        errors = [context_["adminform"].form.errors, *inline.errors, inline.non_form_errors()]
        assert any(errors)
        return
    event = Event.objects.latest("pk")
    for citation in event.citations.all():
        assert citation.quote and citation.end <= len(article.body)
    assert status == "draft" or event.citations.exists()


@fuzz(60)
@given(start=st.integers(-(2**31), 2**31 - 1), end=st.integers(-(2**31), 2**31 - 1))
def test_the_citation_table_refuses_spans_outside_the_body_clearly(quoting, start, end):
    article, _, event = quoting
    citation = Citation(event=event, article=article, start=start, end=end)
    try:
        citation.full_clean()
    except ValidationError as error:
        assert not 0 <= start < end and "0 <= start < end" in str(error)
        return
    assert 0 <= start < end
    try:
        with transaction.atomic():
            citation.save()
    except IntegrityError as error:
        assert end > len(article.body) and "outside the article body" in str(error)
        return
    assert end <= len(article.body) and citation.quote == article.body[start:end]
    citation.delete()


@fuzz(400)
@given(body=any_text, quote_=st.text(max_size=20) | news_text, data=st.data())
def test_locating_any_quote_in_any_body_gives_exact_slices_that_fold_to_it(body, quote_, data):
    spans = locate(body, quote_)
    for span in spans:
        assert 0 <= span.start < span.end <= len(body)
        assert folded(body[span.start : span.end]) == folded(quote_)
        before, quoted, after = context(body, span.start, span.end)
        assert quoted == body[span.start : span.end] and "\n" not in before + after
        sentence = sentence_bounds(body, span.start, span.end)
        assert sentence.start <= span.start and span.end <= sentence.end <= len(body)
    assert all(a.end <= b.start for a, b in pairwise(spans))
    if body:
        start = data.draw(st.integers(0, len(body) - 1))
        end = data.draw(st.integers(start + 1, len(body)))
        sentence = sentence_bounds(body, start, end)
        assert sentence.start <= start and end <= sentence.end <= len(body)


@fuzz(300)
@given(
    text=any_text,
    published_on=st.none() | st.dates(),
    precision=st.sampled_from(Precision.values),
    skip=st.lists(st.tuples(st.integers(0, 300), st.integers(0, 300)), max_size=3),
)
def test_extraction_reads_any_text_into_well_formed_candidates(text, published_on, precision, skip):
    found = extract(text, skip=skip, published=published_on, published_precision=precision)
    note_event("candidates" if found else "none")
    for candidate in found:
        assert 0 <= candidate.start < candidate.end <= len(text)
        assert candidate.quote == text[candidate.start : candidate.end]
        assert not any(a < candidate.end and candidate.start < b for a, b in skip)
        assert candidate.kind in KINDS and candidate.unit in UNITS
        assert candidate.qualifier in Qualifier.values
        assert candidate.quantity is None or candidate.quantity >= 0
        assert candidate.host_country in ISO_CODES | {""}
        assert candidate.contributor in ISO_CODES | organisations() | {""}
        assert (candidate.date is None) == (candidate.date_precision == "")
        assert candidate.date_precision in {"", *Precision.values}


def test_the_model_of_the_rules_is_not_vacuous():
    """The oracle itself: it refuses what the README says is refused, and accepts the rest."""
    assert Rules(QueryDict("host=XX")).page("home") == {"host"}
    assert Rules(QueryDict("from=yesterday")).page("events_csv") == {"from"}
    assert Rules(QueryDict("from=2024-01-02&to=2024-01-01")).page("totals") == {"from"}
    assert Rules(QueryDict("kind=presence")).page("totals_csv") == {"kind"}
    assert Rules(QueryDict("view_from=2024-01-01")).page("events_json") == {"view_to"}
    assert Rules(QueryDict("width=5000&rows=kind")).chart("timeline") == {"width", "rows"}
    assert Rules(QueryDict("")).chart("levels") == {"host"}
    assert Rules(QueryDict("host=lt&host=LT&q=%20troops%20&scale=1.5")).chart("levels") == set()
