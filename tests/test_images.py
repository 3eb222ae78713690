"""Chart images: real PNG, SVG and PDF from kaleido and Debian's Chromium, through the view.

One renderer (the process's) serves every test; only the missing-browser and timeout tests use
their own.
"""

from __future__ import annotations

import asyncio
import gzip
import re
import struct
import threading
import time
import xml.etree.ElementTree as ET
import zlib
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from urllib.request import urlopen

import plotly.graph_objects as go
import pytest
from django.urls import reverse
from kaleido.errors import KaleidoError

from deployments.dashboard import images
from deployments.dashboard.images import Renderer, RendererUnavailable, RenderTimeout, with_footer

from .factories import cite, make_article, make_event, make_outlet

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def url(chart: str, fmt: str, query: str = "") -> str:
    path = reverse("dashboard:chart_image", kwargs={"chart": chart, "fmt": fmt})
    return f"{path}?{query}" if query else path


def png_size(body: bytes) -> tuple[int, int]:
    assert body[:8] == PNG_SIGNATURE
    assert body[12:16] == b"IHDR"
    return struct.unpack(">II", body[16:24])


def png_distinct_rows(body: bytes) -> int:
    """How many different scanlines the image has: 1 for a flat image."""
    width, height = png_size(body)
    bit_depth, colour_type = body[24], body[25]
    assert bit_depth == 8
    channels = {2: 3, 6: 4}[colour_type]
    data, offset = b"", 8
    while offset < len(body):
        (length,) = struct.unpack(">I", body[offset : offset + 4])
        kind = body[offset + 4 : offset + 8]
        if kind == b"IDAT":
            data += body[offset + 8 : offset + 8 + length]
        offset += 12 + length
    raw = zlib.decompress(data)
    stride = 1 + width * channels
    # Filtered scanlines; equal filtered bytes are equal rows often enough for a flatness check.
    return len({raw[i * stride : (i + 1) * stride] for i in range(height)})


@pytest.fixture
def events(db):
    reuters = make_outlet("Reuters")
    lrt = make_outlet("LRT")
    body = "About 500 US troops arrived. Germany sent 1,000 soldiers. Dutch troops: 270."
    first = make_article(body, outlet=reuters, title="Arrivals")
    second = make_article(body + " More.", outlet=lrt, title="Brigade")
    us = make_event(summary="About 500 US troops arrive in Lithuania")
    cite(us, first, "About 500 US troops arrived")
    de = make_event(
        contributor="DE", quantity=1000, date=date(2023, 6, 1), summary="Germany sends 1,000"
    )
    cite(de, second, "Germany sent 1,000 soldiers")
    nl = make_event(
        host_country="EE", contributor="NL", quantity=270, date=date(2022, 9, 1), summary="Dutch"
    )
    cite(nl, first, "Dutch troops: 270")
    return [us, de, nl]


