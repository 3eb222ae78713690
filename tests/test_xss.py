"""Markup in the records is text everywhere: an event whose summary and quote, and an article
whose title, outlet and body hold script and HTML payloads, shown on every reader page, in the
editors' admin pages, in Plotly's hover labels and in the exported chart images.

On each page: no dialog opens, no injected element exists (no script of ours that is not a
static file or JSON data, no on* attribute, no img src=x, no javascript: link), the Content
Security Policy had nothing to block, and the payload is shown literally where the field is.
Real Chromium against a live server, as in test_browser.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from types import SimpleNamespace
from urllib.parse import quote as urlquote

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import Page, expect

from deployments.records.models import Event

from .conftest import EDITOR_PASSWORD, editors_group
from .factories import cite, make_article, make_event, make_outlet

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"
BOLD = "<b>bold</b>"
LINK = "<a href=javascript:alert(3)>click</a>"
SUMMARY = f"About 500 US troops {SCRIPT} {IMG} {BOLD} {LINK} in Lithuania"
QUOTE = f"about 500 US troops {SCRIPT} arrived {IMG} in Lithuania"
BEFORE = f"Officials said {IMG} on Monday that "
AFTER = f" {BOLD} this week."
BODY = (
    f"Baltic report {SCRIPT}\n\n"
    f"{BEFORE}{QUOTE}{AFTER} More troops <svg onload=alert(4)> may follow {SCRIPT} later."
)
TITLE = f"Troops {SCRIPT} arrive {IMG}"
OUTLET = f"Wire {SCRIPT} {IMG} {BOLD} {LINK}"

browser = pytest.mark.browser
live = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def q(text: str) -> str:
    return urlquote(text, safe="")


@pytest.fixture
def records():
    """The outlet, article and published event full of markup; the event's summary was changed
    to the payload after it was made, so its history shows it as a change."""
    outlet = make_outlet(OUTLET, domain="wire.example")
    article = make_article(BODY, outlet=outlet, title=TITLE, url="javascript:alert(8)")
    event = make_event(summary="About 500 US troops arrive in Lithuania")
    cite(event, article, QUOTE)
    event.summary = SUMMARY
    event.save()
    editor = User.objects.create_user("eddie", password=EDITOR_PASSWORD, is_staff=True)
    editor.groups.add(editors_group())
    return SimpleNamespace(
        event=event.pk,
        article=article.pk,
        outlet=outlet.pk,
        citation=event.citations.get().pk,
        history=event.history.latest().history_id,  # the version with the payload
        editor=editor,
    )


# What a page must not have, read from the live DOM.
INJECTED = """() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attribute of el.attributes) {
      const name = attribute.name.toLowerCase();
      if (name.startsWith('on')) found.push(`${el.tagName} ${name}`);
      if (['href', 'src', 'action', 'formaction', 'xlink:href'].includes(name)
          && /^\\s*javascript:/i.test(attribute.value)) {
        found.push(`${el.tagName} ${name}=${attribute.value}`);
      }
    }
  }
  document.querySelectorAll('img[src="x"], image[href="x"]').forEach(() => found.push('img src=x'));
  for (const script of document.scripts) {
    if (script.type === 'application/json') continue;  // data, never run
    if (!script.src || new URL(script.src).origin !== location.origin) {
      found.push('script ' + script.outerHTML.slice(0, 80));
    }
  }
  return found;
}"""


DRAWN = "[...document.querySelectorAll('[data-figure]')].every((c) => c.querySelector('.main-svg'))"


class Watch:
    """Dialogs and console messages of one page, from before it loads."""

    def __init__(self, page: Page):
        self.page = page
        self.dialogs: list[str] = []
        self.console: list[str] = []
        page.on("dialog", self._dialog)
        page.on("console", lambda message: self.console.append(message.text))
        page.on("pageerror", lambda error: self.console.append(str(error)))

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def open(self, url: str) -> None:
        """Load the page and wait until every chart on it is drawn."""
        self.page.goto(url)
        self.page.wait_for_function(DRAWN)

    def assert_inert(self) -> None:
        assert self.dialogs == [], "a payload ran"
        assert self.page.evaluate(INJECTED) == [], "a payload became markup"
        blocked = [text for text in self.console if "Content Security Policy" in text]
        assert blocked == [], "a payload became markup (the CSP stopped it)"


@pytest.fixture
def watch(page: Page) -> Watch:
    return Watch(page)


def sign_in(page: Page, live_server, user) -> None:
    """The editor's session cookie in the browser, without the login form."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def shows(page: Page, selector: str, *texts: str) -> None:
    """The element's visible text holds each text literally."""
    element = page.locator(selector).first
    for text in texts:
        expect(element).to_contain_text(text)


