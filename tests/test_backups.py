"""Backups: `manage.py backup` and `restore` round-trip the whole database into a fresh one (and,
on PostgreSQL, so do `pg_dump -Fc` and `pg_restore`): the same exports byte for byte, the same
rows in every table, history included; a bad file or target restores nothing and says why."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from contextlib import contextmanager
from datetime import UTC, date, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.sql import emit_post_migrate_signal
from django.db import DatabaseError, IntegrityError, connection, transaction

from deployments.extraction.suggestions import accept, candidates_for, dismiss
from deployments.ingest.importing import store_text
from deployments.records import backups
from deployments.records.models import (
    Article,
    Citation,
    DismissedCandidate,
    Event,
    Outlet,
    text_sha256,
)
from tests.conftest import editors_group

EXPORTS = [
    "/events.csv",
    "/events.json",
    "/totals.csv",
    "/totals.csv?as_of=2024-06-01",
    "/events.csv?host=LT&disputed=only",
]
PG_BIN = max(
    Path("/usr/lib/postgresql").glob("*/bin"),
    key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0,
    default=None,
)


def exports(client) -> dict[str, bytes]:
    responses = {url: client.get(url) for url in EXPORTS}
    assert all(response.status_code == 200 for response in responses.values())
    return {url: response.content for url, response in responses.items()}


def row_counts() -> dict[str, int]:
    """Rows of every table a backup holds, many-to-many tables and history included."""
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label not in backups.EXCLUDED_APPS
    }


def history_of(model) -> dict[int, list[tuple]]:
    """Each row's history entries (id, type, user), by the row's id."""
    entries: dict[int, list[tuple]] = {}
    for entry in model.history.order_by("history_id"):
        entries.setdefault(entry.id, []).append(
            (entry.history_id, entry.history_type, entry.history_user_id)
        )
    return entries


def fill_database() -> User:
    """The curated data with the seed bodies, plus what editors leave behind: edits with their
    history, a draft, a dismissed candidate, a twin article, deleted rows (gaps in the ids and
    history that names rows no longer there) and the admin log."""
    assert settings.SEEDS_DIR.is_dir(), f"the seed articles are missing at {settings.SEEDS_DIR}"
    call_command("load_curated", stdout=StringIO())
    call_command("import_articles", str(settings.SEEDS_DIR), stdout=StringIO(), stderr=StringIO())
    editor = User.objects.create_user("eddie", email="eddie@example.org", is_staff=True)
    editor.groups.add(editors_group())

    event = Event.objects.published().order_by("pk").first()
    event._history_user = editor
    event.summary += " (checked)"
    event.save()  # version 2

    article = Article.objects.order_by("pk").first()
    first, second, *_ = candidates_for(article)
    accept(article, first)  # a draft event with its citation
    dismiss(article, second, editor)

    seed = sorted(settings.SEEDS_DIR.glob("*.txt"))[0].read_text(encoding="utf-8")
    rerun = "Lithuania wants US troops for good\n\n" + seed.split("\n\n", 1)[1] + "Read more.\n"
    twin, _ = store_text(rerun, filename="rerun.txt")
    assert twin.twin_id == article.pk

    wrong = Outlet.objects.create(name="Radio Free Europe (typo)")
    twin.outlet = wrong
    twin.save()
    twin.outlet = article.outlet
    twin.save()
    wrong.delete()
    gone = Event.objects.create(
        date=date(2022, 2, 9), contributor="US", kind="other", summary="Entered by mistake"
    )
    Citation.objects.create(event=gone, article=twin, start=0, end=10)
    gone.delete()

    LogEntry.objects.create(
        user=editor,
        content_type=ContentType.objects.get_for_model(Event),
        object_id=str(event.pk),
        object_repr=str(event)[:200],
        action_flag=CHANGE,
        change_message='[{"changed": {"fields": ["Summary"]}}]',
    )
    return editor


def fresh_database() -> None:
    """Empty the database into what `migrate` makes of a new one: content types, permissions
    and the Editors group, under other ids than before (as in another database)."""
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    shifted = ContentType.objects.create(app_label="gone", model="shift")
    Permission.objects.create(content_type=shifted, codename="shift", name="shift")
    Group.objects.create(name="shift")
    Group.objects.all().delete()
    shifted.delete()
    ContentType.objects.clear_cache()
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
    editors_group()


def decompressed(path: Path) -> str:
    return gzip.decompress(path.read_bytes()).decode("utf-8")


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_a_fresh_database_as_it_was(client, tmp_path):
    editor = fill_database()
    before = exports(client)
    counts = row_counts()
    histories = {model: history_of(model) for model in (Outlet, Article, Event, Citation)}
    editors_permissions = set(editors_group().permissions.values_list("codename", flat=True))
    event_type = ContentType.objects.get_for_model(Event).pk
    assert Event.objects.filter(status=Event.Status.DRAFT).exists()
    assert Article.objects.filter(twin__isnull=False).exists()
    assert DismissedCandidate.objects.exists()

    out = StringIO()
    call_command("backup", str(tmp_path / "first.json.gz"), stdout=out)
    assert f"to {tmp_path / 'first.json.gz'}" in out.getvalue()
    assert "events" in out.getvalue() and "historical events" in out.getvalue()

    fresh_database()
    assert not Event.objects.exists() and not User.objects.exists()
    assert ContentType.objects.get_for_model(Event).pk != event_type, "ids must differ"

    out = StringIO()
    call_command("restore", str(tmp_path / "first.json.gz"), stdout=out)
    assert out.getvalue().startswith("Restored ")

    after = exports(client)
    for url in EXPORTS:
        assert after[url] == before[url], f"{url} differs after the round trip"
    assert row_counts() == counts
    for model, history in histories.items():
        assert history_of(model) == history, f"{model.__name__} history differs"
    assert set(editors_group().permissions.values_list("codename", flat=True)) == (
        editors_permissions
    )
    assert User.objects.get(username="eddie").groups.get() == editors_group()
    event = Event.objects.get(pk=Event.history.filter(history_user=editor).get().id)
    assert event.version == 2 and event.summary.endswith("(checked)")
    assert LogEntry.objects.get().get_edited_object() == event

    # Every field of every row: a backup of the restored database is the same file.
    call_command("backup", str(tmp_path / "second.json.gz"), stdout=StringIO())
    assert decompressed(tmp_path / "second.json.gz") == decompressed(tmp_path / "first.json.gz")

    # The site goes on: new rows take new ids, edits count versions and add history.
    event.summary = "Edited after the restore"
    event.save()
    assert Event.objects.get(pk=event.pk).version == 3
    assert event.history.count() == len(histories[Event][event.pk]) + 1
    assert Outlet.objects.create(name="New outlet").pk > max(histories[Outlet])
    new_event = Event.objects.create(
        date=date(2024, 6, 1), contributor="US", kind="other", summary="After the restore"
    )
    assert new_event.pk > max(histories[Event]), "a deleted event's id is never reused"


@contextmanager
def connected_to(database: str):
    """Django's connection, for the while, to another database on the same server."""
    original = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = database
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original
        ContentType.objects.clear_cache()


