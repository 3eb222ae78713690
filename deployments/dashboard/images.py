"""Static chart images (PNG, SVG, PDF) via kaleido and Debian's Chromium, one browser a process.

kaleido keeps a headless Chromium with a tab that has plotly.js loaded. Its sync server is not
thread-safe and hangs forever if the browser cannot start (see PLATFORM.md), and it reloads the
tab (plotly.js again, about 120 ms) after every image, before handing the image back. So the
renderer runs kaleido on an event loop of its own:

- it starts lazily, on the first image a process draws (after gunicorn forks), once it has
  checked that the browser is where CHROMIUM_PATH says; a browser that is missing or does not
  start within START_TIMEOUT is a RendererUnavailable (and is killed), never a hang;
- each call waits on its own future, so no request can receive another request's image, and a
  lock lets one render run at a time;
- the tab is reused between images and reloaded every RELOAD_EVERY images to bound its memory
  (plotly.js draws each image in a fresh element and purges it);
- a render that takes longer than RENDER_TIMEOUT is abandoned (RenderTimeout) and its browser
  killed; the next image starts a fresh one;
- a figure plotly.js cannot draw (at too small a size, say) is a FigureError, and the browser
  carries on.

`still` and `with_footer` are separate and pure: they turn a page's figure (as a dict) into a
picture that explains itself once it leaves the site.
"""

from __future__ import annotations

import asyncio
import atexit
import copy
import logging
import os
import shutil
import signal
import threading
from concurrent.futures import TimeoutError as FutureTimeout
from html import escape
from time import monotonic

from kaleido.errors import KaleidoError
from kaleido.kaleido import Kaleido

from . import charts

log = logging.getLogger(__name__)

RENDER_TIMEOUT = 20.0
START_TIMEOUT = 15.0  # Chromium's cold start takes about 3 s here
RELOAD_EVERY = 100
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


class FigureError(ValueError):
    """plotly.js could not draw the figure (at too small a size, say); the browser is fine."""


def chromium_path() -> str:
    return os.environ.get("CHROMIUM_PATH", DEFAULT_CHROMIUM)


def _find_browser(path: str) -> str | None:
    if os.path.isfile(path) and os.access(path, os.X_OK):
        return path
    return shutil.which(path)


class _TabKeepingKaleido(Kaleido):
    """kaleido that hands its tab back without reloading it, but every RELOAD_EVERY images."""

    _images = 0

    async def _return_kaleido_tab(self, tab) -> None:
        self._images += 1
        if self._images % RELOAD_EVERY == 0:
            await tab.reload()
        await self.tabs_ready.put(tab)


class _Browser:
    """One kaleido (one Chromium, one tab) and the event loop thread it runs on."""

    def __init__(self, path: str, timeout: float) -> None:
        self.loop = asyncio.new_event_loop()
        # An abandoned render or start ends in a cancelled task: a log line, not a traceback.
        self.loop.set_exception_handler(
            lambda loop, context: log.info("Chart browser: %s", context.get("message"))
        )
        threading.Thread(target=self.loop.run_forever, name="chart-browser", daemon=True).start()
        self.kaleido = _TabKeepingKaleido(n=1, timeout=None, path=path, mathjax=False)
        self.killed = False
        try:
            self.run(self.kaleido.open(), timeout)
        except FutureTimeout:
            self.abandon()
            raise RendererUnavailable(
                f"Chart images are unavailable: Chromium at {path!r} did not start "
                f"within {timeout:g} s."
            ) from None
        except Exception as error:
            self.close()
            reason = error.args[0] if error.args else type(error).__name__
            raise RendererUnavailable(
                f"Chart images are unavailable: Chromium at {path!r} could not start ({reason})"
            ) from None

    def run(self, coroutine, timeout: float):
        """Run `coroutine` on the browser's loop; FutureTimeout (and cancelled) after `timeout`."""
        future = asyncio.run_coroutine_threadsafe(coroutine, self.loop)
        try:
            return future.result(timeout=timeout)
        except FutureTimeout:
            future.cancel()
            raise

    def close(self, timeout: float = 5.0) -> None:
        """Close the browser (waiting at most `timeout`) and stop the loop."""
        if self.kaleido is not None:
            try:
                self.run(self.kaleido.close(), timeout)  # also removes its temporary folders
            except Exception as error:
                if not self.killed:  # a killed browser cannot say goodbye: nothing to report
                    log.warning("Chart browser did not close (%r): killing it", error)
                self.kill()
            self.kaleido = None
        self.loop.call_soon_threadsafe(self.loop.stop)

    def kill(self) -> None:
        """Kill the browser's process group at once (it runs in a group of its own)."""
        self.killed = True
        process = getattr(self.kaleido, "subprocess", None)
        if process is not None and process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                process.kill()

    def abandon(self) -> None:
        """A stuck browser: kill it now, tidy up kaleido and the loop in the background."""
        self.kill()
        threading.Thread(target=self.close, kwargs={"timeout": 1.0}, daemon=True).start()