# The editor saves and publishes the event through the admin.


@browser
@live
def test_an_editor_saves_and_publishes_an_event_full_of_markup(page: Page, live_server, watch):
    article = make_article(BODY, outlet=make_outlet(OUTLET), title=TITLE)
    editor = User.objects.create_user("eddie", password=EDITOR_PASSWORD, is_staff=True)
    editor.groups.add(editors_group())

    watch.open(live_server.url + "/admin/login/")
    page.fill("#id_username", "eddie")
    page.fill("#id_password", EDITOR_PASSWORD)
    page.click("input[type=submit]")
    watch.open(live_server.url + "/admin/records/event/add/")
    page.fill("#id_summary", SUMMARY)
    page.select_option("#id_kind", "presence")
    page.fill("#id_date", "2022-02-09")
    page.select_option("#id_host_country", "LT")
    page.select_option("#id_contributor", "US")
    page.fill("#id_quantity", "500")
    page.select_option("#id_qualifier", "about")
    page.select_option("#id_status", "published")
    # The article's autocomplete lists its title: the payload in select2's menu.
    page.locator("#citations-0 .select2-selection").click()
    page.locator(".select2-search__field").fill("Troops")
    option = page.locator(".select2-results__option", has_text=TITLE)
    expect(option).to_have_text(TITLE)
    watch.assert_inert()
    option.click()
    page.fill("#id_citations-0-quote", QUOTE)
    page.click("input[name=_continue]")

    shows(page, ".messagelist", SUMMARY)
    expect(page.locator("#id_summary")).to_have_value(SUMMARY)
    shows(page, ".cited-context mark", QUOTE)
    watch.assert_inert()
    event = Event.objects.get()
    assert (event.summary, event.status) == (SUMMARY, Event.Status.PUBLISHED)
    assert event.citations.get().quote == QUOTE
    assert event.citations.get().article == article


# Reader pages: (path, [(selector, literal texts)]).

EVENTS_TABLE = ".data-table:has(a[data-event-id])"  # a country page has its levels' table too

READER_PAGES = {
    "timeline": ("/", [(EVENTS_TABLE, SUMMARY)]),
    "rows by contributor": ("/?rows=contributor", [(EVENTS_TABLE, SUMMARY)]),
    "event": (
        "/events/{event}/",
        [
            (".event-summary", SUMMARY),
            (".citation mark", QUOTE),
            (".citation blockquote", BEFORE.strip(), AFTER.strip()),
            (".citation .outlet", OUTLET),
            (".citation cite", TITLE),  # its javascript: URL is not made a link
        ],
    ),
    "totals": ("/totals/?as_of=2022-03-01", [(".data-table", "United States")]),
    "totals of a host": ("/totals/?as_of=2022-03-01&host=LT", [(".data-table", "500")]),
    "totals with a text filter": (f"/totals/?q={q(SCRIPT)}", [(".notice", "Not applied here: q")]),
    "country": ("/countries/LT/", [(EVENTS_TABLE, SUMMARY)]),
    "search": (f"/?q={q(SCRIPT)}", [(EVENTS_TABLE, SUMMARY), (".count", "1 event matching")]),
    "search for the img": (f"/?q={q(IMG)}", [(EVENTS_TABLE, SUMMARY)]),
    "search the outlet": (f"/?q={q(OUTLET)}", [(EVENTS_TABLE, SUMMARY)]),
    "country search": (f"/countries/LT/?q={q(BOLD)}", [(EVENTS_TABLE, SUMMARY)]),
    "bad filter": (f"/?from={q(SCRIPT)}", [(".alert", SCRIPT)]),
    "bad country filter": (f"/countries/LT/?to={q(IMG)}", [(".alert", IMG)]),
    "bad export filter": (f"/totals.csv?host={q(SCRIPT)}", [("body", SCRIPT)]),
    "json export": (f"/events.json?q={q(SCRIPT)}", [("body", SCRIPT, IMG)]),
}


@browser
@live
@pytest.mark.parametrize("name", READER_PAGES)
def test_reader_pages_show_markup_as_text(page: Page, live_server, records, watch, name):
    path, checks = READER_PAGES[name]
    watch.open(live_server.url + path.format(**vars(records)))
    watch.assert_inert()
    for selector, *texts in checks:
        shows(page, selector, *texts)
    search = page.locator("input[name=q]")
    if "?q=" in path and search.count():
        query = re.search(r"\?q=([^&]+)", path).group(1)
        expect(search).to_have_value(next(t for t in (SCRIPT, IMG, OUTLET, BOLD) if q(t) == query))
    if name == "event":
        assert SCRIPT in page.title()


