"""`import_articles PATH...`: store article files (text, Markdown, saved web pages), one
transaction per file."""

from __future__ import annotations

from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError
from tqdm import tqdm

from deployments.ingest.articles import ArticleTextError, collect_sources, load_article_file
from deployments.ingest.importing import StoreStatus, store_article

FAILED = "failed"


class Command(BaseCommand):
    help = (
        "Import article files: .txt and .md as they are, .html/.htm saved web pages by their "
        "main text; at most 5 MB each, text in any real encoding (converted to UTF-8). Each "
        "PATH is a file or a folder whose article files are imported in name order (subfolders "
        "and hidden files are not searched). A text already imported is left unchanged, the "
        "same text with other spacing is a duplicate and not stored again; one matching a "
        "curated article's SHA-256 fills that article's body. Exits non-zero if any file failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="A .txt file or a folder.")

    def handle(self, *args, paths: list[str], **options) -> None:
        counts: Counter[str] = Counter()
        sources = collect_sources(paths)
        # The bar goes to the raw stream (OutputWrapper ends every write with a newline), and
        # only to a terminal: lines about files go through bar.write so the two do not mix.
        bar = tqdm(sources, unit="file", file=self.stderr._out, leave=False, disable=None)
        for source in bar:
            try:
                if source.error is not None:
                    raise source.error
                article, status = store_article(
                    load_article_file(source.path), filename=source.path.name
                )
            except ArticleTextError as exc:
                self._fail(bar, source.path, str(exc), counts)
            except IntegrityError as exc:
                self._fail(bar, source.path, f"the database refused it ({exc})", counts)
            else:
                counts[status] += 1
                what = "the same text as" if status == StoreStatus.DUPLICATE else ""
                line = f"{source.path}: {status}{' ' + what if what else ''} article {article.pk}"
                self._say(bar, self.stdout, f'{line} "{article.title}"')

        total = sum(counts.values())
        statuses = [*StoreStatus, FAILED]
        summary = ", ".join(f"{counts[status]} {status}" for status in statuses)
        self.stdout.write(f"{total} file{'' if total == 1 else 's'}: {summary}")
        if counts[FAILED]:
            raise CommandError(f"{counts[FAILED]} of {total} files could not be imported.")

    def _say(self, bar, stream, line: str) -> None:
        """A line on `stream` (self.stdout or self.stderr), above the progress bar if shown."""
        if bar.disable:
            stream.write(line)
        else:
            bar.write(line, file=stream._out)

    def _fail(self, bar, path, reason: str, counts: Counter[str]) -> None:
        counts[FAILED] += 1
        self._say(bar, self.stderr, f"{path}: failed: {reason}")
