"""Rate limits per client address: failed admin logins (django-axes) and chart images drawn."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.test import RequestFactory

from deployments import clients
from deployments.clients import client_ip

from .conftest import EDITOR_PASSWORD
from .factories import make_event

LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture(autouse=True)
def empty_caches():
    for cache in caches.all():
        cache.clear()


def _request(remote="203.0.113.9", forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


class TestClientAddress:
    def test_without_proxies_the_socket_address_counts_and_the_header_is_ignored(self, settings):
        settings.TRUSTED_PROXIES = 0
        assert client_ip(_request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"

    def test_behind_one_proxy_the_address_it_saw_counts(self, settings):
        settings.TRUSTED_PROXIES = 1
        assert client_ip(_request("10.0.0.1", "198.51.100.1")) == "198.51.100.1"

    def test_addresses_a_client_writes_into_the_header_are_ignored(self, settings):
        settings.TRUSTED_PROXIES = 1
        spoofed = "1.2.3.4, 198.51.100.1"
        assert client_ip(_request("10.0.0.1", spoofed)) == "198.51.100.1"

    def test_behind_two_proxies_the_outer_ones_view_counts(self, settings):
        settings.TRUSTED_PROXIES = 2
        chain = "1.2.3.4, 198.51.100.1, 10.0.0.2"
        assert client_ip(_request("10.0.0.1", chain)) == "198.51.100.1"

    def test_a_short_header_falls_back_to_the_socket(self, settings):
        settings.TRUSTED_PROXIES = 2
        assert client_ip(_request("10.0.0.1", "198.51.100.1")) == "10.0.0.1"

    def test_garbage_is_no_address_not_an_error(self, settings):
        settings.TRUSTED_PROXIES = 1
        assert client_ip(_request("10.0.0.1", "<script>")) is None
        settings.TRUSTED_PROXIES = 0
        assert client_ip(RequestFactory().get("/", REMOTE_ADDR="")) is None

    def test_ipv6_is_normalised(self, settings):
        settings.TRUSTED_PROXIES = 0
        assert client_ip(_request("2001:DB8:0:0::1")) == "2001:db8::1"


def _login(client, username, password, remote="203.0.113.9"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=remote)


@pytest.mark.django_db
class TestFailedLogins:
    def test_after_five_failures_even_the_right_password_is_refused_for_a_while(
        self, client, editor, settings
    ):
        assert settings.AXES_FAILURE_LIMIT == 5
        for _ in range(4):
            response = _login(client, "eddie", "wrong")
            assert response.status_code == 200
            assert b"Please enter the correct username and password" in response.content
        assert _login(client, "eddie", "wrong").status_code == 429
        response = _login(client, "eddie", EDITOR_PASSWORD)
        assert response.status_code == 429
        text = response.content.decode()
        assert "Too many failed logins" in text and "Deployment timelines: editors" in text
        assert "5 logins in a row failed for “eddie”" in text
        assert "0:15:00" in text
        assert "_auth_user_id" not in client.session

    def test_the_lockout_holds_for_that_username_from_that_address_only(self, client, editor):
        for _ in range(5):
            _login(client, "eddie", "wrong")
        assert _login(client, "eddie", EDITOR_PASSWORD, remote="198.51.100.7").status_code == 302
        client.logout()
        assert _login(client, "someone-else", "wrong").status_code == 200

    def test_a_success_resets_the_count(self, client, editor):
        for _ in range(4):
            _login(client, "eddie", "wrong")
        assert _login(client, "eddie", EDITOR_PASSWORD).status_code == 302
        client.logout()
        for _ in range(4):
            assert _login(client, "eddie", "wrong").status_code == 200

    def test_the_cool_off_ends_the_lockout(self, client, editor, settings):
        from datetime import timedelta

        for _ in range(5):
            _login(client, "eddie", "wrong")
        settings.AXES_COOLOFF_TIME = timedelta(seconds=0)
        assert _login(client, "eddie", EDITOR_PASSWORD).status_code == 302

    def test_editors_cannot_see_or_clear_the_attempts(self, editor_client):
        assert editor_client.get("/admin/axes/accessattempt/").status_code == 403

    def test_a_superuser_can_clear_a_lockout(self, client, editor, admin_client):
        from axes.models import AccessAttempt

        for _ in range(5):
            _login(client, "eddie", "wrong")
        assert admin_client.get("/admin/axes/accessattempt/").status_code == 200
        AccessAttempt.objects.all().delete()  # what the admin's delete action does
        assert _login(client, "eddie", EDITOR_PASSWORD).status_code == 302


@pytest.mark.django_db
class TestChartImages:
    URL = "/charts/totals.svg?width=400&height=300"

    @pytest.fixture(autouse=True)
    def data(self):
        make_event(host_country="LT", contributor="US", quantity=500)

    @pytest.fixture(autouse=True)
    def clock(self, monkeypatch):
        """30 s into a minute, whatever the real clock says, so no count straddles minutes."""
        now = {"t": 1_800_000_030.0}
        monkeypatch.setattr(clients.time, "time", lambda: now["t"])
        return now

    def test_a_client_over_its_minute_gets_429_with_when_to_come_back(self, client, settings):
        settings.IMAGE_RENDERS_PER_MINUTE = 2
        assert client.get(self.URL).status_code == 200
        assert client.get(self.URL).status_code == 200
        response = client.get(self.URL)
        assert response.status_code == 429
        assert response["Retry-After"] == "30"
        text = response.content.decode()
        assert "at most 2 a minute" in text and "Try again in 30 seconds" in text
        assert response["Content-Type"].startswith("text/plain")

    def test_the_next_minute_starts_a_new_count(self, client, settings, clock):
        settings.IMAGE_RENDERS_PER_MINUTE = 1
        assert client.get(self.URL).status_code == 200
        clock["t"] += 29
        assert client.get(self.URL).status_code == 429
        clock["t"] += 1
        assert client.get(self.URL).status_code == 200

    def test_other_clients_keep_their_own_count(self, client, settings):
        settings.IMAGE_RENDERS_PER_MINUTE = 1
        assert client.get(self.URL).status_code == 200
        assert client.get(self.URL).status_code == 429
        assert client.get(self.URL, REMOTE_ADDR="198.51.100.7").status_code == 200

    def test_bad_requests_are_answered_and_not_counted(self, client, settings):
        settings.IMAGE_RENDERS_PER_MINUTE = 1
        for _ in range(3):
            assert client.get("/charts/totals.svg?width=9").status_code == 400
        assert client.get(self.URL).status_code == 200

    def test_cached_images_are_not_counted(self, client, settings):
        settings.IMAGE_RENDERS_PER_MINUTE = 1
        settings.PAGE_CACHE_SECONDS = 60
        first = client.get(self.URL)
        for _ in range(3):
            again = client.get(self.URL)
            assert again.status_code == 200 and again["X-Cache"] == "hit"
            assert again.content == first.content
        assert client.get(self.URL + "&scale=2").status_code == 429