@pytest.mark.django_db
class TestChartImages:
    def test_png_has_the_size_asked_for_and_is_not_blank(self, client, events):
        response = client.get(url("timeline", "png", "width=640&height=400&scale=2"))
        assert response.status_code == 200, response.content
        assert response["Content-Type"] == "image/png"
        today = date.today().isoformat()
        assert response["Content-Disposition"] == f'inline; filename="timeline-{today}.png"'
        assert response["Cache-Control"] == "public, max-age=300"
        assert response["ETag"].startswith('"')
        assert png_size(response.content) == (1280, 800)
        assert png_distinct_rows(response.content) > 50
        empty = client.get(url("timeline", "png", "width=640&height=400&scale=2&host=FR"))
        assert png_size(empty.content) == (1280, 800)
        assert len(response.content) > len(empty.content)
        assert response.content != empty.content

    def test_svg_parses_and_carries_title_filters_and_sources(self, client, events):
        response = client.get(url("totals", "svg", "host=LT&as_of=2024-01-01"))
        assert response.status_code == 200, response.content
        assert response["Content-Type"] == "image/svg+xml"
        assert "totals-LT-2024-01-01.svg" in response["Content-Disposition"]
        root = ET.fromstring(response.content)  # noqa: S314 (our own image)
        assert root.tag.endswith("svg")
        text = " ".join(root.itertext())
        assert "Troop levels as of 1 January 2024" in text
        assert "Filters: hosts: Lithuania" in text
        assert "Sources: 2 articles from outlets LRT, Reuters" in text
        assert "Exported " in text
        assert "/totals/?host=LT&as_of=2024-01-01" in text

    def test_pdf_has_one_page(self, client, events):
        response = client.get(url("levels", "pdf", "host=LT&as_of=2024-01-01"))
        assert response.status_code == 200, response.content
        assert response["Content-Type"] == "application/pdf"
        body = response.content
        assert body.startswith(b"%PDF")
        pages = body.count(b"/Type /Page") - body.count(b"/Type /Pages")
        pages += body.count(b"/Type/Page") - body.count(b"/Type/Pages")
        assert pages == 1

    def test_different_filters_give_different_images(self, client, events):
        lithuania = client.get(url("timeline", "png", "host=LT")).content
        estonia = client.get(url("timeline", "png", "host=EE")).content
        assert lithuania[:8] == estonia[:8] == PNG_SIGNATURE
        assert lithuania != estonia

    @pytest.mark.parametrize(
        ("chart", "fmt", "query", "named"),
        [
            ("pie", "png", "", "chart"),
            ("timeline", "gif", "", "format"),
            ("timeline", "png", "width=299", "width"),
            ("timeline", "png", "height=4001", "height"),
            ("timeline", "png", "width=wide", "width"),
            ("timeline", "png", "scale=5", "scale"),
            ("levels", "png", "", "host"),
            ("levels", "png", "host=LT&host=EE", "host"),
            ("totals", "png", "as_of=yesterday", "as_of"),
            ("timeline", "png", "from=2024-02-30", "from"),
            ("timeline", "png", "rows=kind", "rows"),
            ("timeline", "png", "view_from=2023-01-01", "view_to"),
            ("timeline", "svg", "view_from=2024-01-01&view_to=2023-01-01", "view_from"),
            ("totals", "png", "view_from=2023-01-01&view_to=2023-12-31", "view_from"),
        ],
    )
    def test_a_bad_parameter_answers_400_naming_it(self, client, chart, fmt, query, named):
        response = client.get(url(chart, fmt, query))
        assert response.status_code == 400
        assert response.content.decode().startswith(f"{named}: ")

    def test_a_zoomed_chart_exports_the_dates_shown(self, client, events):
        whole = client.get(url("timeline", "svg")).content.decode()
        zoomed = client.get(url("timeline", "svg", "view_from=2023-01-01&view_to=2023-12-31"))
        assert zoomed.status_code == 200
        svg = zoomed.content.decode()
        assert "Dates shown: 1 January 2023 to 31 December 2023" in svg
        assert "Sources: 1 article from outlet LRT" in svg, "only the German event is in view"
        assert "Sources: 2 articles from outlets LRT, Reuters" in whole
        ticks = re.findall(r'class="xtick"><text[^>]*>([^<]+)<', svg)
        assert ticks and all("2022" not in tick and "2024" not in tick for tick in ticks)
        assert any(
            "2022" in tick for tick in re.findall(r'class="xtick"><text[^>]*>([^<]+)<', whole)
        )

    def test_the_levels_chart_names_its_rule(self, client):
        response = client.get(url("levels", "png"))
        assert response.content.decode() == "host: the levels chart needs exactly one host\n"

    def test_a_size_too_small_for_the_chart_answers_400_and_keeps_the_browser(self, client, events):
        assert client.get(url("timeline", "svg", "host=EE&width=640")).status_code == 200
        browser = images._renderer._browser
        # One event at 300 x 300: plotly.js cannot scale the axis. It was a 503 and a new browser.
        response = client.get(url("timeline", "svg", "host=EE&width=300&height=300"))
        assert response.status_code == 400
        assert response.content.decode() == (
            "width: the chart cannot be drawn at 300 x 300 pixels (plotly.js: Error 525: "
            "Something went wrong with axis scaling); give a larger width or height\n"
        )
        assert images._renderer._browser is browser

    def test_a_missing_browser_answers_503_quickly(self, client, events, monkeypatch):
        monkeypatch.setenv("CHROMIUM_PATH", "/nonexistent/chromium")
        monkeypatch.setattr(images, "_renderer", Renderer())
        started = time.monotonic()
        response = client.get(url("timeline", "png"))
        # Bounds here and below are far under what a hang would take (the 15 s start timeout,
        # a 30 s stuck render), with room for a loaded CI machine.
        assert time.monotonic() - started < 5
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
        assert "/nonexistent/chromium" in response.content.decode()

    def test_a_browser_that_never_starts_answers_503_within_the_timeout(
        self, client, events, monkeypatch, tmp_path
    ):
        monkeypatch.setenv("CHROMIUM_PATH", str(silent_browser(tmp_path)))
        monkeypatch.setattr(images, "_renderer", Renderer(start_timeout=1.5))
        started = time.monotonic()
        response = client.get(url("timeline", "png"))
        assert time.monotonic() - started < 7
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
        assert "did not start within 1.5 s" in response.content.decode()

    def test_a_cached_image_is_served_with_the_same_etag(self, client, events, settings):
        settings.PAGE_CACHE_SECONDS = 60
        first = client.get(url("timeline", "svg", "host=EE"))
        again = client.get(url("timeline", "svg", "host=EE"))
        assert (first["X-Cache"], again["X-Cache"]) == ("miss", "hit")
        assert first.content == again.content
        assert first["ETag"] == again["ETag"]
        assert again["Content-Type"] == "image/svg+xml"
        assert again["Cache-Control"] == "public, max-age=300"
        revalidated = client.get(
            url("timeline", "svg", "host=EE"), headers={"If-None-Match": first["ETag"]}
        )
        assert revalidated.status_code == 304

    def test_svgs_are_gzipped_for_clients_that_accept_it_and_pngs_are_not(
        self, client, events, settings
    ):
        settings.PAGE_CACHE_SECONDS = 60
        browser = {"Accept-Encoding": "gzip, deflate, br"}
        png = client.get(url("timeline", "png", "host=EE"), headers=browser)
        assert png.content.startswith(b"\x89PNG") and not png.has_header("Content-Encoding")
        zipped = client.get(url("timeline", "svg", "host=EE"), headers=browser)
        plain = client.get(url("timeline", "svg", "host=EE"))
        assert zipped["Content-Encoding"] == "gzip"
        assert gzip.decompress(zipped.content) == plain.content
        assert zipped["ETag"] != plain["ETag"], "an ETag names one encoding of the image"
        revalidated = client.get(
            url("timeline", "svg", "host=EE"), headers={**browser, "If-None-Match": zipped["ETag"]}
        )
        assert revalidated.status_code == 304


