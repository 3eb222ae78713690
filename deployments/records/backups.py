"""Backups: the whole database as one gzipped file of Django's JSON data dump, and back.

What makes a restore faithful, and why this is not a bare `dumpdata --natural-primary`:

- Every row keeps its primary key. Event ids are public (`/events/<id>/`, the `id` column of
  the exports), the admin's URLs and log name rows by id, and every history entry names the
  row it is a version of by id (django-simple-history keeps the id as a plain number, and its
  foreign keys as plain numbers that may point at rows deleted since). A restore that gave
  outlets or articles new ids would silently attach their history to other rows, and
  `dumpdata --natural-foreign` stops at the first history entry whose outlet or article has
  since been deleted.
- Content types, permissions and groups are the exception: a freshly migrated database already
  holds them (migrate makes them, and migration 0003 the Editors group), under ids of its own.
  They are written by natural key (`app_label, model`; `codename, app_label, model`; `name`),
  and so is every reference to them (a group's permissions, a user's groups, the admin log's
  content type), so they match the rows already there instead of clashing with them.
- Sign-ins (sessions) and failed-login counters (django-axes) are left out: they are short-lived
  and start empty after a restore.
- Times keep their microseconds. Django's JSON encoder cuts them to milliseconds, so a restore
  would change every timestamp by up to a millisecond and could tie history entries that were
  made within one.
- A restore goes into a migrated database that holds no data yet, in one transaction: a bad or
  incomplete file restores nothing. Rows are saved raw, as `loaddata` does: no `save()` method,
  history entry or timestamp is added, so `Event.version`, `updated_at` and the history come
  back as they were. The integrity triggers check every citation as it is inserted.
"""

from __future__ import annotations

import datetime
import gzip
import io
import json
import os
import tempfile
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.json import Serializer as JSONSerializer
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models, transaction
from django.db.migrations.executor import MigrationExecutor

# Apps whose rows a backup leaves out, and why (the README says the same).
EXCLUDED_APPS = {
    "sessions": "sign-ins: everyone signs in again after a restore",
    "axes": "failed-login counters and lockouts",
}

# Rows a freshly migrated database already holds: written and matched by natural key, in the
# order of that key (so a backup does not depend on the ids a database happened to give them).
NATURAL_ORDER = {
    ContentType: ("app_label", "model"),
    Permission: ("content_type__app_label", "content_type__model", "codename"),
    Group: ("name",),
}


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why, for the operator."""


def backed_up_models() -> list[type[models.Model]]:
    """Every model whose rows a backup holds, references before the rows that use them."""
    app_list = []
    for app_config in apps.get_app_configs():
        if app_config.label in EXCLUDED_APPS:
            continue
        kept = [
            model
            for model in app_config.get_models()
            if model._meta.managed and not model._meta.proxy
        ]
        if kept:
            app_list.append((app_config, kept))
    return serializers.sort_dependencies(app_list, allow_cycles=True)


def _refers_by_natural_key(model: type[models.Model]) -> bool:
    """Whether the model points at rows that are written by natural key."""
    relations = [*model._meta.local_fields, *model._meta.local_many_to_many]
    return any(field.is_relation and field.related_model in NATURAL_ORDER for field in relations)


class _Encoder(DjangoJSONEncoder):
    """Django's JSON encoder, but times keep whole microseconds (its deserializer reads them)."""

    def default(self, o):
        if isinstance(o, datetime.datetime) and o.microsecond:
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        return super().default(o)


class _Serializer(JSONSerializer):
    """Django's JSON serializer, with natural keys per model rather than for the whole dump."""

    def start_object(self, obj) -> None:
        model = obj._meta.concrete_model
        self.use_natural_primary_keys = model in NATURAL_ORDER
        self.use_natural_foreign_keys = _refers_by_natural_key(model)
        super().start_object(obj)


