"""`load_curated`: load the curated outlets, article metadata, events and citations once."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models.signals import pre_save
from django.utils import timezone

from deployments.records.models import Article, Citation, Event, Outlet


class Command(BaseCommand):
    help = (
        "Load the curated fixture (fixtures/curated.json) unless the database already holds "
        "events or outlets; --force reloads it, overwriting rows by primary key. Imported "
        "article bodies are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fixture",
            type=Path,
            default=None,
            help="The fixture file to load (default: fixtures/curated.json under BASE_DIR).",
        )
        parser.add_argument(
            "--force", action="store_true", help="Load even if curated data is already present."
        )

    def handle(self, *args, fixture: Path | None, force: bool, **options) -> None:
        fixture = fixture or Path(settings.BASE_DIR) / "fixtures" / "curated.json"
        if not fixture.is_file():
            raise CommandError(f"Fixture file not found: {fixture}")

        if not force and (Event.objects.exists() or Outlet.objects.exists()):
            self.stdout.write(
                f"curated data already present ({Event.objects.count()} events); skipped"
            )
            return

        pre_save.connect(_keep_imported_body, sender=Article, dispatch_uid=__name__)
        for model in STAMPED:
            pre_save.connect(_stamp, sender=model, dispatch_uid=f"{__name__}.stamp")
        try:
            with transaction.atomic():
                call_command(
                    "loaddata",
                    str(fixture),
                    verbosity=options["verbosity"],
                    stdout=self.stdout,
                    stderr=self.stderr,
                )
        finally:
            pre_save.disconnect(sender=Article, dispatch_uid=__name__)
            for model in STAMPED:
                pre_save.disconnect(sender=model, dispatch_uid=f"{__name__}.stamp")

        articles = Article.objects.all()
        self.stdout.write(
            f"{Outlet.objects.count()} outlets, {articles.count()} articles "
            f"({articles.exclude(body='').count()} with text), {Event.objects.count()} events, "
            f"{Citation.objects.count()} citations"
        )


STAMPED = (Outlet, Article, Event, Citation)


def _stamp(sender, instance, raw: bool = False, **kwargs) -> None:
    """loaddata saves raw, skipping auto_now: give rows without `updated_at` the load time."""
    if raw and instance.updated_at is None:
        instance.updated_at = timezone.now()


def _keep_imported_body(sender, instance: Article, raw: bool = False, **kwargs) -> None:
    """The fixture holds no bodies; reloading it must not erase (or trip over) imported ones."""
    if not raw or instance.body or instance.pk is None:
        return
    imported = (
        Article.objects.filter(pk=instance.pk, sha256=instance.sha256)
        .exclude(body="")
        .values("body", "filename", "imported_at")
        .first()
    )
    if imported:
        for field, value in imported.items():
            setattr(instance, field, value)
