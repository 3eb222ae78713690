"""`export_charts`: the site's chart pictures written to files, one per host and format."""

from __future__ import annotations

import io
import stat
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from deployments.dashboard import images
from deployments.dashboard.images import Renderer
from deployments.dashboard.management.commands import export_charts

from .factories import cite, make_article, make_event, make_outlet

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TODAY = timezone.localdate().isoformat()


@pytest.fixture
def events(db):
    outlet = make_outlet("Reuters")
    body = "About 500 US troops arrived. Germany sent 1,000 soldiers. Dutch troops: 270."
    article = make_article(body, outlet=outlet, title="Arrivals")
    us = make_event(summary="About 500 US troops arrive in Lithuania")
    cite(us, article, "About 500 US troops arrived")
    de = make_event(contributor="DE", quantity=1000, date=date(2023, 6, 1), summary="Germany")
    cite(de, article, "Germany sent 1,000 soldiers")
    nl = make_event(host_country="EE", contributor="NL", quantity=270, date=date(2022, 9, 1))
    cite(nl, article, "Dutch troops: 270")
    return [us, de, nl]


def export(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("export_charts", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_each_host_writes_one_svg_per_country(events, tmp_path):
    out, err = export("--chart", "levels", "--each-host", "--format", "svg", "--out", str(tmp_path))
    names = sorted(path.name for path in tmp_path.iterdir())
    assert names == [f"levels-EE-{TODAY}.svg", f"levels-LT-{TODAY}.svg"]
    for code, country in (("EE", "Estonia"), ("LT", "Lithuania")):
        svg = (tmp_path / f"levels-{code}-{TODAY}.svg").read_text()
        ET.fromstring(svg)  # noqa: S314 (our own image)
        assert f"Troop levels in {country}" in svg
        assert f"http://127.0.0.1:8000/countries/{code}/?as_of={TODAY}" in svg
    assert f"Wrote 2 of 2 files for 2 hosts to {tmp_path}" in out
    assert "2/2" in err, "the progress bar"
    mode = (tmp_path / f"levels-EE-{TODAY}.svg").stat().st_mode
    assert mode & stat.S_IRGRP, "readable like any file the user writes, not private"


def test_formats_filters_and_sizes_as_on_the_site(events, tmp_path):
    export(
        "--chart", "timeline", "--host", "LT", "--contributor", "DE",
        "--format", "png", "--format", "pdf", "--width", "800", "--height", "500",
        "--site", "https://example.org", "--out", str(tmp_path),
    )  # fmt: skip
    png = (tmp_path / f"timeline-LT-{TODAY}.png").read_bytes()
    assert png[:8] == PNG_SIGNATURE
    assert png[16:24] == (800).to_bytes(4, "big") + (500).to_bytes(4, "big")
    assert (tmp_path / f"timeline-LT-{TODAY}.pdf").read_bytes()[:5] == b"%PDF-"
    export("--chart", "timeline", "--host", "LT", "--format", "svg", "--out", str(tmp_path))
    svg = (tmp_path / f"timeline-LT-{TODAY}.svg").read_text()
    assert "Filters: hosts: Lithuania" in svg


def test_a_missing_folder_is_made(events, tmp_path):
    target = tmp_path / "charts" / "2024"
    export("--chart", "totals", "--as-of", "2024-01-01", "--out", str(target))
    assert [path.name for path in target.iterdir()] == ["totals-2024-01-01.png"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--host", "XX"], "--host: 'XX' is not an ISO 3166-1 alpha-2 country code"),
        (["--as-of", "soon"], "--as-of: 'soon' is not a date in the form YYYY-MM-DD"),
        (["--view-from", "2024-01-01"], "--view-to: give view_from and view_to together"),
        (["--width", "5000"], "--width: 5000 is out of range (300 to 4000)"),
    ],
)
def test_a_bad_option_is_named_and_nothing_is_written(events, tmp_path, args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        export("--chart", "timeline", *args, "--out", str(tmp_path / "out"))
    assert not (tmp_path / "out").exists()


def test_the_levels_chart_needs_one_host_or_each_host(events, tmp_path):
    with pytest.raises(CommandError, match="--host: the levels chart needs exactly one host"):
        export("--chart", "levels", "--out", str(tmp_path))


def test_an_unknown_chart_or_format_is_refused(events, tmp_path):
    with pytest.raises(CommandError, match="invalid choice: 'pie'"):
        export("--chart", "pie", "--out", str(tmp_path))
    with pytest.raises(CommandError, match="invalid choice: 'gif'"):
        export("--chart", "timeline", "--format", "gif", "--out", str(tmp_path))


def test_an_out_path_that_is_a_file_is_refused(events, tmp_path):
    taken = tmp_path / "taken"
    taken.write_text("x")
    with pytest.raises(CommandError, match="--out: cannot use"):
        export("--chart", "timeline", "--out", str(taken))


def test_each_host_with_no_events_says_so(events, tmp_path):
    with pytest.raises(CommandError, match="no host country has events"):
        export("--chart", "timeline", "--each-host", "--contributor", "FR", "--out", str(tmp_path))


def test_a_missing_browser_stops_with_its_reason(events, tmp_path, monkeypatch):
    monkeypatch.setattr(images, "_renderer", Renderer(browser="/nonexistent/chromium"))
    with pytest.raises(CommandError, match="no Chromium at '/nonexistent/chromium'"):
        export("--chart", "timeline", "--each-host", "--out", str(tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_times_out_is_reported_and_the_rest_are_written(events, tmp_path, monkeypatch):
    real = export_charts.render_chart

    def stuck_on_estonia(request, fmt, **kwargs):
        if request.filters.host == ("EE",):
            raise images.RenderTimeout("A chart image took longer than 20 s and was abandoned.")
        return real(request, fmt, **kwargs)

    monkeypatch.setattr(export_charts, "render_chart", stuck_on_estonia)
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 of 2 files could not be drawn"):
        call_command(
            "export_charts", "--chart", "timeline", "--each-host", "--out", str(tmp_path),
            stdout=io.StringIO(), stderr=err,
        )  # fmt: skip
    assert [path.name for path in tmp_path.iterdir()] == [f"timeline-LT-{TODAY}.png"]
    assert f"failed: timeline-EE-{TODAY}.png: A chart image took longer" in err.getvalue()


def test_a_size_too_small_for_the_chart_is_reported_naming_the_option(events, tmp_path):
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 of 1 files could not be drawn"):
        call_command(
            "export_charts", "--chart", "timeline", "--host", "EE", "--format", "svg",
            "--width", "300", "--height", "300", "--out", str(tmp_path),
            stdout=io.StringIO(), stderr=err,
        )  # fmt: skip
    assert list(tmp_path.iterdir()) == []
    assert f"failed: timeline-EE-{TODAY}.svg: --width: the chart cannot be drawn at 300 x 300" in (
        err.getvalue()
    )
