"""Who may open what: every URL of the project for four roles, and drafts hidden from readers.

The roles: an anonymous visitor; a reader (logged in, not staff); an editor (staff in the
Editors group, as `create_editor` makes one); a superuser. The permission table below names,
for every URL pattern the resolver knows (the admin's included), what each role gets there;
`test_every_url_pattern_is_in_the_permission_table` fails for a pattern the table does not
cover, so a new URL cannot be added unchecked.

What the table encodes:
- reader pages and exports are public, and show published events only, to every role: a
  draft's page is a 404 exactly like an event that does not exist (so drafts cannot be found by
  counting ids), and drafts are in no list, export, total, country page or chart image;
- anonymous visitors and readers never reach the admin: every admin page sends them to the
  admin login, and every change they post is refused with nothing changed;
- editors curate the records (outlets, articles, events, citations, their history and the
  Suggest events page) but cannot manage users, groups or any other admin model: 403;
- superusers can do everything.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.templatetags.static import static
from django.test import Client
from django.test.client import ClientHandler
from django.urls import URLResolver, get_resolver, resolve
from plotly.io.json import to_json_plotly
from simple_history.admin import SimpleHistoryAdmin

from deployments.dashboard import images
from deployments.extraction.suggestions import suggestions
from deployments.records.models import Article, Citation, DismissedCandidate, Event, Outlet

from .conftest import EDITOR_PASSWORD, editors_group
from .factories import cite, make_article, make_event, make_outlet

pytestmark = pytest.mark.django_db

ANON, READER, EDITOR, SUPER = "anonymous", "reader", "editor", "superuser"
ROLES = (ANON, READER, EDITOR, SUPER)
NOT_STAFF = (ANON, READER)

# What a GET answers: a status, LOGIN (a redirect to the admin login that comes back here), or
# ("redirect", path) for any other redirect.
OK, DENIED, MISSING, NOT_ALLOWED = 200, 403, 404, 405
LOGIN = "login"


def to(path: str) -> tuple[str, str]:
    return ("redirect", path)


PUBLIC = dict.fromkeys(ROLES, OK)
STAFF = {ANON: LOGIN, READER: LOGIN, EDITOR: OK, SUPER: OK}
SUPERUSER_ONLY = {ANON: LOGIN, READER: LOGIN, EDITOR: DENIED, SUPER: OK}

# Admin apps whose models editors curate; every other admin model is for superusers only.
CURATED_APPS = {"records"}
# Admin models with no add form at all, even for a superuser (django-axes' login records are
# written by the login view, never by hand).
NO_ADD_FORM = {"axes.accessattempt", "axes.accesslog", "axes.accessfailurelog"}

DRAFT_MARK = "DRAFT-ONLY"
DRAFT_OUTLET = "Secret Draft Wire"
PUBLIC_BODY = (
    "US troops in Lithuania\n\n"
    "About 500 US troops arrived in Lithuania on Monday. "
    "About 1,200 Canadian soldiers will arrive in Latvia this spring, officials said."
)
PUBLIC_QUOTE = "About 500 US troops arrived in Lithuania on Monday."
DRAFT_BODY = "300 more US troops will go to Lithuania. Canada will keep 90 troops in Estonia."


@dataclass(frozen=True)
class Case:
    """One URL pattern, a concrete path for it ({placeholders} name the `world` objects) and
    what each role gets there."""

    route: str
    path: str
    expect: Mapping[str, object] = field(hash=False)

    def __str__(self) -> str:
        return self.path


def _admin_cases() -> Iterator[Case]:
    """The admin's own pages, then each registered model's, from the admin's registry: a model
    registered later is covered by its app's rule (curated or superuser only) and needs an
    object in MAKERS for its object pages."""
    yield Case("admin/", "/admin/", STAFF)
    yield Case(
        "admin/login/",
        "/admin/login/",
        {**dict.fromkeys(NOT_STAFF, OK), EDITOR: to("/admin/"), SUPER: to("/admin/")},
    )
    # Logging out is a POST; a GET from someone not signed in to the admin goes to its index.
    yield Case(
        "admin/logout/",
        "/admin/logout/",
        {ANON: to("/admin/"), READER: to("/admin/"), EDITOR: NOT_ALLOWED, SUPER: NOT_ALLOWED},
    )
    yield Case("admin/password_change/", "/admin/password_change/", STAFF)
    yield Case("admin/password_change/done/", "/admin/password_change/done/", STAFF)
    yield Case(
        "admin/autocomplete/",
        "/admin/autocomplete/?app_label=records&model_name=citation&field_name=article&term=US",
        STAFF,
    )
    yield Case("admin/jsi18n/", "/admin/jsi18n/", STAFF)
    event_page = "/admin/records/event/{records_event}/change/"
    yield Case(
        "admin/r/<path:content_type_id>/<path:object_id>/",
        "/admin/r/{event_type}/{records_event}/",
        {ANON: LOGIN, READER: LOGIN, EDITOR: to(event_page), SUPER: to(event_page)},
    )
    app_labels = list(dict.fromkeys(model._meta.app_label for model in admin.site._registry))
    app_list = "admin/(?P<app_label>" + "|".join(app_labels) + ")/$"
    for app in app_labels:
        rule = STAFF if app in CURATED_APPS else {**SUPERUSER_ONLY, EDITOR: MISSING}
        yield Case(app_list, f"/admin/{app}/", rule)
    # An unknown admin URL: the login for outsiders (it reveals nothing), a 404 for staff.
    yield Case(
        "admin/(?P<url>.*)$", "/admin/no-such-page/", {**STAFF, EDITOR: MISSING, SUPER: MISSING}
    )
    # Custom admin views.
    yield Case(
        "admin/records/article/<path:object_id>/suggest/",
        "/admin/records/article/{records_article}/suggest/",
        STAFF,
    )
    yield Case(
        "admin/auth/user/<id>/password/", "/admin/auth/user/{auth_user}/password/", SUPERUSER_ONLY
    )
    for model, model_admin in admin.site._registry.items():
        yield from _model_cases(model, model_admin)


def _model_cases(model, model_admin) -> Iterator[Case]:
    app, name = model._meta.app_label, model._meta.model_name
    key, base = f"{app}_{name}", f"admin/{app}/{name}/"
    rule = STAFF if app in CURATED_APPS else SUPERUSER_ONLY
    add_rule = {**rule, SUPER: DENIED} if model._meta.label_lower in NO_ADD_FORM else rule
    obj = f"/{base}{{{key}}}/"
    yield Case(base, f"/{base}", rule)
    yield Case(f"{base}add/", f"/{base}add/", add_rule)
    yield Case(f"{base}<path:object_id>/history/", f"{obj}history/", rule)
    yield Case(f"{base}<path:object_id>/delete/", f"{obj}delete/", rule)
    yield Case(f"{base}<path:object_id>/change/", f"{obj}change/", rule)
    # The bare object URL redirects staff to its change page, which then applies the rule.
    yield Case(
        f"{base}<path:object_id>/",
        obj,
        {**rule, EDITOR: to(f"{obj}change/"), SUPER: to(f"{obj}change/")},
    )
    if isinstance(model_admin, SimpleHistoryAdmin):  # one past version: view it, or revert
        yield Case(f"{base}([^/]+)/history/([^/]+)/$", f"{obj}history/{{{key}_history}}/", rule)


def _reader_cases() -> Iterator[Case]:
    yield Case("favicon.ico", "/favicon.ico", dict.fromkeys(ROLES, to(static("favicon.svg"))))
    yield Case("", "/", PUBLIC)
    yield Case("", "/?host=LT&q=troops", PUBLIC)
    yield Case("events/<int:pk>/", "/events/{records_event}/", PUBLIC)
    # A draft is a 404 for everyone, editors included: they preview in the admin.
    yield Case("events/<int:pk>/", "/events/{draft}/", dict.fromkeys(ROLES, MISSING))
    yield Case("totals/", "/totals/", PUBLIC)
    yield Case("totals.csv", "/totals.csv", PUBLIC)
    yield Case("countries/<str:code>/", "/countries/LT/", PUBLIC)
    yield Case("countries/<str:code>/", "/countries/EE/", PUBLIC)  # only a draft there
    yield Case("events.csv", "/events.csv", PUBLIC)
    yield Case("events.json", "/events.json", PUBLIC)
    for chart in ("timeline.svg", "totals.png", "levels.pdf?host=LT"):
        yield Case("charts/<str:chart>.<str:fmt>", f"/charts/{chart}", PUBLIC)


CASES = [*_reader_cases(), *_admin_cases()]


def url_routes(patterns=None, prefix: str = "") -> Iterator[str]:
    """Every pattern the resolver knows, as the route string `resolve()` reports for it."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern).removeprefix("^") if prefix else str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from url_routes(pattern.url_patterns, route)
        else:
            yield route


