"""Static chart images (PNG, SVG, PDF) via kaleido and Debian's Chromium, one browser a process.

kaleido's sync server keeps one headless Chromium for the process (about 0.2 s an image once
warm), but it is not thread-safe and hangs forever if the browser cannot start (see
PLATFORM.md). So the renderer:

- starts lazily, on the first image a process draws (after gunicorn forks), and only once it has
  checked that the browser is where CHROMIUM_PATH says (RendererUnavailable otherwise);
- lets one render run at a time (a lock), so no request receives another request's image;
- abandons a render that takes longer than RENDER_TIMEOUT (RenderTimeout): the call runs in a
  worker thread that holds the lock until the browser answers, so a stuck browser makes later
  renders time out too (a 503), never hands them a stale result and never hangs a web worker.

`with_footer` is separate and pure: it makes an image explain itself once it leaves the site.
"""

from __future__ import annotations

import os
import shutil
import threading
from concurrent.futures import Future
from html import escape
from time import monotonic

import plotly.graph_objects as go

from . import charts

RENDER_TIMEOUT = 20.0
FORMATS = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
DEFAULT_CHROMIUM = "/usr/bin/chromium"

# The footer: one line per item, in pixels, below the chart's own legend.
FOOTER_LINE_PX = 17
FOOTER_PAD_PX = 10
FOOTER_LEGEND = "legend9"


class RendererUnavailable(RuntimeError):
    """The browser cannot be started: str() is the message for the reader and the log."""


class RenderTimeout(RuntimeError):
    """A render took longer than RENDER_TIMEOUT and was abandoned."""


def chromium_path() -> str:
    return os.environ.get("CHROMIUM_PATH", DEFAULT_CHROMIUM)


def _find_browser(path: str) -> str | None:
    if os.path.isfile(path) and os.access(path, os.X_OK):
        return path
    return shutil.which(path)


class Renderer:
    """One kaleido sync server for the process, started on first use; one render at a time."""

    def __init__(self, browser: str | None = None, timeout: float = RENDER_TIMEOUT) -> None:
        self.browser = browser
        self.timeout = timeout
        self._lock = threading.Lock()
        self._started = False

    def _start(self) -> None:
        """Start the browser (under the lock). Raise RendererUnavailable if it is missing."""
        if self._started:
            return
        wanted = self.browser or chromium_path()
        found = _find_browser(wanted)
        if found is None:
            raise RendererUnavailable(
                f"Chart images are unavailable: no Chromium at {wanted!r}. "
                "Install it (apt-get install chromium) or set CHROMIUM_PATH."
            )
        import kaleido
        import plotly.io as pio

        pio.defaults.headers = {}  # otherwise every to_image warns about kopts
        if not kaleido._global_server.is_running():
            kaleido.start_sync_server(path=found, mathjax=False, silence_warnings=True)
        self._started = True

    def _call(self, figure: dict, opts: dict) -> bytes:
        import kaleido

        self._start()
        return kaleido.calc_fig_sync(figure, opts=opts)

    def render(
        self, figure: go.Figure | dict, fmt: str, width: int, height: int, scale: float
    ) -> bytes:
        """The figure as image bytes; RendererUnavailable, RenderTimeout or ValueError."""
        if fmt not in FORMATS:
            raise ValueError(f"{fmt!r} is not one of {', '.join(FORMATS)}")
        data = figure.to_dict() if hasattr(figure, "to_dict") else figure
        opts = {"format": fmt, "width": width, "height": height, "scale": scale}
        deadline = monotonic() + self.timeout
        if not self._lock.acquire(timeout=self.timeout):
            raise RenderTimeout(
                f"Chart images are busy or stuck: no render slot within {self.timeout:g} s."
            )
        result: Future = Future()

        def work() -> None:
            try:
                result.set_result(self._call(data, opts))
            except BaseException as error:  # handed to the waiting request
                result.set_exception(error)
            finally:
                self._lock.release()

        try:
            threading.Thread(target=work, name="chart-render", daemon=True).start()
        except BaseException:
            self._lock.release()
            raise
        try:
            return result.result(timeout=max(0.0, deadline - monotonic()))
        except TimeoutError:
            raise RenderTimeout(
                f"A chart image took longer than {self.timeout:g} s and was abandoned."
            ) from None


_renderer = Renderer()


def render(figure: go.Figure | dict, fmt: str, width: int, height: int, scale: float) -> bytes:
    """The process's renderer: see Renderer.render."""
    return _renderer.render(figure, fmt, width, height, scale)


def _plain(text: str) -> str:
    """Plain text made safe for Plotly's HTML-ish labels."""
    return escape(text, quote=False)


def with_footer(
    figure: go.Figure,
    *,
    title: str,
    filters_text: str,
    as_of_text: str,
    sources_text: str,
    exported_on: str,
    url: str,
) -> go.Figure:
    """A copy of `figure` titled, with a footer a reader can cite: filters, as-of date, sources,
    export date and the view's URL. All arguments are plain text (escaped here); empty lines are
    left out.

    Plotly anchors annotations to the plot area only, so the footer is the title of an extra
    legend anchored to the bottom of the image (Plotly makes room for legends), and the chart's
    own bottom legend moves up above it.
    """
    figure = go.Figure(figure)
    height = figure.layout.height or 700
    lines = [
        filters_text,
        as_of_text,
        sources_text,
        f"Exported {exported_on}" if exported_on else "",
        url,
    ]
    lines = [_plain(line) for line in lines if line]
    footer_px = FOOTER_PAD_PX + FOOTER_LINE_PX * len(lines)

    layout = figure.layout
    if layout.title.text:
        layout.title.text = _plain(title)
        layout.title.pad.l = 8
    else:
        # No title yet (the timeline): one at the top, pushing the top legend down.
        shift = 28
        layout.title = {
            "text": _plain(title),
            "font": {"size": 15},
            "pad": {"l": 8},
            "x": 0,
            "xanchor": "left",
            "xref": "container",
            "y": 1 - 8 / height,
            "yanchor": "top",
            "yref": "container",
        }
        layout.margin.t = (layout.margin.t or 0) + shift
        top = layout.to_plotly_json().get("legend2") or {}
        if top.get("yref") == "container" and top.get("y") is not None:
            figure.update_layout(legend2_y=top["y"] - shift / height)
    if layout.legend.yref == "container" and (layout.legend.y or 0) < 0.5:
        layout.legend.y = (layout.legend.y or 0) + footer_px / height
    layout.margin.b = max(layout.margin.b or 0, footer_px)

    # An invisible entry carries the legend that carries the footer.
    figure.add_trace(
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            marker={"color": "rgba(0,0,0,0)", "size": 1, "line": {"width": 0}},
            name=" ",
            legend=FOOTER_LEGEND,
            showlegend=True,
            hoverinfo="skip",
        )
    )
    figure.update_layout(
        {
            FOOTER_LEGEND: {
                "title": {
                    "text": "<br>".join(lines),
                    "side": "left",
                    "font": {"size": 11, "color": "#555"},
                },
                **charts.BOTTOM_LEFT,
                "orientation": "h",
                "bgcolor": "rgba(0,0,0,0)",
                "itemclick": False,
                "itemdoubleclick": False,
                "font": {"size": 1},
            }
        }
    )
    return figure