def _rows(using: str, counts: Counter) -> Iterator[models.Model]:
    for model in backed_up_models():
        rows = model._base_manager.using(using).order_by(*NATURAL_ORDER.get(model, ("pk",)))
        if _refers_by_natural_key(model):
            foreign_keys = [field.name for field in model._meta.local_fields if field.many_to_one]
            if foreign_keys:
                rows = rows.select_related(*foreign_keys)
        for row in rows.iterator(chunk_size=2000):
            counts[model] += 1
            yield row


@contextmanager
def _snapshot(using: str) -> Iterator[None]:
    """One transaction, so the backup is one moment's data even while editors work. On
    PostgreSQL a repeatable-read snapshot (readers and writers go on); SQLite holds its write
    lock for the few seconds a backup takes."""
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def write_backup(path: Path | str, *, using: str = DEFAULT_DB_ALIAS) -> Counter:
    """Write the database to `path` (gzipped JSON), whole or not at all; rows per model."""
    path = Path(path)
    folder = path.parent
    if not folder.is_dir():
        raise BackupError(f"{path}: the folder {folder} does not exist")
    if path.is_dir():
        raise BackupError(f"{path} is a folder: give a file name, e.g. {path / 'backup.json.gz'}")
    counts: Counter = Counter()
    try:
        # Private from the start (mkstemp makes it 0600): it holds password hashes and emails.
        handle, partial = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".partial")
    except OSError as error:
        raise BackupError(f"{path}: cannot write in {folder} ({error.strerror})") from None
    try:
        with os.fdopen(handle, "wb") as raw:
            # No name and no time in the gzip header: the same data gives the same file.
            with (
                gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as zipped,
                io.TextIOWrapper(zipped, encoding="utf-8") as text,
                _snapshot(using),
            ):
                _Serializer().serialize(_rows(using, counts), stream=text, indent=1, cls=_Encoder)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, path)
    except DatabaseError as error:
        raise BackupError(f"cannot read the database: {error}".strip()) from error
    except OSError as error:
        raise BackupError(f"{path}: cannot be written ({error.strerror or error})") from error
    finally:
        with suppress(FileNotFoundError):
            os.unlink(partial)
    return counts


def read_backup(path: Path | str) -> list[dict]:
    """The rows of a backup file (gzipped or plain JSON), checked to be a data dump of models
    this site has; a BackupError naming the problem otherwise."""
    path = Path(path)
    if not path.exists():
        raise BackupError(f"{path}: no such file")
    if not path.is_file():
        raise BackupError(f"{path} is not a file")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise BackupError(f"{path} cannot be read ({error.strerror})") from None
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except EOFError:
            raise BackupError(f"{path} is damaged: the file is cut short") from None
        except (OSError, zlib.error) as error:
            raise BackupError(f"{path} is damaged: its gzip data is corrupt ({error})") from None
    try:
        rows = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise BackupError(f"{path} is not a backup: it is neither gzip nor JSON text") from None
    except json.JSONDecodeError as error:
        raise BackupError(
            f"{path} is not a backup: its JSON is invalid at line {error.lineno}, "
            f"column {error.colno} ({error.msg})"
        ) from None
    if not isinstance(rows, list) or not all(
        isinstance(row, dict)
        and isinstance(row.get("model"), str)
        and isinstance(row.get("fields"), dict)
        for row in rows
    ):
        raise BackupError(
            f"{path} is not a backup: expected a list of rows, each with a model and its "
            "fields, as `manage.py backup` writes"
        )
    if not rows:
        raise BackupError(f"{path} holds no rows: nothing to restore")
    known = {model._meta.label_lower for model in apps.get_models()}
    unknown = sorted({row["model"].lower() for row in rows} - known)
    if unknown:
        listed = ", ".join(unknown[:5]) + (f" and {len(unknown) - 5} more" if unknown[5:] else "")
        raise BackupError(
            f"{path} holds rows of models this site does not have ({listed}): it is not a "
            "backup of this site, or it comes from a newer version of it"
        )
    return rows


