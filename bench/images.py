"""Chart images: first, warm and cached export times, beside Plotly's own drawing time.

    .venv/bin/python bench/images.py [--data curated|synthetic] [--events 100000] [--runs 20]

For PNG, SVG and PDF of the timeline and the totals chart, requested in-process through
/charts/<chart>.<format> with Django's test client:

- first: the first export in a fresh process (a subprocess each), browser start included;
- warm median and p95: later exports with the page cache emptied before each (the figure is
  built, footed and rendered every time, by a browser already running);
- render: kaleido's share of a warm export (the footed figure to bytes, no Django);
- cached median: the same URL again, served from the data-version cache;
- newPlot: the floor, the time headless Chromium takes to draw the same footed figure in a page
  (Plotly.newPlot, median), measured in the same run through Playwright.

`curated` (the default) is the shipped data set with the seed articles, in its own SQLite
database, bench/.data/images-curated.sqlite3; `synthetic` reuses bench/dashboard.py's large one.
Nothing here runs in the test suite.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

FORMATS = ("png", "svg", "pdf")
CHARTS = {
    "curated": [("timeline", ""), ("totals", "as_of=2024-06-01")],
    "synthetic": [("timeline", "host=LT"), ("totals", "as_of=2010-06-30")],
}


def configure(data: str, events: int) -> None:
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    os.environ["DJANGO_PAGE_CACHE_SECONDS"] = "300"
    if data == "synthetic":
        import dashboard

        dashboard.configure(events)
        dashboard.build(events)
        return
    path = ROOT / "bench" / ".data" / "images-curated.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "deployments.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from deployments.records.models import Event

    call_command("migrate", verbosity=0)
    if not Event.objects.exists():
        call_command("load_curated", verbosity=0)
        with open(os.devnull, "w") as quiet:
            call_command("import_articles", str(settings.SEEDS_DIR), stdout=quiet)


def url(chart: str, fmt: str, query: str) -> str:
    return f"/charts/{chart}.{fmt}" + (f"?{query}" if query else "")


def get(client, path: str) -> tuple[float, object]:
    started = time.perf_counter()
    response = client.get(path)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}: {response.content[:200]!r}")
    return elapsed, response


def median_p95(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    return times[len(times) // 2], times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def first_export(data: str, events: int, path: str) -> float:
    """The time of one export in a new process (browser start included), in ms."""
    script = [sys.executable, __file__, "--data", data, "--events", str(events), "--first", path]
    done = subprocess.run(script, capture_output=True, text=True, check=True, cwd=ROOT)
    return float(done.stdout.strip().splitlines()[-1])


def footed_figure(chart: str, query: str) -> tuple:
    """The figure dict the endpoint renders for `chart` and `query`, and the parsed request."""
    from django.http import QueryDict
    from django.utils import timezone

    from deployments.dashboard.chart_images import parse_request, picture

    wanted = parse_request(chart, QueryDict(query))
    return picture(wanted, site="http://testserver", today=timezone.localdate()), wanted


def new_plot_times(figures: dict[str, dict], runs: int) -> dict[str, float]:
    """Median Plotly.newPlot time of each figure in one headless Chromium page, in ms."""
    import plotly
    import plotly.io as pio
    from playwright.sync_api import sync_playwright

    plotly_js = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    medians = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
            args=["--no-sandbox", "--disable-dev-shm-usage"],
        )
        page = browser.new_page()
        page.set_content("<div id='chart'></div>")
        page.add_script_tag(path=str(plotly_js))
        for name, figure in figures.items():
            times = page.evaluate(
                """async ([json, runs]) => {
                    const figure = JSON.parse(json);
                    const chart = document.getElementById("chart");
                    const times = [];
                    for (let i = 0; i < runs + 1; i++) {
                        Plotly.purge(chart);
                        const started = performance.now();
                        await Plotly.newPlot(chart, figure.data, figure.layout, {staticPlot: true});
                        times.push(performance.now() - started);
                    }
                    return times.slice(1);
                }""",
                [pio.to_json(figure, validate=False), runs],
            )
            medians[name] = median_p95(times)[0]
        browser.close()
    return medians


def measure(data: str, events: int, runs: int) -> None:
    from django.core.cache import caches
    from django.test import Client

    from deployments.dashboard import images

    client = Client()
    rows, figures = [], {}
    for chart, query in CHARTS[data]:
        figure, wanted = footed_figure(chart, query)
        figures[chart] = figure
        for fmt in FORMATS:
            path = url(chart, fmt, query)
            first = first_export(data, events, path)
            caches["pages"].clear()
            get(client, path)  # this process's browser start
            warm, cached, render = [], [], []
            for _ in range(runs):
                caches["pages"].clear()
                warm.append(get(client, path)[0])
            for _ in range(runs):
                elapsed, response = get(client, path)
                assert response["X-Cache"] == "hit", path
                cached.append(elapsed)
            for _ in range(runs):
                started = time.perf_counter()
                images.render(figure, fmt, wanted.width, wanted.height, wanted.scale)
                render.append((time.perf_counter() - started) * 1000)
            size = len(response.content)
            rows.append((chart, fmt, first, *median_p95(warm), median_p95(render)[0], size, cached))
    floors = new_plot_times(figures, runs)

    header = (
        f"{'chart':<9} {'format':<6} {'first':>7} {'warm median':>11} {'warm p95':>9} "
        f"{'render':>7} {'cached median':>13} {'newPlot':>8} {'size':>7}"
    )
    print(header)
    print("-" * len(header))
    for chart, fmt, first, median, p95, render, size, cached in rows:
        print(
            f"{chart:<9} {fmt:<6} {first:>5.0f}ms {median:>9.0f}ms {p95:>7.0f}ms "
            f"{render:>5.0f}ms {median_p95(cached)[0]:>11.1f}ms {floors[chart]:>6.0f}ms "
            f"{size / 1024:>5.0f}KB"
        )
    print(f"\n{runs} runs each; 1200 x 700 px, scale 1; data: {data}")
    print("targets: warm PNG median under 300 ms, cached under 10 ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", choices=("curated", "synthetic"), default="curated")
    parser.add_argument("--events", type=int, default=100_000, help="for --data synthetic")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--first", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    configure(args.data, args.events)
    if args.first:
        from django.test import Client

        print(round(get(Client(), args.first)[0], 1))
        return
    measure(args.data, args.events, args.runs)


if __name__ == "__main__":
    main()