class Renderer:
    """One browser for the process, started on first use; one render at a time."""

    def __init__(
        self,
        browser: str | None = None,
        timeout: float = RENDER_TIMEOUT,
        start_timeout: float = START_TIMEOUT,
    ) -> None:
        self.browser = browser
        self.timeout = timeout
        self.start_timeout = start_timeout
        self._lock = threading.Lock()
        self._browser: _Browser | None = None
        atexit.register(self.close)

    def _render(self, browser: _Browser, figure: dict, opts: dict):
        """The coroutine that draws one image (a seam for tests)."""
        return browser.kaleido.calc_fig(figure, opts=opts)

    def render(self, figure: dict, fmt: str, width: int, height: int, scale: float) -> bytes:
        """The figure as image bytes; RendererUnavailable, RenderTimeout, FigureError (a
        ValueError) or ValueError."""
        if fmt not in FORMATS:
            raise ValueError(f"{fmt!r} is not one of {', '.join(FORMATS)}")
        opts = {"format": fmt, "width": width, "height": height, "scale": scale}
        deadline = monotonic() + self.timeout
        if not self._lock.acquire(timeout=self.timeout):
            raise RenderTimeout(f"Chart images are busy: no render slot within {self.timeout:g} s.")
        try:
            if self._browser is None:
                wanted = self.browser or chromium_path()
                found = _find_browser(wanted)
                if found is None:
                    raise RendererUnavailable(
                        f"Chart images are unavailable: no Chromium at {wanted!r}. "
                        "Install it (apt-get install chromium) or set CHROMIUM_PATH."
                    )
                self._browser = _Browser(found, self.start_timeout)
                deadline = monotonic() + self.timeout  # the render's own time starts now
            browser = self._browser
            try:
                return browser.run(
                    self._render(browser, figure, opts), max(0.0, deadline - monotonic())
                )
            except FutureTimeout:
                # The browser may be stuck: close it out of the request's way; start afresh.
                self._browser = None
                browser.abandon()
                raise RenderTimeout(
                    f"A chart image took longer than {self.timeout:g} s and was abandoned."
                ) from None
            except KaleidoError as error:
                # plotly.js refused this figure and said why: the browser is fine, keep it.
                raise FigureError(str(error)) from None
            except Exception as error:
                # A crashed or confused browser: the next image starts a fresh one.
                self._browser = None
                browser.abandon()
                log.exception("Chart browser failed")
                raise RendererUnavailable(
                    f"Chart images are unavailable: the browser failed ({type(error).__name__}); "
                    "the next image starts a fresh one."
                ) from error
        finally:
            self._lock.release()

    def close(self) -> None:
        """Close the browser, if one is running (at exit, and in tests)."""
        with self._lock:
            if self._browser is not None:
                self._browser.close()
                self._browser = None


_renderer = Renderer()


def render(figure: dict, fmt: str, width: int, height: int, scale: float) -> bytes:
    """The process's renderer: see Renderer.render."""
    return _renderer.render(figure, fmt, width, height, scale)


def _plain(text: str) -> str:
    """Plain text made safe for Plotly's HTML-ish labels."""
    return escape(text, quote=False)