def bar(n: int) -> dict:
    return go.Figure(
        go.Bar(x=list(range(n + 1)), y=[(i * 7) % (n + 2) for i in range(n + 1)])
    ).to_dict()


@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_requests_for_eight_charts_each_get_their_own(live_server, events):
    """Through the live (threaded) server: the same bytes as the same URLs asked one by one."""
    queries = [
        ("timeline", "host=LT"),
        ("timeline", "host=EE"),
        ("timeline", "contributor=DE"),
        ("timeline", "rows=contributor"),
        ("totals", "as_of=2024-01-01"),
        ("totals", "as_of=2022-12-31"),
        ("levels", "host=LT&as_of=2024-01-01"),
        ("levels", "host=EE&as_of=2024-01-01"),
    ]
    urls = [live_server.url + url(chart, "png", query) for chart, query in queries]

    def fetch(address: str) -> bytes:
        with urlopen(address, timeout=60) as response:  # noqa: S310 (our own test server)
            return response.read()

    alone = [fetch(address) for address in urls]
    assert len(set(alone)) == 8
    with ThreadPoolExecutor(max_workers=8) as pool:
        together = list(pool.map(fetch, urls))
    assert together == alone


def test_eight_concurrent_renders_each_get_their_own_image():
    figures = [bar(n) for n in range(8)]
    # A browser's first image can differ by a few bytes (fonts still loading): warm it first.
    images.render(bar(99), "png", 400, 300, 1)
    alone = [images.render(figure, "png", 400, 300, 1) for figure in figures]
    assert len(set(alone)) == 8
    together: list[bytes | None] = [None] * 8
    barrier = threading.Barrier(8)

    def work(i: int) -> None:
        barrier.wait()
        together[i] = images.render(figures[i], "png", 400, 300, 1)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert together == alone


def silent_browser(folder: Path) -> Path:
    """A 'browser' that starts and never answers."""
    script = folder / "silent-chromium"
    script.write_text("#!/bin/sh\nsleep 60\n")
    script.chmod(0o755)
    return script


def processes_running(path: Path) -> list[str]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if str(path).encode() in cmdline.read_bytes():
                found.append(cmdline.parent.name)
        except OSError:  # the process ended while we looked
            pass
    return found


def test_a_stuck_render_is_abandoned_and_the_next_gets_a_fresh_browser(monkeypatch):
    renderer = Renderer(timeout=2)
    try:
        first = renderer.render(bar(1), "png", 400, 300, 1)
        monkeypatch.setattr(renderer, "_render", lambda browser, figure, opts: asyncio.sleep(30))
        started = time.monotonic()
        with pytest.raises(RenderTimeout, match="longer than 2 s"):
            renderer.render(bar(1), "png", 400, 300, 1)
        assert time.monotonic() - started < 10
        monkeypatch.undo()
        assert renderer.render(bar(1), "png", 400, 300, 1) == first
    finally:
        renderer.close()


