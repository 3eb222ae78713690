"""What only a browser shows: the charts draw, filters update chart and URL in place, a click
opens an event's quote, back restores the view. Real Chromium against a live server."""

import re

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .conftest import EDITOR_PASSWORD

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.browser,
]


@pytest.fixture
def site(live_server, tmp_path):
    call_command("load_curated", stdout=(tmp_path / "load").open("w"))
    call_command("import_articles", str(settings.SEEDS_DIR), stdout=(tmp_path / "imp").open("w"))
    return live_server.url


@pytest.fixture
def errors(page: Page):
    """Console errors and uncaught exceptions on the page; a test asserts there are none."""
    seen = []
    page.on("console", lambda message: seen.append(message.text) if message.type == "error" else 0)
    page.on("pageerror", lambda error: seen.append(str(error)))
    return seen


# The event ids drawn in a chart, read from Plotly's own data (none before it is drawn).
CHART_IDS = """(selector) => (document.querySelector(selector).data || [])
                 .flatMap((trace) => trace.customdata || []).filter(Number.isInteger)"""


def chart_ids(page: Page, selector: str) -> set:
    return set(page.evaluate(CHART_IDS, selector))


def layout_is_intact(page: Page, selector: str) -> bool:
    """Whether the chart's Plotly SVG sits absolutely inside a box of real width.

    Polled, not read once: after an htmx swap the chart is emptied and redrawn, and a single
    read can land between the two (no SVG yet). A broken layout never passes, so it times out.
    """
    try:
        page.wait_for_function(
            """(selector) => {
                 const chart = document.querySelector(selector);
                 const svg = chart && chart.querySelector('.main-svg');
                 if (!svg) return false;
                 const box = chart.getBoundingClientRect();
                 return getComputedStyle(svg).position === 'absolute'
                     && svg.getBoundingClientRect().width <= box.width + 1 && box.width > 200;
               }""",
            arg=selector,
            timeout=10_000,
        )
    except PlaywrightTimeoutError:
        return False
    return True


def click_marker(page: Page, event_id: int) -> None:
    """Click the marker Plotly drew for one event (its SVG node, wherever the row put it)."""
    x, y = page.evaluate(
        """(id) => {
             const chart = document.querySelector('#timeline-chart');
             const layers = chart.querySelectorAll('.scatterlayer .trace');
             for (const [t, trace] of chart.data.entries()) {
               const i = (trace.customdata || []).indexOf(id);
               if (i < 0) continue;
               const box = layers[t].querySelectorAll('.points path')[i].getBoundingClientRect();
               return [box.left + box.width / 2, box.top + box.height / 2];
             }
             throw new Error('no marker for event ' + id);
           }""",
        event_id,
    )
    page.mouse.move(x, y)
    page.mouse.click(x, y)


def test_the_timeline_draws_with_no_console_error(page: Page, site, errors):
    page.goto(site + "/")
    page.wait_for_selector("#timeline-chart .main-svg")
    assert len(chart_ids(page, "#timeline-chart")) == 34
    assert layout_is_intact(page, "#timeline-chart")
    assert errors == []


def test_changing_a_filter_updates_the_chart_and_the_url(page: Page, site, errors):
    page.goto(site + "/")
    page.wait_for_selector("#timeline-chart .main-svg")
    page.select_option("select[name=host]", "LT")
    expect(page).to_have_url(re.compile(r"/\?host=LT$"))
    expect(page.locator(".results .count")).to_have_text("15 events matching these filters")
    # Polled: the chart is redrawn just after the swap, so one read could still see the old one.
    page.wait_for_function(
        f"(selector) => ({CHART_IDS})(selector).length === 15", arg="#timeline-chart"
    )
    assert len(chart_ids(page, "#timeline-chart")) == 15
    assert layout_is_intact(page, "#timeline-chart"), "Plotly's layout broke after the htmx swap"
    assert errors == []


