"""`backup PATH`: the whole database as one gzipped JSON file (see records/backups.py)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from deployments.records.backups import EXCLUDED_APPS, BackupError, describe, write_backup


class Command(BaseCommand):
    help = (
        "Write the whole database (records, their history, users and groups, the admin log) "
        "to PATH as gzipped JSON, whole or not at all; `restore` loads it into a new, migrated "
        f"database. Left out: {'; '.join(EXCLUDED_APPS.values())}."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The file to write, e.g. backup.json.gz.")

    def handle(self, *args, path: Path, **options) -> None:
        try:
            counts = write_backup(path)
        except BackupError as error:
            raise CommandError(f"backup failed: {error}") from error
        self.stdout.write(f"Backed up {describe(counts)} to {path}")
