"""Load: gunicorn on 127.0.0.1 serving the synthetic data set, wrk against the reader URLs.

    .venv/bin/python bench/load.py [--events 100000] [--duration 30] [--connections 64]
    bin/with-postgres .venv/bin/python bench/load.py --database postgres

The data set is bench/dashboard.py's (N published and draft events over 30 years, 40 hosts,
60 contributors), in bench/.data/bench-N.sqlite3 or, with --database postgres, in the server
DATABASE_URL names (bin/with-postgres starts a throwaway one). gunicorn runs with the
production settings and deployments/gunicorn.py (workers, threads), plus one bare view that
returns a constant (bench/urls.py): the ceiling for Django on this machine, measured in the
same run. Each URL is first requested until every worker serves it from its cache, then wrk
runs for --duration seconds at --connections connections, twice: asking as browsers do
(Accept-Encoding: gzip, so text comes gzipped) and asking plainly, as wrk, curl and scripts do
by default. Prints requests per second, p50/p99 latency, non-2xx responses and socket errors,
and each URL's throughput as a fraction of the bare view's. The last two rows are the bare
view returning a constant as long as events.csv, gzipped and plain: the ceilings for bodies
that size.
Needs wrk (apt-get install wrk). Nothing here runs in the test suite.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

URLS = [
    ("/bench/constant/", "bare Django view (ceiling)"),
    ("/", "timeline page"),
    ("/totals/", "totals page"),
    ("/events.csv", "events CSV, everything"),
    ("/charts/timeline.png?host=LT", "chart image, cached PNG"),
]
GUNICORN = [sys.executable, "-m", "gunicorn", "-c", "python:deployments.gunicorn"]
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def prepare(database: str, events: int) -> str:
    """Build (or reuse) the data set; return its DATABASE_URL."""
    if database == "postgres":
        url = os.environ.get("DATABASE_URL", "")
        if not url.startswith("postgres"):
            raise SystemExit("--database postgres needs DATABASE_URL (try bin/with-postgres)")
    else:
        path = ROOT / "bench" / ".data" / f"bench-{events}.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{path}"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 40)
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "deployments.settings"
    import django

    django.setup()
    from bench.dashboard import build

    build(events)
    return url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(database_url: str, port: int, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url,
        "DJANGO_SSL_REDIRECT": "false",
        "DJANGO_HSTS_SECONDS": "0",
        "DJANGO_SECURE_COOKIES": "false",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
    }
    with log.open("wb") as out:
        server = subprocess.Popen(
            [*GUNICORN, "--access-logfile", "/dev/null"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 60
    while True:
        try:
            get(f"http://127.0.0.1:{port}/bench/constant/")
            return server
        except (urllib.error.URLError, ConnectionError):
            if server.poll() is not None or time.monotonic() > deadline:
                stop(server)
                raise SystemExit("gunicorn did not start:\n" + log.read_text()) from None
            time.sleep(0.3)


def stop(server: subprocess.Popen) -> None:
    with_signal = signal.SIGTERM
    for _ in range(2):
        try:
            os.killpg(server.pid, with_signal)
            server.wait(timeout=30)
            return
        except subprocess.TimeoutExpired:
            with_signal = signal.SIGKILL
        except ProcessLookupError:
            return


GZIP = {"Accept-Encoding": "gzip"}


def get(url: str, headers: dict | None = None) -> tuple[int, str, int]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            return response.status, response.headers.get("X-Cache", ""), len(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("X-Cache", ""), len(error.read())


def warm(url: str, workers: int, headers: dict | None = None) -> int:
    """Request the URL, as many at once as there are workers, until every answer is a cache
    hit three rounds running (so each worker has it). Returns the response size."""
    hits_in_a_row = 0
    with ThreadPoolExecutor(workers * 2) as pool:
        for _ in range(60):
            answers = list(pool.map(lambda url: get(url, headers), [url] * workers * 2))
            # 503: a worker's browser was busy or still starting (images); ask again.
            bad = [status for status, _, _ in answers if status not in (200, 503)]
            if bad:
                raise SystemExit(f"{url} answered {bad[0]} while warming up")
            served = all(status == 200 for status, _, _ in answers)
            cached = all(c == "hit" for _, c, _ in answers) or "/bench/" in url
            if served and cached:
                hits_in_a_row += 1
                if hits_in_a_row == 3:
                    return answers[0][2]
            else:
                hits_in_a_row = 0
    raise SystemExit(f"{url} was still not cached after 60 rounds")


def milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def wrk(url: str, duration: int, connections: int, threads: int, headers: dict) -> dict:
    done = subprocess.run(
        [
            "wrk",
            *[arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")],
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "10s",
            "--latency",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    out = done.stdout
    latency = dict(re.findall(r"^\s+(50|99)(?:\.000)?%\s+(\S+)\s*$", out, re.MULTILINE))
    if "99" not in latency:
        raise SystemExit(f"wrk gave no latency for {url}:\n{out}")
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "p50": milliseconds(latency["50"]),
        "p99": milliseconds(latency["99"]),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": sum(map(int, errors.groups())) if errors else 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")
    database_url = prepare(args.database, args.events)

    from deployments import gunicorn as config

    port = free_port()
    log = ROOT / "bench" / ".data" / "gunicorn.log"
    server = start_gunicorn(database_url, port, log)
    base = f"http://127.0.0.1:{port}"
    try:
        print(
            f"{args.events:,} events on {args.database}; gunicorn {config.workers} workers x "
            f"{config.threads} threads; wrk {args.threads} threads, {args.connections} "
            f"connections, {args.duration} s; {os.cpu_count()} CPUs shared by both"
        )
        results = []
        for headers, asked in ((GZIP, "gzip"), ({}, "plain")):
            for path, label in URLS:
                size = warm(base + path, config.workers, headers)
                measured = wrk(base + path, args.duration, args.connections, args.threads, headers)
                results.append((path, label, asked, size, measured))
        for asked in ("gzip", "plain"):
            size = next(r[3] for r in results if r[0] == "/events.csv" and r[2] == asked)
            path = f"/bench/constant/?bytes={size}"
            measured = wrk(base + path, args.duration, args.connections, args.threads, {})
            label = f"bare view, body as long as the {asked} events.csv"
            results.append((path, label, asked, size, measured))
    finally:
        stop(server)

    print()
    print(
        "| URL | what | asked | size sent | req/s | p50 | p99 | non-2xx | socket errors "
        "| of bare view |"
    )
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
    ceilings = {asked: r["rps"] for path, _, asked, _, r in results if path == URLS[0][0]}
    for path, label, asked, size, r in results:
        print(
            f"| `{path}` | {label} | {asked} | {size / 1024:,.0f} KB | {r['rps']:,.0f} | "
            f"{r['p50']:.1f} ms | {r['p99']:.1f} ms | {r['non_2xx']} | {r['socket_errors']} | "
            f"{r['rps'] / ceilings[asked]:.2f} |"
        )


if __name__ == "__main__":
    main()