def test_every_url_pattern_is_in_the_permission_table():
    covered = {case.route for case in CASES}
    missing = [route for route in url_routes() if route not in covered]
    assert not missing, (
        "URL patterns with no row in the permission table of tests/test_permissions.py; "
        f"add what each role may get there: {missing}"
    )


@pytest.mark.parametrize("case", CASES, ids=str)
def test_each_case_is_the_url_pattern_it_claims(case):
    path = re.sub(r"\{\w+\}", "1", case.path)
    assert resolve(urlsplit(path).path).route == case.route


# The records every test works on: a published event with its source, two drafts with theirs,
# four users, and one object of every other model the admin manages.


def _axes_row(model_name: str):
    fields = {
        "user_agent": "test",
        "ip_address": "127.0.0.1",
        "username": "someone",
        "http_accept": "*/*",
        "path_info": "/admin/login/",
    }
    if model_name == "accessattempt":
        fields |= {"get_data": "", "post_data": "", "failures_since_start": 1}
    return apps.get_model("axes", model_name).objects.create(**fields)


# How to make one object of each admin model that is not part of the records below.
MAKERS = {
    "axes.accessattempt": lambda: _axes_row("accessattempt"),
    "axes.accesslog": lambda: _axes_row("accesslog"),
    "axes.accessfailurelog": lambda: _axes_row("accessfailurelog"),
}