# Trace keys that only serve the page's hover and clicks: a still image does not need them.
INTERACTIVE_ONLY = ("hovertext", "hovertemplate", "hoverinfo", "customdata")


def still(figure: dict, width: int, height: int, x_range: tuple[str, str] | None = None) -> dict:
    """A copy of a page's figure (`to_dict()`) for a still image of `width` x `height` pixels,
    its x axis showing `x_range` (the dates the reader zoomed to) if given.

    No range slider (a page control) and no hover data; the title and top legend stay as far
    from the top in pixels as on the page, less the room the page keeps for the modebar.
    """
    layout = copy.deepcopy(figure.get("layout") or {})
    old = layout.get("height") or height
    gap = charts.MODEBAR_PX - 8
    for name in ("title", "legend2"):
        part = layout.get(name)
        if isinstance(part, dict) and part.get("yref") == "container" and "y" in part:
            part["y"] = 1 - max(0, (1 - part["y"]) * old - gap) / height
    margin = layout.get("margin") or {}
    if margin.get("t") is not None:
        margin["t"] = max(8, margin["t"] - gap)
    for name, axis in layout.items():
        if name.startswith("xaxis") and isinstance(axis, dict) and "rangeslider" in axis:
            axis["rangeslider"] = {**axis["rangeslider"], "visible": False}
    if x_range is not None:
        layout["xaxis"] = {**layout.get("xaxis", {}), "range": list(x_range), "autorange": False}
    layout.update(width=width, height=height)
    data = [
        {key: value for key, value in trace.items() if key not in INTERACTIVE_ONLY}
        for trace in figure.get("data") or []
    ]
    return {"data": data, "layout": layout}


def with_footer(
    figure: dict,
    *,
    title: str,
    filters_text: str,
    as_of_text: str,
    sources_text: str,
    exported_on: str,
    url: str,
) -> dict:
    """A copy of `figure` (a figure dict) titled, with a footer a reader can cite: filters,
    as-of date, sources, export date and the view's URL. All arguments are plain text (escaped
    here); empty lines are left out.

    Plotly anchors annotations to the plot area only, so the footer is the title of an extra
    legend anchored to the bottom of the image (Plotly makes room for legends), and the chart's
    own bottom legend moves up above it.
    """
    layout = copy.deepcopy(figure.get("layout") or {})
    height = layout.get("height") or 700
    lines = [
        filters_text,
        as_of_text,
        sources_text,
        f"Exported {exported_on}" if exported_on else "",
        url,
    ]
    lines = [_plain(line) for line in lines if line]
    footer_px = FOOTER_PAD_PX + FOOTER_LINE_PX * len(lines)

    margin = layout.setdefault("margin", {})
    heading = layout.get("title")
    if isinstance(heading, dict) and heading.get("text"):
        heading["text"] = _plain(title)
        heading.setdefault("pad", {})["l"] = 8
    else:
        # No title yet (the timeline): one at the top, pushing the top legend down.
        shift = 28
        layout["title"] = {
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
        margin["t"] = (margin.get("t") or 0) + shift
        top = layout.get("legend2")
        if isinstance(top, dict) and top.get("yref") == "container" and "y" in top:
            top["y"] -= shift / height
    legend = layout.get("legend")
    if isinstance(legend, dict) and legend.get("yref") == "container" and legend.get("y", 0) < 0.5:
        legend["y"] = legend.get("y", 0) + footer_px / height
    margin["b"] = max(margin.get("b") or 0, footer_px)
    layout[FOOTER_LEGEND] = {
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
    # An invisible entry carries the legend that carries the footer.
    carrier = {
        "type": "scatter",
        "x": [None],
        "y": [None],
        "mode": "markers",
        "marker": {"color": "rgba(0,0,0,0)", "size": 1, "line": {"width": 0}},
        "name": " ",
        "legend": FOOTER_LEGEND,
        "showlegend": True,
        "hoverinfo": "skip",
    }
    return {"data": [*(figure.get("data") or []), carrier], "layout": layout}
