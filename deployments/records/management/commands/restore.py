"""`restore PATH`: load a backup into a new, migrated database (see records/backups.py)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from deployments.records.backups import BackupError, describe, read_backup, restore_backup


class Command(BaseCommand):
    help = (
        "Load a backup written by `backup` (or a `dumpdata` JSON file, gzipped or not) into a "
        "migrated database that holds no data yet, in one transaction: a bad file restores "
        "nothing. Primary keys, history and the Event versions come back as they were."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The backup file.")

    def handle(self, *args, path: Path, **options) -> None:
        try:
            counts = restore_backup(read_backup(path))
        except BackupError as error:
            raise CommandError(f"restore failed: {error}") from error
        self.stdout.write(f"Restored {describe(counts)} from {path}")