USERNAMES = {READER: "rita", EDITOR: "eddie", SUPER: "sam"}


def _make_world() -> tuple[dict, list]:
    """The objects' ids by placeholder name, and every object made (to remove them after)."""
    outlet = make_outlet("Baltic Wire")
    article = make_article(PUBLIC_BODY, outlet=outlet, title="US battalion arrives")
    event = make_event(summary="About 500 US troops arrive in Lithuania")
    citation = cite(event, article, PUBLIC_QUOTE)

    secret_outlet = make_outlet(DRAFT_OUTLET)
    secret = make_article(DRAFT_BODY, outlet=secret_outlet, title="Secret report")
    draft = make_event(
        summary=f"{DRAFT_MARK}: 300 more US troops for Lithuania",
        kind=Event.Kind.INCREASE,
        quantity=300,
        qualifier=Event.Qualifier.EXACT,
        date=date(2022, 3, 1),
        status=Event.Status.DRAFT,
    )
    cite(draft, secret, "300 more US troops will go to Lithuania.")
    draft_ee = make_event(
        summary=f"{DRAFT_MARK}: 90 Canadian troops in Estonia",
        host_country="EE",
        contributor="CA",
        quantity=90,
        status=Event.Status.DRAFT,
    )
    cite(draft_ee, secret, "Canada will keep 90 troops in Estonia.")

    reader = User.objects.create_user(USERNAMES[READER], password="a-reader-pass-123")
    editor = User.objects.create_user(USERNAMES[EDITOR], password=EDITOR_PASSWORD, is_staff=True)
    editor.groups.add(editors_group())  # as the `editor` fixture and create_editor make one
    superuser = User.objects.create_superuser(USERNAMES[SUPER], password="a-super-pass-123")
    made = [
        event,
        draft,
        draft_ee,
        article,
        secret,
        outlet,
        secret_outlet,
        reader,
        editor,
        superuser,
    ]
    ids = {
        "records_event": event.pk,
        "records_article": article.pk,
        "records_outlet": outlet.pk,
        "records_citation": citation.pk,
        "auth_user": reader.pk,
        "auth_group": editors_group().pk,
        "draft": draft.pk,
        "draft_ee": draft_ee.pk,
        "event_type": ContentType.objects.get_for_model(Event).pk,
    }
    for obj in (event, article, outlet, citation):
        ids[f"records_{obj._meta.model_name}_history"] = obj.history.latest().history_id
    for model in admin.site._registry:
        key = f"{model._meta.app_label}_{model._meta.model_name}"
        if key not in ids:
            label = model._meta.label_lower
            if label not in MAKERS:
                pytest.fail(f"No test object for the admin model {label}: add one to MAKERS")
            made.append(MAKERS[label]())
            ids[key] = made[-1].pk
    return ids, made


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[dict]:
    """Made once for the module (hundreds of tests read it); each test runs in a transaction
    rolled back after it, so what a test changes is undone. Removed when the module is done."""
    with django_db_blocker.unblock():
        ids, made = _make_world()
        yield ids
        records = {
            model: [obj.pk for obj in made if isinstance(obj, model)]
            for model in (Event, Article, Outlet)
        }
        records[Citation] = list(
            Citation.objects.filter(event__in=made[:3]).values_list("pk", flat=True)
        )
        for obj in made:  # in an order that deletes what refers to an object before it
            obj.delete()
        for model, pks in records.items():  # and their history, deletions included
            model.history.filter(id__in=pks).delete()