@browser
@live
def test_a_search_typed_into_the_form_updates_the_page_as_text(
    page: Page, live_server, records, watch
):
    watch.open(live_server.url + "/")
    page.fill("input[name=q]", IMG)
    page.locator("input[name=q]").press("Enter")  # htmx swaps the results in
    expect(page).to_have_url(re.compile(r"q=%3Cimg"))
    expect(page.locator(".results .count")).to_have_text("1 event matching these filters")
    page.wait_for_selector("#timeline-chart .main-svg")
    # A click on the table's event opens it beside the chart (another htmx swap).
    page.locator(".data-table a[data-event-id]").first.click()
    shows(page, "#event-detail .event-summary", SUMMARY)
    shows(page, "#event-detail mark", QUOTE)
    watch.assert_inert()


# Plotly's hover labels take a subset of HTML: the figures escape the records' text.

HOVER_MARKUP = """(selector) => {
  const layer = document.querySelector(selector + ' .hoverlayer');
  const bold = [...layer.querySelectorAll('tspan')].filter(
    (t) => /bold/.test(t.getAttribute('style') || '') && t.textContent === 'bold');
  return {links: layer.querySelectorAll('a').length, bold: bold.length};
}"""


def hover_text(page: Page, selector: str) -> str:
    """The hover label's lines joined by spaces (Plotly wraps them at spaces)."""
    label = page.locator(f"{selector} .hoverlayer .hovertext")
    expect(label).to_have_count(1)
    lines = label.locator("text tspan.line").all_text_contents()
    return " ".join(lines or [label.text_content()])


def hover(page: Page, selector: str, point_selector: str) -> None:
    """Move the mouse onto the largest point or bar Plotly drew (a legend key draws none)."""
    drawn = [point.bounding_box() for point in page.locator(f"{selector} {point_selector}").all()]
    box = max(filter(None, drawn), key=lambda box: box["width"] * box["height"])
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


@browser
@live
def test_the_timeline_hover_shows_the_summary_as_text(page: Page, live_server, records, watch):
    watch.open(live_server.url + "/")
    page.wait_for_selector("#timeline-chart .main-svg")
    hover(page, "#timeline-chart", ".scatterlayer .trace .points path")
    text = hover_text(page, "#timeline-chart")
    for literal in (SCRIPT, IMG, BOLD, LINK):
        assert literal in text
    assert f"Sources: {OUTLET}" in text
    assert page.evaluate(HOVER_MARKUP, "#timeline-chart") == {"links": 0, "bold": 0}
    watch.assert_inert()


@browser
@live
def test_the_totals_hover_shows_the_summary_as_text(page: Page, live_server, records, watch):
    watch.open(live_server.url + "/totals/?as_of=2022-03-01")
    chart = "[data-figure=totals-figure]"
    page.wait_for_selector(f"{chart} .main-svg")
    hover(page, chart, ".barlayer .point path")
    text = hover_text(page, chart)
    assert f"#{records.event} {SUMMARY}" in text
    assert page.evaluate(HOVER_MARKUP, chart) == {"links": 0, "bold": 0}
    watch.assert_inert()


# The editors' admin pages: (path, [(selector, literal texts)]), ("=selector", value) for fields.

