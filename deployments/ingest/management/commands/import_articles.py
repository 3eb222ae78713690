"""`import_articles PATH...`: store article text files, one transaction per file."""

from __future__ import annotations

from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from deployments.ingest.articles import ArticleTextError, collect_sources, read_article_file
from deployments.ingest.importing import StoreStatus, store_text

FAILED = "failed"


class Command(BaseCommand):
    help = (
        "Import article text files (UTF-8, at most 5 MB each). Each PATH is a .txt file or a "
        "folder whose *.txt files are imported in name order (subfolders and hidden files are "
        "not searched). A text already imported is left unchanged; one matching a curated "
        "article's SHA-256 fills that article's body. Exits non-zero if any file failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="A .txt file or a folder.")

    def handle(self, *args, paths: list[str], **options) -> None:
        counts: Counter[str] = Counter()
        for source in collect_sources(paths):
            try:
                if source.error is not None:
                    raise source.error
                text = read_article_file(source.path)
                article, status = store_text(text, filename=source.path.name)
            except ArticleTextError as exc:
                self._fail(source.path, str(exc), counts)
            except IntegrityError as exc:
                self._fail(source.path, f"the database refused it ({exc})", counts)
            else:
                counts[status] += 1
                self.stdout.write(f'{source.path}: {status} article {article.pk} "{article.title}"')

        total = sum(counts.values())
        statuses = [*StoreStatus, FAILED]
        summary = ", ".join(f"{counts[status]} {status}" for status in statuses)
        self.stdout.write(f"{total} file{'' if total == 1 else 's'}: {summary}")
        if counts[FAILED]:
            raise CommandError(f"{counts[FAILED]} of {total} files could not be imported.")

    def _fail(self, path, reason: str, counts: Counter[str]) -> None:
        counts[FAILED] += 1
        self.stderr.write(f"{path}: failed: {reason}")