@pytest.fixture(scope="module")
def handler() -> ClientHandler:
    """One request handler for the module's hundreds of requests: a new test client loads the
    middleware again, and WhiteNoise's scan of the static files alone takes a quarter second."""
    return ClientHandler(enforce_csrf_checks=False)


@pytest.fixture
def login(db, handler, world):
    """A test client signed in as the role (a fresh one for each call)."""

    def as_role(role: str) -> Client:
        client = Client()
        client.handler = handler
        if role != ANON:
            client.force_login(User.objects.get(username=USERNAMES[role]))
        return client

    return as_role


@pytest.fixture(autouse=True)
def drawn(monkeypatch) -> list[dict]:
    """Chart images drawn without a browser: the picture's figure, as JSON, is the image."""
    figures = []

    def render(figure, fmt, width, height, scale):
        figures.append(figure)
        return to_json_plotly(figure).encode()

    monkeypatch.setattr(images, "render", render)
    return figures


def outcome(response, path: str):
    if response.status_code in (301, 302):
        target = urlsplit(response["Location"])
        if target.path == "/admin/login/":
            assert parse_qs(target.query)["next"] == [path], "the login must come back here"
            return LOGIN
        return to(target.path)
    return response.status_code


def leaks(content: bytes, world: dict) -> list[str]:
    """Whatever of the drafts a response shows."""
    text = content.decode(errors="replace")
    found = [mark for mark in (DRAFT_MARK, DRAFT_OUTLET) if mark in text]
    found += [
        f"link to draft {pk}"
        for pk in (world["draft"], world["draft_ee"])
        if f"/events/{pk}/" in text
    ]
    return found


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=str)
def test_each_role_gets_what_the_table_says(case, role, login, world):
    path = case.path.format(**world)
    response = login(role).get(path)
    expected = case.expect[role]
    if isinstance(expected, tuple):
        expected = to(expected[1].format(**world))
    assert outcome(response, path) == expected
    if role in NOT_STAFF or not path.startswith("/admin/"):
        assert leaks(response.content, world) == []