ADMIN_PAGES = {
    "event list": ("/admin/records/event/", [("#result_list", SUMMARY)]),
    "event change": (
        "/admin/records/event/{event}/change/",
        [
            ("=#id_summary", SUMMARY),
            ("=#id_citations-0-quote", QUOTE),
            (".cited-context", BEFORE.strip(), AFTER.strip()),
            (".cited-context mark", QUOTE),
            ("#citations-0 .select2-selection__rendered", TITLE),
        ],
    ),
    "event history": ("/admin/records/event/{event}/history/", [("#content", SCRIPT, IMG)]),
    "event version to revert to": (
        "/admin/records/event/{event}/history/{history}/",
        [("=#id_summary", SUMMARY), ("#content", f"Revert 9 February 2022 · {SUMMARY}")],
    ),
    "event delete": ("/admin/records/event/{event}/delete/", [("#content", SUMMARY)]),
    "article list": ("/admin/records/article/", [("#result_list", TITLE, OUTLET)]),
    "article change": (
        "/admin/records/article/{article}/change/",
        [
            ("=#id_title", TITLE),
            ("=#id_url", "javascript:alert(8)"),
            (".field-outlet .select2-selection__rendered", OUTLET),
            (".article-body", "Baltic report", SCRIPT, BEFORE.strip(), "<svg onload=alert(4)>"),
            (".article-body mark.cited", QUOTE),
            (".citing-events", SUMMARY),
        ],
    ),
    "suggest events": (
        "/admin/records/article/{article}/suggest/",
        [
            (".suggest-body", "<svg onload=alert(4)>", BEFORE.strip(), AFTER.strip()),
            (".candidates", SUMMARY, QUOTE),
            (".breadcrumbs", "Troops <script>alert(1)"),
        ],
    ),
    "article history": ("/admin/records/article/{article}/history/", [("#content", TITLE)]),
    "outlet list": ("/admin/records/outlet/", [("#result_list", OUTLET)]),
    "outlet change": ("/admin/records/outlet/{outlet}/change/", [("=#id_name", OUTLET)]),
    "citation list": ("/admin/records/citation/", [("#result_list", SCRIPT, IMG)]),
    "citation change": (
        "/admin/records/citation/{citation}/change/",
        [("=#id_quote", QUOTE), (".cited-context", BEFORE.strip())],
    ),
    "search": (f"/admin/records/event/?q={q(SCRIPT)}", [("#result_list", SUMMARY)]),
}


@browser
@live
@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_admin_pages_show_markup_as_text(page: Page, live_server, records, watch, name):
    path, checks = ADMIN_PAGES[name]
    sign_in(page, live_server, records.editor)
    watch.open(live_server.url + path.format(**vars(records)))
    assert page.url.startswith(live_server.url + "/admin/records/"), "not signed in"
    watch.assert_inert()
    for selector, *texts in checks:
        if selector.startswith("="):
            expect(page.locator(selector[1:])).to_have_value(texts[0])
        else:
            shows(page, selector, *texts)
    # The highlighted body's links carry the summary in a title: escaped once, not twice.
    if name == "article change":
        title = page.locator(".article-body mark.cited").first.get_attribute("title")
        assert title == f"Event {records.event}: {SUMMARY}"


# Chart images: the SVG is text too, with no script or handler in it.


def svg_of(client, path: str) -> tuple[ET.Element, str]:
    response = client.get(path)
    assert response.status_code == 200, response.content[:300]
    root = ET.fromstring(response.content)  # noqa: S314 - well-formed: no payload broke it
    return root, "".join(root.itertext())


def injected_in_svg(root: ET.Element) -> list[str]:
    found = []
    for element in root.iter():
        name = element.tag.rsplit("}", 1)[-1].lower()
        if name in ("script", "img", "iframe", "foreignobject", "b", "a"):
            found.append(name)
        for attribute, value in element.attrib.items():
            attribute = attribute.rsplit("}", 1)[-1].lower()
            if attribute.startswith("on") or value.strip().lower().startswith("javascript:"):
                found.append(f"{name} {attribute}")
    return found


@browser
@pytest.mark.django_db
@pytest.mark.parametrize(
    "path, literals",
    [
        ("/charts/timeline.svg", [f"from outlet {OUTLET}"]),
        (f"/charts/timeline.svg?q={q(SCRIPT)}", [f"text contains “{SCRIPT}”", OUTLET]),
        (f"/charts/timeline.svg?q={q(IMG)}&rows=contributor", [f"text contains “{IMG}”"]),
        (f"/charts/timeline.svg?q={q(LINK)}", [f"text contains “{LINK}”"]),
        ("/charts/totals.svg?as_of=2022-03-01", [f"from outlet {OUTLET}"]),
        ("/charts/levels.svg?host=LT&as_of=2022-03-01", [f"from outlet {OUTLET}"]),
    ],
)
def test_chart_images_hold_the_text_escaped(client, records, path, literals):
    root, text = svg_of(client, path)
    for literal in literals:
        assert literal in text
    assert injected_in_svg(root) == []


@browser
@pytest.mark.django_db
def test_the_export_command_writes_the_same_inert_svg(records, tmp_path):
    """export_charts draws the same picture as the endpoint, with the same footer."""
    out = tmp_path / "charts"
    args = ["--chart", "timeline", "--format", "svg", "--out", str(out), "--q", SCRIPT]
    call_command("export_charts", *args, stdout=io.StringIO(), stderr=io.StringIO())
    (written,) = out.glob("*.svg")
    root = ET.parse(written).getroot()  # noqa: S314 (our own image)
    text = "".join(root.itertext())
    assert f"from outlet {OUTLET}" in text and f"text contains “{SCRIPT}”" in text
    assert injected_in_svg(root) == []
