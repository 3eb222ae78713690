"""Reader pages against a large synthetic data set: server time, queries and payload size.

    .venv/bin/python bench/dashboard.py [--events 100000] [--rebuild] [--runs 15]

Builds (once, then reuses) a separate SQLite database, bench/.data/bench-<N>.sqlite3, with N
published events over 30 years, 40 host countries and 60 contributors, each event cited from
one of 2,000 synthetic articles. Then requests each page in-process with Django's test client
and prints the median and p95 server time, the queries per request and the response size, raw
and gzipped. Nothing here runs in the test suite.
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HOSTS = (
    "LT LV EE PL RO BG SK HU CZ DE FR IT ES PT NL BE DK NO SE FI GB IE IS GR TR "
    "UA MD GE AM AZ JO IQ SY KW QA BH AE SA DJ NE"
).split()
CONTRIBUTORS = [
    *"US GB FR DE IT ES NL BE DK NO SE FI PL CZ SK HU RO BG GR TR PT LU SI HR AL ME MK CA".split(),
    *"LT LV EE IS AU NZ JP KR IN PK BD NP RU BY KZ UA GE AZ AM MD CN BR AR CL MX".split(),
    "NATO",
    "EU",
    "UN",
]
KINDS = (
    ["presence"] * 3
    + ["increase"] * 4
    + ["decrease"] * 2
    + [
        "pledge",
        "request",
        "readiness",
        "exercise",
        "agreement",
        "other",
    ]
)
UNITS = ["troops"] * 8 + ["aircraft", "ships", "vehicles", "systems"]
QUALIFIERS = ["exact", "exact", "about", "about", "at_least", "up_to"]
START = date(1995, 1, 1)
DAYS = 30 * 365

PAGES = [
    ("/", "timeline, everything (monthly counts)"),
    ("/?host=LT", "timeline, one host"),
    ("/?host=LT&contributor=US&from=2015-01-01", "timeline, host + contributor + dates"),
    ("/?q=Battalion 7", "timeline, text search"),
    ("/totals/", "totals today, everything"),
    ("/totals/?as_of=2010-06-30&host=LT", "totals, one host with levels over time"),
    ("/countries/LT/", "country page"),
    ("/events/1/", "one event"),
    ("/events.csv?host=LT", "events CSV, one host"),
    ("/events.csv", "events CSV, everything"),
    ("/totals.csv", "totals CSV, everything"),
]


def configure(events: int) -> Path:
    path = ROOT / "bench" / ".data" / f"bench-{events}.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    os.environ["DJANGO_SETTINGS_MODULE"] = "deployments.settings"
    import django

    django.setup()
    return path


def build(events: int) -> None:
    from django.core.management import call_command
    from django.db import transaction

    from deployments.records.models import Article, Citation, Event, Outlet, text_sha256

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if Event.objects.count() == events:
        print(f"reusing {events:,} events")
        return
    started = time.perf_counter()
    rng = random.Random(20221)
    with transaction.atomic():
        Citation.objects.all().delete()
        Event.objects.all().delete()
        Article.objects.all().delete()
        Outlet.objects.all().delete()
        outlets = Outlet.objects.bulk_create(
            Outlet(name=f"Outlet {n}", kind="newspaper", state_affiliated=n % 7 == 0)
            for n in range(40)
        )
        articles = []
        for n in range(2000):
            body = f"Report {n}\n\n" + " ".join(
                f"Battalion {k} of about {rng.randint(50, 5000)} troops moved." for k in range(12)
            )
            articles.append(
                Article(
                    outlet=outlets[n % 40],
                    title=f"Report {n}",
                    sha256=text_sha256(body),
                    body=body,
                    published=START + timedelta(days=rng.randrange(DAYS)),
                )
            )
        articles = Article.objects.bulk_create(articles)
        batch = []
        for n in range(events):
            kind, unit = rng.choice(KINDS), rng.choice(UNITS)
            batch.append(
                Event(
                    date=START + timedelta(days=rng.randrange(DAYS)),
                    host_country=rng.choice(HOSTS) if rng.random() > 0.05 else "",
                    contributor=rng.choice(CONTRIBUTORS),
                    kind=kind,
                    quantity=rng.randint(10, 5000) if rng.random() > 0.15 else None,
                    qualifier=rng.choice(QUALIFIERS),
                    unit=unit,
                    summary=f"Battalion {n % 97} {kind} {unit} event {n}",
                    status="published" if rng.random() > 0.05 else "draft",
                )
            )
        Event.objects.bulk_create(batch, batch_size=2000)
        bodies = {article.pk: article.body for article in articles}
        citations = []
        for event_id in Event.objects.values_list("pk", flat=True).iterator():
            article = articles[rng.randrange(len(articles))]
            start = bodies[article.pk].find("Battalion")
            citations.append(
                Citation(event_id=event_id, article=article, start=start, end=start + 40)
            )
        Citation.objects.bulk_create(citations, batch_size=5000)
    print(f"built {events:,} events in {time.perf_counter() - started:.0f} s")


def _timed(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.get(url)
        body = response.content
        elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return elapsed, len(captured), body


def _median_p95(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def measure(runs: int) -> None:
    """Cold: the page cache emptied before each request (a view nobody asked for since the
    data last changed). Cached: the same URL again, as a shared permalink is served."""
    from django.core.cache import caches
    from django.test import Client

    client = Client()
    header = (
        f"{'page':<42} {'cold median':>11} {'cold p95':>9} {'queries':>7} "
        f"{'cached median':>13} {'raw':>9} {'gzip':>8}"
    )
    print(header)
    print("-" * len(header))
    for url, label in PAGES:
        count = max(3, runs // 5) if url == "/events.csv" else runs
        cold, warm = [], []
        for _ in range(count):
            caches["pages"].clear()
            caches["exports"].clear()
            elapsed, queries, body = _timed(client, url)
            cold.append(elapsed)
        for _ in range(count):
            warm.append(_timed(client, url)[0])
        cold_median, cold_p95 = _median_p95(cold)
        print(
            f"{label:<42} {cold_median:>9.0f}ms {cold_p95:>7.0f}ms {queries:>7} "
            f"{_median_p95(warm)[0]:>11.1f}ms {len(body) / 1024:>7.0f}KB "
            f"{len(gzip.compress(body)) / 1024:>6.0f}KB"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    path = configure(args.events)
    if args.rebuild:
        path.unlink(missing_ok=True)
    build(args.events)
    print(f"database: {path}  (Python {sys.version.split()[0]}, SQLite)")
    measure(args.runs)


if __name__ == "__main__":
    main()