# Drafts: nowhere on the reader side, for anyone.


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_a_draft_answers_exactly_like_an_event_that_does_not_exist(login, world, role, htmx):
    client = login(role)
    headers = {"HX-Request": "true"} if htmx else {}
    missing_pk = max(world["draft"], world["draft_ee"]) + 1000
    draft = client.get(f"/events/{world['draft']}/", headers=headers)
    missing = client.get(f"/events/{missing_pk}/", headers=headers)
    assert draft.status_code == missing.status_code == 404
    assert draft.content == missing.content
    assert leaks(draft.content, world) == []


def _csv_ids(content: bytes) -> list[int]:
    return [int(row["id"]) for row in csv.DictReader(io.StringIO(content.decode()))]


def _figure_ids(content: bytes) -> set[int]:
    """Event ids in the page's chart data (customdata of every trace)."""
    found = set()
    for payload in re.findall(
        rb'<script id="[^"]+" type="application/json">(.*?)</script>', content, re.S
    ):
        for trace in json.loads(payload)["data"]:
            for value in trace.get("customdata") or []:
                found.update(value if isinstance(value, list) else [value])
    return found


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?q=DRAFT",
        "/?q=Secret",
        "/?rows=contributor",
        "/totals/",
        "/totals/?host=LT",
        "/countries/LT/",
        "/countries/EE/",
        "/events.csv",
        "/events.json",
        "/events.json?host=EE",
        "/totals.csv",
        "/totals.csv?host=EE",
    ],
)
def test_drafts_are_in_no_reader_page_or_export(login, world, role, path):
    response = login(role).get(path)
    assert response.status_code == 200
    assert leaks(response.content, world) == []
    content = response.content
    if path.startswith("/events.csv"):
        assert _csv_ids(content) == [world["records_event"]]
    elif path.startswith("/events.json"):
        expected = [] if "EE" in path else [world["records_event"]]
        assert [row["id"] for row in json.loads(content)] == expected
    elif path.startswith("/totals.csv"):
        rows = list(csv.DictReader(io.StringIO(content.decode())))
        expected = [] if "EE" in path else [("LT", "US", "500", str(world["records_event"]))]
        assert [
            (r["host_country"], r["contributor"], r["troops"], r["event_ids"]) for r in rows
        ] == expected
    else:
        page = content.decode()
        # Not in the filter menus either: no host or contributor that only a draft uses.
        assert 'value="EE"' not in page and 'value="CA"' not in page
        assert _figure_ids(content) <= {world["records_event"]}
        # The draft increase of 300 moves no level: LT's US level stays the 500 published.
        levels = [level for level, *_ in response.context.get("levels", [])]
        levels += [step for step, _ in response.context.get("steps", [])]
        if path in ("/totals/", "/totals/?host=LT", "/countries/LT/"):
            assert levels
        assert [(lv.host, lv.troops, lv.event_ids) for lv in levels] == [
            ("LT", 500, (world["records_event"],))
        ] * len(levels)


@pytest.mark.parametrize("role", ROLES)
def test_search_finds_no_draft_by_its_words_outlet_or_quote(login, world, role):
    client = login(role)
    for q in (DRAFT_MARK, DRAFT_OUTLET, "90 troops in Estonia"):
        assert client.get("/", {"q": q}).context["total"] == 0
    assert client.get("/", {"q": "500 US troops"}).context["total"] == 1


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("chart", ["timeline", "totals", "levels"])
def test_chart_images_draw_no_draft(login, world, drawn, role, chart):
    query = {"host": "LT"} if chart == "levels" else {}
    for fmt in ("svg", "png", "pdf"):
        assert login(role).get(f"/charts/{chart}.{fmt}", query).status_code == 200
    assert len(drawn) == 3
    for figure in drawn:
        text = to_json_plotly(figure)
        for leak in (DRAFT_MARK, DRAFT_OUTLET, "Estonia", "Canada"):
            assert leak not in text
        assert "Sources: 1 article from outlet Baltic Wire" in text
    values = {
        value
        for trace in drawn[0]["data"]
        for axis in ("x", "y")
        if isinstance(trace.get(axis), list | tuple)
        for value in trace[axis]
    }
    if chart != "timeline":  # the level the bars and lines draw: the published 500 alone
        assert 500 in values and 800 not in values


