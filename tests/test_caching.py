"""Reader pages are cached by URL and data version: served again without the work, and never
stale after any edit to what readers see."""

import gzip

import pytest
from django.core.cache import caches
from django.db import connection, transaction

from deployments.dashboard import caching
from deployments.records.models import Citation, Event, Outlet, data_version
from tests.factories import cite, make_article, make_event, make_outlet

pytestmark = pytest.mark.django_db

BODY = "Head\n\nAbout 500 US troops are in Lithuania.\n"


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 60
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def event():
    event = make_event(summary="About 500 US troops")
    cite(event, make_article(BODY, outlet=make_outlet("Wire")), "About 500 US troops")
    return event


URLS = ["/", "/totals/", "/countries/LT/", "/events.csv", "/events.json", "/totals.csv"]


@pytest.mark.parametrize("url", URLS)
def test_a_repeated_request_is_served_from_the_cache_in_one_query(
    client, event, django_assert_num_queries, url
):
    first = client.get(url)
    assert first["X-Cache"] == "miss"
    with django_assert_num_queries(1):
        second = client.get(url)
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


BROWSER = {"Accept-Encoding": "gzip, deflate, br, zstd"}


# /totals.csv is one line here: too short to be worth compressing.
@pytest.mark.parametrize("url", [url for url in URLS if url != "/totals.csv"])
def test_clients_that_accept_gzip_get_the_same_answer_gzipped_miss_or_hit(client, event, url):
    first = client.get(url, headers=BROWSER)
    plain = client.get(url)  # kept with the gzipped copy when first computed
    assert not plain.has_header("Content-Encoding")
    again = client.get(url, headers=BROWSER)
    for response, state in ((first, "miss"), (again, "hit")):
        assert response["X-Cache"] == state
        assert response["Content-Encoding"] == "gzip"
        assert gzip.decompress(response.content) == plain.content
        assert len(response.content) < len(plain.content)
        assert "Accept-Encoding" in response["Vary"]
        for header in ("Content-Type", "Content-Disposition"):
            assert response.get(header) == plain.get(header)


def test_clients_that_do_not_accept_gzip_get_the_plain_answer_from_the_same_cache(client, event):
    client.get("/events.csv", headers=BROWSER)
    for accept in ({}, {"Accept-Encoding": "identity"}, {"Accept-Encoding": "br"}):
        response = client.get("/events.csv", headers=accept)
        assert response["X-Cache"] == "hit"
        assert not response.has_header("Content-Encoding")
        assert response.content.startswith(b"id,")
        assert "Accept-Encoding" in response["Vary"]


def test_short_answers_are_not_gzipped(client, event):
    for state in ("miss", "hit"):
        response = client.get("/totals.csv", headers=BROWSER)
        assert len(response.content) < 200 and response["X-Cache"] == state
        assert not response.has_header("Content-Encoding")


def test_htmx_and_full_pages_are_cached_apart(client, event):
    page = client.get("/")
    partial = client.get("/", headers={"HX-Request": "true"})
    assert partial["X-Cache"] == "miss"
    assert b"<html" in page.content and b"<html" not in partial.content


def test_editing_an_event_changes_what_is_served(client, event):
    client.get("/")
    event.summary = "About 600 US troops"
    event.save()
    response = client.get("/")
    assert response["X-Cache"] == "miss"
    assert b"About 600 US troops" in response.content


def test_renaming_an_outlet_changes_what_is_served(client, event):
    client.get("/events.csv")
    outlet = Outlet.objects.get()
    outlet.name = "Renamed Wire"
    outlet.save()
    assert b"Renamed Wire" in client.get("/events.csv").content


def test_moving_a_citation_changes_what_is_served(client, event):
    url = f"/events/{event.pk}/"
    assert b"<mark>About 500 US troops</mark>" in client.get(url).content
    citation = Citation.objects.get()
    citation.end = citation.start + len("About 500")
    citation.save()
    assert b"<mark>About 500</mark>" in client.get(url).content


def test_deleting_an_event_changes_what_is_served(client, event):
    other = make_event(summary="Second event")
    assert b"Second event" in client.get("/").content
    other.delete()
    assert b"Second event" not in client.get("/").content


def test_a_bad_filter_is_cached_as_its_400(client, event):
    assert client.get("/?host=XX").status_code == 400
    again = client.get("/?host=XX")
    assert again.status_code == 400 and again["X-Cache"] == "hit"


def test_big_exports_are_kept_apart_from_pages_and_huge_ones_not_at_all(client, event, monkeypatch):
    """Pages up to 2 MB; whole-data exports up to 32 MB in a cache of their own, so one
    export cannot evict every page (limits shrunk here to the test's sizes)."""
    page_size = len(client.get("/").content)
    csv_size = len(client.get("/events.csv").content)
    monkeypatch.setitem(caching.MAX_CACHED_BYTES, "pages", page_size - 1)
    monkeypatch.setitem(caching.MAX_CACHED_BYTES, "exports", csv_size)
    for cache in caches.all():
        cache.clear()
    client.get("/")
    assert client.get("/")["X-Cache"] == "miss"
    client.get("/events.csv")
    assert client.get("/events.csv")["X-Cache"] == "hit"
    # The CSV as it is, and gzipped.
    assert len(caches["exports"]._cache) == 2 and len(caches["pages"]._cache) == 0
    monkeypatch.setitem(caching.MAX_CACHED_BYTES, "exports", csv_size - 1)
    caches["exports"].clear()
    client.get("/events.csv")
    assert client.get("/events.csv")["X-Cache"] == "miss"


class TestDataVersion:
    """The token the database changes with every change to what readers see."""

    def test_it_is_one_query_of_one_row(self, django_assert_num_queries):
        with django_assert_num_queries(1):
            data_version()

    def test_every_kind_of_change_moves_it(self, event):
        seen = {data_version()}
        Event.objects.filter(pk=event.pk).update(summary="Bulk")  # the admin's bulk actions
        seen.add(data_version())
        with connection.cursor() as cursor:
            cursor.execute("UPDATE records_outlet SET name = 'Raw SQL'")
        seen.add(data_version())
        Citation.objects.all().delete()
        seen.add(data_version())
        make_outlet("New outlet")
        seen.add(data_version())
        assert len(seen) == 5

    def test_a_rolled_back_change_never_lends_its_version_to_later_data(self, event):
        before = data_version()
        with pytest.raises(RuntimeError), transaction.atomic():
            make_event(summary="Never committed")
            during = data_version()
            raise RuntimeError
        assert data_version() == before
        make_event(summary="Committed")
        assert data_version() not in {before, during}