def unapplied_migrations(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    executor = MigrationExecutor(connections[using])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def data_present(using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Rows a freshly migrated database does not hold, per model: a restore target has none."""
    return {
        model._meta.label: count
        for model in backed_up_models()
        if model not in NATURAL_ORDER and (count := model._base_manager.using(using).count())
    }


def restore_backup(rows: list[dict], *, using: str = DEFAULT_DB_ALIAS) -> Counter:
    """Load the rows of `read_backup` into a migrated database that holds no data yet, all or
    nothing; rows per model."""
    try:
        pending = unapplied_migrations(using)
    except DatabaseError as error:
        raise BackupError(f"cannot read the database: {error}".strip()) from error
    if pending:
        raise BackupError(
            f"the database is not fully migrated ({len(pending)} to apply, the first "
            f"{pending[0]}): run `manage.py migrate` first, then restore"
        )
    ContentType.objects.clear_cache()  # ids of another database, or of before a flush
    try:
        with transaction.atomic(using=using):
            present = data_present(using)
            if present:
                listed = ", ".join(f"{count} {label}" for label, count in present.items())
                raise BackupError(
                    f"the database already holds data ({listed}): restore only into a newly "
                    "migrated database, so that nothing is overwritten or mixed (nothing was "
                    "restored)"
                )
            counts = _load(rows, using)
    except DatabaseError as error:  # at commit
        raise BackupError(f"{error} (nothing was restored)".strip()) from error
    finally:
        ContentType.objects.clear_cache()
    return counts


def _load(rows: list[dict], using: str) -> Counter:
    """Save every row raw, as loaddata does; errors name the row and restore nothing."""
    connection = connections[using]
    counts: Counter = Counter()
    deferred = []
    position = 0

    def failed(error: Exception) -> BackupError:
        row = rows[position] if position < len(rows) else {}
        where = f"{row.get('model', '?')} row {row.get('pk', '(by natural key)')}" if row else ""
        message = str(error).strip() or type(error).__name__
        return BackupError(f"{where}{': ' if where else ''}{message} (nothing was restored)")

    try:
        with connection.constraint_checks_disabled():
            objects = serializers.deserialize(
                "python", rows, using=using, handle_forward_references=True
            )
            for obj in objects:  # rows[position] is the row being read or saved
                obj.save(using=using)
                position += 1
                counts[type(obj.object)] += 1
                if obj.deferred_fields:
                    deferred.append(obj)
            for obj in deferred:
                obj.save_deferred_fields(using=using)
        connection.check_constraints(table_names=[model._meta.db_table for model in counts])
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), list(counts)):
                cursor.execute(statement)
        _skip_ids_of_deleted_rows(connection, counts)
    except Exception as error:  # whatever the file holds, a message and nothing restored
        raise failed(error) from error
    return counts


def _skip_ids_of_deleted_rows(connection, counts: Counter) -> None:
    """New rows must not take the ids of deleted ones: history finds a row's entries by its id
    (and /events/<id>/ links outlive an event). The backup holds no sequences, and a reset
    sequence goes on from the highest id left, so each goes past the highest id its history
    names."""
    for historical in counts:
        tracked = getattr(historical, "instance_type", None)  # set by django-simple-history
        if tracked is None or not isinstance(tracked._meta.pk, models.AutoField):
            continue
        column = tracked._meta.pk.column
        highest = historical._base_manager.using(connection.alias).aggregate(
            highest=models.Max(tracked._meta.pk.attname)
        )["highest"]
        live = tracked._base_manager.using(connection.alias).aggregate(highest=models.Max("pk"))[
            "highest"
        ]
        if highest is None or (live is not None and live >= highest):
            continue
        table = tracked._meta.db_table
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, %s), %s)",
                    [connection.ops.quote_name(table), column, highest],
                )
            elif connection.vendor == "sqlite":
                cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
                cursor.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, highest]
                )


def describe(counts: Counter) -> str:
    """ "1,234 rows: 5 outlets, 6 articles, ..." without the content types and permissions."""
    total = sum(counts.values())
    parts = [
        f"{count:,} {model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural}"
        for model, count in counts.items()
        if count and model not in (ContentType, Permission)
    ]
    return f"{total:,} rows" + (f": {', '.join(parts)}" if parts else "")