def test_the_draft_only_host_has_an_empty_levels_chart(login, world, drawn):
    assert login(READER).get("/charts/levels.svg", {"host": "EE"}).status_code == 200
    assert "Troop levels in Estonia" in to_json_plotly(drawn[0])
    assert [trace["y"] for trace in drawn[0]["data"] if trace.get("y")] in ([], [[None]])


def test_editors_do_see_drafts_in_the_admin(login, world):
    """The marks `leaks` looks for are real: the admin shows them to an editor."""
    page = login(EDITOR).get("/admin/records/event/").content
    assert leaks(page, world)


# Readers never see admin content.


@pytest.mark.parametrize("role", NOT_STAFF)
@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/records/event/",
        "/admin/records/event/{draft}/change/",
        "/admin/records/article/{records_article}/suggest/",
        "/admin/records/event/{records_event}/history/",
        "/admin/auth/user/",
    ],
)
def test_following_an_admin_link_ends_on_the_login_form(login, world, role, path):
    response = login(role).get(path.format(**world), follow=True)
    assert response.redirect_chain[-1][0].startswith("/admin/login/?next=")
    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()
    assert leaks(response.content, world) == []
    assert "About 500 US troops" not in response.content.decode()
    if role == READER:
        assert "not authorized to access this page" in response.content.decode()


# Changes: refused to anonymous visitors and readers, with nothing changed.


def _status(pk: int) -> str:
    return Event.objects.get(pk=pk).status


def _changelist_action(action: str, pk: int) -> dict:
    return {"action": action, "_selected_action": [str(pk)], "index": "0", "select_across": "0"}


@pytest.mark.parametrize("role", ROLES)
def test_publishing_a_draft_from_the_list(login, world, role):
    path = "/admin/records/event/"
    response = login(role).post(path, _changelist_action("publish", world["draft"]))
    if role in NOT_STAFF:
        assert outcome(response, path) == LOGIN
        assert _status(world["draft"]) == Event.Status.DRAFT
        assert login(READER).get(f"/events/{world['draft']}/").status_code == 404
    else:
        assert outcome(response, path) == to(path)
        assert _status(world["draft"]) == Event.Status.PUBLISHED


@pytest.mark.parametrize("role", ROLES)
def test_unpublishing_an_event_from_the_list(login, world, role):
    path = "/admin/records/event/"
    response = login(role).post(path, _changelist_action("unpublish", world["records_event"]))
    if role in NOT_STAFF:
        assert outcome(response, path) == LOGIN
        assert _status(world["records_event"]) == Event.Status.PUBLISHED
    else:
        assert outcome(response, path) == to(path)
        assert _status(world["records_event"]) == Event.Status.DRAFT


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", [Event, Article, Outlet, Citation])
def test_deleting_a_record(login, world, role, model):
    key = f"records_{model._meta.model_name}"
    path = f"/admin/records/{model._meta.model_name}/{world[key]}/delete/"
    response = login(role).post(path, {"post": "yes"})
    if role in NOT_STAFF:
        assert outcome(response, path) == LOGIN
        assert model.objects.filter(pk=world[key]).exists()
    elif model in (Article, Outlet):  # protected while cited: the page says so, deletes nothing
        assert response.status_code == 200 and "would require deleting" in response.text
        assert model.objects.filter(pk=world[key]).exists()
    else:
        assert outcome(response, path) == to(f"/admin/records/{model._meta.model_name}/")
        assert not model.objects.filter(pk=world[key]).exists()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ["accept", "dismiss"])