def test_clicking_a_marker_shows_the_events_quote_and_keeps_the_zoom(page: Page, site, errors):
    page.goto(site + "/?host=LT")
    page.wait_for_selector("#timeline-chart .main-svg")
    page.evaluate(
        "Plotly.relayout('timeline-chart', {'xaxis.range': ['2022-01-15', '2022-04-01']})"
    )
    event_id = page.evaluate(
        """() => { const rows = [...document.querySelectorAll('.data-table a[data-event-id]')];
                   const row = rows.find((a) => a.textContent.includes('four F-16s'));
                   return Number(row.dataset.eventId); }"""
    )
    click_marker(page, event_id)
    detail = page.locator("#event-detail")
    expect(detail.locator("mark")).to_contain_text("Denmark is set to deploy four F-16s")
    expect(detail).to_contain_text("Foreign Policy")
    zoom = page.evaluate("document.querySelector('#timeline-chart').layout.xaxis.range")
    assert [z[:10] for z in zoom] == ["2022-01-15", "2022-04-01"]
    assert errors == []


def test_back_restores_the_previous_view(page: Page, site, errors):
    page.goto(site + "/")
    page.wait_for_selector("#timeline-chart .main-svg")
    page.select_option("select[name=contributor]", "NL")
    expect(page.locator(".results .count")).to_have_text("2 events matching these filters")
    page.go_back()
    # Back and forward reload the URL (htmx keeps no snapshots): allow for a busy machine.
    expect(page).to_have_url(site + "/")
    expect(page.locator(".results .count")).to_have_text("34 events", timeout=15_000)
    page.wait_for_selector("#timeline-chart .main-svg")
    assert len(chart_ids(page, "#timeline-chart")) == 34
    assert page.locator("select[name=contributor]").input_value() == ""
    page.go_forward()
    expect(page).to_have_url(re.compile(r"contributor=NL"))
    expect(page.locator(".results .count")).to_have_text(
        "2 events matching these filters", timeout=15_000
    )
    assert errors == []


def test_the_totals_chart_draws_for_an_as_of_date(page: Page, site, errors):
    page.goto(site + "/totals/?as_of=2022-03-31&host=LT")
    page.wait_for_selector("[data-figure=totals-figure] .main-svg")
    page.wait_for_selector("[data-figure=level-figure] .main-svg")
    bars = page.evaluate(
        """() => document.querySelector('[data-figure=totals-figure]').data
                 .filter((trace) => trace.type === 'bar').map((trace) => trace.name)"""
    )
    assert len(set(bars)) == 3 and any("United States" in name for name in bars)
    assert layout_is_intact(page, "[data-figure=totals-figure]")
    # Playwright fills a date input as a date picker does: input, then change (one request).
    page.fill("input[name=as_of]", "2022-02-28")
    expect(page).to_have_url(re.compile(r"as_of=2022-02-28"))
    expect(page.locator(".results .count")).to_contain_text("28 February 2022")
    page.wait_for_selector("[data-figure=totals-figure] .main-svg")
    assert layout_is_intact(page, "[data-figure=totals-figure]")
    assert errors == []


def test_the_page_works_without_javascript(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/")
    page.select_option("select[name=host]", "LT")
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(r"host=LT"))
    expect(page.locator(".results .count")).to_have_text("15 events matching these filters")
    expect(page.locator(".data-table tbody tr")).to_have_count(15)
    context.close()


@pytest.mark.parametrize("width", [1400, 390])
def test_each_page_is_readable_at_desktop_and_phone_width(page: Page, site, errors, width):
    page.set_viewport_size({"width": width, "height": 900})
    for path in ["/", "/totals/?as_of=2022-03-31&host=LT", "/countries/LT/", "/events/22/"]:
        page.goto(site + path)
        page.wait_for_load_state("networkidle")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px"
        for chart in page.locator("[data-figure]").all():
            assert chart.locator(".main-svg").count() > 0
    assert errors == []


def test_the_export_menu_downloads_the_chart_as_shown(page: Page, site, errors):
    page.goto(site + "/?host=LT")
    page.wait_for_selector("#timeline-chart .main-svg")
    page.locator(".export-menu summary").first.click()
    menu = page.locator(".export-menu").first
    with page.expect_download(timeout=60_000) as download_info:
        menu.get_by_role("link", name="PNG", exact=True).click()
    download = download_info.value
    assert download.suggested_filename.startswith("timeline-")
    assert download.suggested_filename.endswith(".png")
    with open(download.path(), "rb") as image:
        assert image.read(8) == b"\x89PNG\r\n\x1a\n"
    with page.expect_download() as data_info:
        menu.get_by_role("link", name="Data (CSV)").click()
    with open(data_info.value.path(), encoding="utf-8") as data:
        rows = data.read().splitlines()
    assert rows[0].startswith("id,date,") and len(rows) == 16, "the 15 Lithuanian events"
    assert errors == []