def pg_command(program: str, *args: str) -> subprocess.CompletedProcess:
    db = connection.settings_dict
    options = [f"--host={db['HOST']}", f"--port={db['PORT']}", f"--username={db['USER']}"]
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    return subprocess.run(  # noqa: S603 (PostgreSQL's own tools, on the test's database)
        [str(PG_BIN / program), *options, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.django_db(transaction=True)
def test_pg_dump_and_pg_restore_round_trip_into_a_fresh_database(client, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump and pg_restore are for PostgreSQL (run with bin/with-postgres)")
    if PG_BIN is None or not (PG_BIN / "pg_restore").exists():
        pytest.skip("no pg_dump and pg_restore under /usr/lib/postgresql/*/bin")
    fill_database()
    before = exports(client)
    counts = row_counts()
    dump = tmp_path / "deployments.dump"
    source = connection.settings_dict["NAME"]
    restored = f"{source}_restored"

    done = pg_command("pg_dump", "--format=custom", "--no-owner", f"--file={dump}", source)
    assert done.returncode == 0, done.stderr
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{restored}"')
    try:
        done = pg_command(
            "pg_restore",
            "--no-owner",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={restored}",
            str(dump),
        )
        assert done.returncode == 0, done.stderr
        with connected_to(restored):
            with connection.cursor() as cursor:
                cursor.execute("SELECT current_database()")
                assert cursor.fetchone() == (restored,)
            after = exports(client)
            assert row_counts() == counts
            assert backups.unapplied_migrations() == []
            article = Article.objects.exclude(body="").first()
            event = Event.objects.first()
            # The integrity triggers came back too.
            with (
                pytest.raises(IntegrityError, match="outside the article body"),
                transaction.atomic(),
            ):
                Citation.objects.create(
                    event=event, article=article, start=0, end=len(article.body) + 1
                )
            highest = max(Outlet.history.values_list("id", flat=True))
            assert Outlet.objects.create(name="New outlet").pk > highest
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
    for url in EXPORTS:
        assert after[url] == before[url], f"{url} differs after pg_dump and pg_restore"


# Bad input: a clear error naming the problem, and nothing restored.

BODY = "About 500 US troops are in Lithuania."


def rows(citation_end: int = 10, **outlet_fields) -> list[dict]:
    """A small backup by hand: an outlet, an article, an event and a citation."""
    stamp = {"updated_at": "2022-02-09T00:00:00Z"}
    return [
        {"model": "records.outlet", "pk": 1, "fields": {"name": "Wire", **stamp, **outlet_fields}},
        {
            "model": "records.article",
            "pk": 1,
            "fields": {
                "outlet": 1,
                "title": "T",
                "sha256": text_sha256(BODY),
                "body": BODY,
                **stamp,
            },
        },
        {
            "model": "records.event",
            "pk": 7,
            "fields": {
                "date": "2022-02-09",
                "contributor": "US",
                "kind": "presence",
                "summary": "About 500 US troops in Lithuania",
                "status": "published",
                "created_at": "2022-02-09T00:00:00Z",
                "updated_at": "2022-02-09T00:00:00Z",
            },
        },
        {
            "model": "records.citation",
            "pk": 1,
            "fields": {
                "event": 7,
                "article": 1,
                "start": 0,
                "end": citation_end,
                "updated_at": "2022-02-09T00:00:00Z",
            },
        },
    ]


def write(path: Path, content: bytes | list, *, gzipped: bool = False) -> Path:
    data = content if isinstance(content, bytes) else json.dumps(content).encode()
    path.write_bytes(gzip.compress(data) if gzipped else data)
    return path


def restore(path: Path) -> str:
    with pytest.raises(CommandError) as error:
        call_command("restore", str(path), stdout=StringIO())
    return str(error.value)


def nothing_restored() -> bool:
    return not backups.data_present()


@pytest.mark.django_db
def test_a_small_backup_by_hand_restores(tmp_path):
    call_command("restore", str(write(tmp_path / "ok.json.gz", rows(), gzipped=True)), verbosity=0)
    assert Citation.objects.get().quote == BODY[:10]
    assert Event.objects.get().pk == 7


@pytest.mark.django_db(transaction=True)
def test_a_backup_keeps_every_time_to_the_microsecond(tmp_path):
    call_command("restore", str(write(tmp_path / "ok.json", rows())), verbosity=0)
    # Under a millisecond, and over one: Django's own JSON would write both to the millisecond.
    stamps = [
        datetime(2022, 2, 9, 13, 47, 55, 123, UTC),
        datetime(2022, 2, 9, 13, 47, 55, 987654, UTC),
    ]
    Event.objects.update(updated_at=stamps[0], created_at=stamps[1])
    call_command("backup", str(tmp_path / "backup.json.gz"), stdout=StringIO())
    fresh_database()
    call_command("restore", str(tmp_path / "backup.json.gz"), stdout=StringIO())
    event = Event.objects.get()
    assert [event.updated_at, event.created_at] == stamps


@pytest.mark.django_db
def test_restore_names_a_missing_file(tmp_path):
    message = restore(tmp_path / "nowhere.json.gz")
    assert message == f"restore failed: {tmp_path / 'nowhere.json.gz'}: no such file"
    assert "not a file" in restore(tmp_path)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "gzipped", "expected"),
    [
        (b"Dear diary,", False, "is not a backup: its JSON is invalid at line 1, column 1"),
        (b'[{"model": "records.outlet", "pk": 1,', True, "its JSON is invalid at line 1"),
        (b"\xff\xfe\x00binary", False, "it is neither gzip nor JSON text"),
        (b"\x1f\x8b\x08\x00garbage-after-a-gzip-header", False, "its gzip data is corrupt"),
        (b'{"model": "records.outlet", "fields": {}}', False, "expected a list of rows"),
        (b"[1, 2, 3]", False, "expected a list of rows"),
        (b'[{"model": "records.outlet", "fields": []}]', False, "expected a list of rows"),
        (b"[]", False, "holds no rows: nothing to restore"),
        (
            b'[{"model": "shop.order", "pk": 1, "fields": {}}]',
            False,
            "holds rows of models this site does not have (shop.order): it is not a backup "
            "of this site",
        ),
    ],
)
def test_restore_names_a_bad_file(tmp_path, content, gzipped, expected):
    message = restore(write(tmp_path / "bad.json.gz", content, gzipped=gzipped))
    assert message.startswith(f"restore failed: {tmp_path / 'bad.json.gz'}")
    assert expected in message
    assert nothing_restored()


@pytest.mark.django_db
def test_restore_names_a_file_cut_short(tmp_path):
    whole = gzip.compress(json.dumps(rows()).encode())
    path = tmp_path / "cut.json.gz"
    path.write_bytes(whole[: len(whole) // 2])
    assert "is damaged: the file is cut short" in restore(path)
    assert nothing_restored()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "expected"),
    [
        # The trigger refuses a citation outside its article's body, after three good rows.
        (rows(citation_end=500), "records.citation row 1: citation span lies outside"),
        # A field this site does not have (a backup of another version).
        (rows(colour="red"), "records.outlet row 1: Outlet has no field named 'colour'"),
        # A reference to a row the file does not hold.
        ([r for r in rows() if r["model"] != "records.event"], "records_citation"),
        # A value the field cannot take.
        (
            [{"model": "records.event", "pk": 1, "fields": {"date": "yesterday"}}],
            "records.event row 1",
        ),
        # A reference by natural key to a group that is nowhere.
        (
            [{"model": "auth.user", "pk": 1, "fields": {"username": "u", "groups": [["Nobody"]]}}],
            "Nobody",
        ),
    ],
)
def test_a_row_that_cannot_be_restored_restores_nothing(tmp_path, content, expected):
    message = restore(write(tmp_path / "bad.json", content))
    assert expected in message
    assert message.endswith("(nothing was restored)")
    assert nothing_restored()


@pytest.mark.django_db
def test_restore_refuses_a_database_that_holds_data(tmp_path):
    Outlet.objects.create(name="Already here")
    message = restore(write(tmp_path / "ok.json", rows()))
    assert "the database already holds data (1 records.Outlet, 1 records.HistoricalOutlet)" in (
        message
    )
    assert "restore only into a newly migrated database" in message
    assert list(Outlet.objects.values_list("name", flat=True)) == ["Already here"]
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_restore_refuses_a_database_that_is_not_migrated(tmp_path, monkeypatch):
    monkeypatch.setattr(backups, "unapplied_migrations", lambda using: ["records.0099_future"])
    message = restore(write(tmp_path / "ok.json", rows()))
    assert "not fully migrated (1 to apply, the first records.0099_future)" in message
    assert "run `manage.py migrate` first" in message
    assert nothing_restored()


def backup(path: Path) -> str:
    with pytest.raises(CommandError) as error:
        call_command("backup", str(path), stdout=StringIO())
    return str(error.value)


@pytest.mark.django_db
def test_backup_names_a_missing_folder_or_a_folder_given_as_the_file(tmp_path):
    message = backup(tmp_path / "no" / "such" / "backup.json.gz")
    assert message == (
        f"backup failed: {tmp_path / 'no/such/backup.json.gz'}: the folder "
        f"{tmp_path / 'no/such'} does not exist"
    )
    assert "is a folder: give a file name" in backup(tmp_path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.django_db
def test_a_backup_is_written_whole_private_and_in_place_of_the_old_one(tmp_path):
    path = write(tmp_path / "backup.json.gz", b"yesterday's")
    Outlet.objects.create(name="Wire")
    call_command("backup", str(path), stdout=StringIO())
    assert [p.name for p in tmp_path.iterdir()] == ["backup.json.gz"], "no partial file left"
    assert path.stat().st_mode & 0o777 == 0o600, "it holds password hashes"
    assert {"model": "records.outlet", "pk": Outlet.objects.get().pk} in [
        {key: row[key] for key in ("model", "pk") if key in row}
        for row in json.loads(decompressed(path))
    ]


@pytest.mark.django_db
def test_a_failed_backup_leaves_the_old_file_and_no_partial_one(tmp_path, monkeypatch):
    path = write(tmp_path / "backup.json.gz", b"yesterday's")

    def failing(using, counts):
        yield from Outlet.objects.all()
        raise DatabaseError("the server went away")

    monkeypatch.setattr(backups, "_rows", failing)
    assert backup(path) == "backup failed: cannot read the database: the server went away"
    assert [p.name for p in tmp_path.iterdir()] == ["backup.json.gz"]
    assert path.read_bytes() == b"yesterday's"


def test_the_command_line_prints_the_error_without_a_traceback(tmp_path):
    missing = tmp_path / "nowhere.json.gz"
    done = subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "manage.py", "restore", str(missing)],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.strip() == f"CommandError: restore failed: {missing}: no such file"


@pytest.mark.django_db
def test_a_dismissed_candidate_is_found_by_its_natural_key():
    article = Article.objects.create(title="T", sha256=text_sha256(BODY), body=BODY)
    dismissed = DismissedCandidate.objects.create(article=article, key="0:10:LT:US:500:presence")
    assert dismissed.natural_key() == (text_sha256(BODY), "0:10:LT:US:500:presence")
    assert DismissedCandidate.objects.get_by_natural_key(*dismissed.natural_key()) == dismissed