def test_a_failing_browser_is_a_clear_error_and_the_next_image_gets_a_fresh_one(monkeypatch):
    renderer = Renderer(timeout=5)
    try:
        first = renderer.render(bar(1), "png", 400, 300, 1)

        async def crash(*args):
            raise RuntimeError("the browser went away")

        monkeypatch.setattr(renderer, "_render", lambda browser, figure, opts: crash())
        with pytest.raises(RendererUnavailable, match=r"the browser failed \(RuntimeError\)"):
            renderer.render(bar(1), "png", 400, 300, 1)
        monkeypatch.undo()
        assert renderer.render(bar(1), "png", 400, 300, 1) == first
    finally:
        renderer.close()


def test_a_browser_that_never_starts_is_killed_not_left_behind(tmp_path):
    browser = silent_browser(tmp_path)
    started = time.monotonic()
    with pytest.raises(RendererUnavailable, match="did not start within 1 s"):
        Renderer(browser=str(browser), start_timeout=1).render(bar(1), "png", 400, 300, 1)
    assert time.monotonic() - started < 7
    assert processes_running(browser) == []


def test_a_missing_browser_is_a_clear_error():
    with pytest.raises(RendererUnavailable, match="no Chromium at '/nonexistent'"):
        Renderer(browser="/nonexistent").render(bar(1), "png", 400, 300, 1)


def test_a_figure_plotly_cannot_draw_is_a_figure_error_and_the_browser_carries_on(monkeypatch):
    renderer = Renderer(timeout=5)
    try:
        first = renderer.render(bar(1), "png", 400, 300, 1)
        browser = renderer._browser

        async def refuse(*args):
            raise KaleidoError(525, "Something went wrong with axis scaling")

        monkeypatch.setattr(renderer, "_render", lambda browser, figure, opts: refuse())
        with pytest.raises(images.FigureError, match="axis scaling"):
            renderer.render(bar(1), "png", 400, 300, 1)
        monkeypatch.undo()
        assert renderer._browser is browser
        assert renderer.render(bar(1), "png", 400, 300, 1) == first
    finally:
        renderer.close()


def test_a_still_has_the_size_and_no_page_controls_and_leaves_the_figure_alone():
    page = go.Figure(
        go.Scatter(x=[1], y=[2], hovertext=["h"], customdata=[7], hovertemplate="%{hovertext}"),
        layout={
            "height": 500,
            "xaxis": {"rangeslider": {"visible": True, "thickness": 0.1}},
            "title": {"text": "T", "y": 1 - 40 / 500, "yref": "container"},
            "margin": {"t": 60},
        },
    ).to_dict()
    picture = images.still(page, 800, 1000)
    assert picture["layout"]["width"] == 800 and picture["layout"]["height"] == 1000
    assert picture["layout"]["xaxis"]["rangeslider"] == {"visible": False, "thickness": 0.1}
    trace = picture["data"][0]
    assert not {"hovertext", "customdata", "hovertemplate"} & trace.keys()
    assert trace["x"] == [1]
    # 40 px from the top on the page, less the modebar's 24: 16 px from the top of the still.
    assert picture["layout"]["title"]["y"] == pytest.approx(1 - 16 / 1000)
    assert picture["layout"]["margin"]["t"] == 60 - 24
    assert page["layout"]["height"] == 500 and page["data"][0]["hovertext"] == ["h"]


def test_the_footer_is_plain_text_and_leaves_the_figure_alone():
    figure = bar(2)
    footed = with_footer(
        figure,
        title="A <b>title</b>",
        filters_text="Filters: q contains “A & B”",
        as_of_text="",
        sources_text="Sources: 1 article from outlet <Script>",
        exported_on="22 November 2026",
        url="https://example.org/?a=1&b=2",
    )
    assert "title" not in figure["layout"] and "legend9" not in figure["layout"]
    assert len(figure["data"]) == 1
    assert footed["layout"]["title"]["text"] == "A &lt;b&gt;title&lt;/b&gt;"
    footer = footed["layout"]["legend9"]["title"]["text"]
    assert footer.split("<br>") == [
        "Filters: q contains “A &amp; B”",
        "Sources: 1 article from outlet &lt;Script&gt;",
        "Exported 22 November 2026",
        "https://example.org/?a=1&amp;b=2",
    ]


@pytest.mark.parametrize("chart,query", [("timeline", ""), ("levels", "host=LT&as_of=2024-01-01")])
def test_an_image_has_no_range_slider(client, events, chart, query):
    """The slider is a control on the page; in a picture it is only clutter."""
    svg = client.get(url(chart, "svg", query)).content.decode()
    assert "<svg" in svg and "rangeslider" not in svg