def test_the_exports_follow_the_zoom(page: Page, site, errors):
    page.goto(site + "/?host=LT")
    page.wait_for_selector("#timeline-chart .main-svg")
    # What a drag on the chart does: zoom the date axis to February-March 2022.
    page.evaluate(
        "Plotly.relayout('timeline-chart',"
        " {'xaxis.range': ['2022-02-01 06:00', '2022-03-31 18:00']})"
    )
    menu = page.locator(".export-menu").first
    menu.locator("summary").click()
    pdf = menu.get_by_role("link", name="PDF")
    expect(pdf).to_have_attribute("href", re.compile(r"view_from=2022-02-01&view_to=2022-03-31"))
    with page.expect_download(timeout=60_000) as download_info:
        menu.get_by_role("link", name="SVG").click()
    with open(download_info.value.path(), encoding="utf-8") as image:
        assert "Dates shown: 1 February 2022 to 31 March 2022" in image.read()
    with page.expect_download() as data_info:
        menu.get_by_role("link", name="Data (CSV)").click()
    with open(data_info.value.path(), encoding="utf-8") as data:
        dates = [row.split(",")[1] for row in data.read().splitlines()[1:]]
    assert dates and all("2022-02-01" <= day <= "2022-03-31" for day in dates)
    # Back to the whole range: the links lose the dates again.
    page.evaluate("Plotly.relayout('timeline-chart', {'xaxis.autorange': true})")
    assert "view_from" not in pdf.get_attribute("href")
    assert errors == []


WIRE_PAGE = """<html><head><title>Canada sends more troops to Latvia | Baltic Wire</title>
<meta property="og:site_name" content="Baltic Wire">
<meta property="article:published_time" content="2024-03-05T09:00:00Z"></head>
<body><nav>Home World Sport</nav><article><h1>Canada sends more troops to Latvia</h1>
<p>About 1,200 Canadian soldiers will arrive in Latvia this spring to reinforce the NATO brigade
there, the Canadian defence ministry said on Tuesday.</p>
<p>The deployment doubles Canada's presence in the Baltic country, officials said.</p>
</article><footer>Subscribe to our newsletter</footer></body></html>"""


def test_an_editor_uploads_a_page_accepts_a_suggestion_and_readers_see_its_quote(
    page: Page, site, tmp_path, editor, errors
):
    upload = tmp_path / "canada.html"
    upload.write_text(WIRE_PAGE)

    page.goto(site + "/admin/login/")
    page.fill("#id_username", editor.username)
    page.fill("#id_password", EDITOR_PASSWORD)
    page.click("input[type=submit]")
    page.goto(site + "/admin/records/article/add/")
    page.set_input_files("#id_file", str(upload))
    page.click("input[name=_continue]")
    expect(page.locator("#id_title")).to_have_value("Canada sends more troops to Latvia")

    page.get_by_role("link", name="Suggest events").click()
    sentence = page.locator("mark.candidate-sentence", has_text="About 1,200 Canadian soldiers")
    expect(sentence).to_be_visible()
    card = page.locator("li.candidate", has_text="about 1,200 troops · from Canada")
    card.get_by_role("button", name="Accept as a draft event").click()

    expect(page.locator("#id_contributor")).to_have_value("CA")
    expect(page.locator("#id_quantity")).to_have_value("1200")
    page.fill("#id_summary", "Canada sends about 1,200 more troops to Latvia")
    page.select_option("#id_status", "published")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.goto(site + "/?host=LV")
    page.get_by_role("link", name=re.compile("Canada sends about 1,200")).first.click()
    quote = page.locator("#event-detail mark", has_text="About 1,200 Canadian soldiers")
    expect(quote).to_be_visible()
    assert errors == []