def test_acting_on_a_suggested_event(login, world, role, action):
    article = Article.objects.get(pk=world["records_article"])
    (canadian,) = [s for s in suggestions(article) if s.candidate.contributor == "CA"]
    events = Event.objects.count()
    path = f"/admin/records/article/{article.pk}/suggest/"
    response = login(role).post(path, {"key": canadian.key, "action": action})
    if role in NOT_STAFF:
        assert outcome(response, path) == LOGIN
        assert Event.objects.count() == events
        assert not DismissedCandidate.objects.exists()
        assert canadian.key in {s.key for s in suggestions(article)}
    elif action == "accept":
        new = Event.objects.latest("pk")
        assert Event.objects.count() == events + 1 and new.status == Event.Status.DRAFT
        assert outcome(response, path) == to(f"/admin/records/event/{new.pk}/change/")
    else:
        assert DismissedCandidate.objects.filter(key=canadian.key).exists()


@pytest.mark.parametrize("role", NOT_STAFF)
@pytest.mark.parametrize(
    "path",
    [
        "/admin/records/event/{records_event}/change/",
        "/admin/records/event/{records_event}/history/{records_event_history}/",
        "/admin/records/event/add/",
        "/admin/records/outlet/add/",
        "/admin/records/article/add/",
    ],
)
def test_saving_or_reverting_a_record_is_refused_to_outsiders(login, world, role, path):
    before = (Event.objects.count(), Outlet.objects.count(), Article.objects.count())
    event = Event.objects.get(pk=world["records_event"])
    data = {
        "summary": "Hacked",
        "name": "Hacked outlet",
        "body": "Hacked text with 9 troops.",
        "status": "published",
        "version": str(event.version),
    }
    path = path.format(**world)
    assert outcome(login(role).post(path, data), path) == LOGIN
    assert (Event.objects.count(), Outlet.objects.count(), Article.objects.count()) == before
    assert Event.objects.get(pk=event.pk).summary == event.summary


NEW_USER = {
    "username": "mallory",
    "usable_password": "true",
    "password1": "an-unguessable-pass-987",
    "password2": "an-unguessable-pass-987",
}


@pytest.mark.parametrize("role", ROLES)
def test_only_a_superuser_can_add_a_user(login, world, role):
    path = "/admin/auth/user/add/"
    response = login(role).post(path, NEW_USER)
    if role == SUPER:
        created = User.objects.get(username="mallory")
        assert outcome(response, path) == to(f"/admin/auth/user/{created.pk}/change/")
    else:
        assert outcome(response, path) == (LOGIN if role in NOT_STAFF else DENIED)
        assert not User.objects.filter(username="mallory").exists()


def test_an_editor_cannot_make_themselves_superuser_or_widen_their_group(login, world):
    client = login(EDITOR)
    editor = User.objects.get(username="eddie")
    group = editors_group()
    granted = set(group.permissions.values_list("pk", flat=True))
    change_user = Permission.objects.get(codename="change_user")
    user_form = {
        "username": "eddie",
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "groups": [str(group.pk)],
        "date_joined_0": "2024-01-01",
        "date_joined_1": "00:00:00",
    }
    assert client.post(f"/admin/auth/user/{editor.pk}/change/", user_form).status_code == 403
    group_form = {"name": group.name, "permissions": [*map(str, granted), str(change_user.pk)]}
    assert client.post(f"/admin/auth/group/{group.pk}/change/", group_form).status_code == 403
    new_group = {"name": "Admins", "permissions": [str(change_user.pk)]}
    assert client.post("/admin/auth/group/add/", new_group).status_code == 403
    editor.refresh_from_db()
    assert not editor.is_superuser
    assert set(group.permissions.values_list("pk", flat=True)) == granted
    assert not Group.objects.filter(name="Admins").exists()
    assert not editor.has_perm("auth.change_user")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/events/{records_event}/",
        "/totals/",
        "/countries/LT/",
        "/events.csv",
        "/charts/timeline.svg",
    ],
)
def test_reader_pages_take_no_post(login, world, role, path):
    path = path.format(**world)
    assert login(role).post(path, {"summary": "x"}).status_code == NOT_ALLOWED
    assert Event.objects.published().count() == 1
