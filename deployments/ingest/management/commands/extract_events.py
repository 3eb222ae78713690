"""`extract_events PATH_OR_ARTICLE_ID [--json]`: the candidate events the extraction assistant
reads in an article file or a stored article."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from deployments.extraction.extractor import extract
from deployments.ingest.articles import ArticleTextError, load_article_file
from deployments.ingest.boilerplate import boilerplate_spans
from deployments.ingest.metadata import infer_metadata
from deployments.records.models import Article

JSON_KEYS = (
    "host_country",
    "contributor",
    "quantity",
    "qualifier",
    "unit",
    "kind",
    "date",
    "start",
    "end",
    "quote",
)


class Command(BaseCommand):
    help = (
        "Print the candidate deployment events in an article: a file (.txt, .md, .html) or the "
        "id of a stored article. Each candidate has its host, contributor, quantity, qualifier, "
        "unit, kind, date and the span [start, end) of the sentence that supports it; text "
        "marked as boilerplate is skipped. --json prints one JSON object a line."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", metavar="PATH_OR_ARTICLE_ID")
        parser.add_argument("--json", action="store_true", help="One JSON object a line.")

    def handle(self, *args, source: str, json: bool, **options) -> None:
        text, skip, published, precision = self._read(source)
        candidates = extract(text, skip=skip, published=published, published_precision=precision)
        for candidate in candidates:
            if json:
                self.stdout.write(_json_line(candidate))
            else:
                self.stdout.write(_line(candidate))
        if not json:
            count = len(candidates)
            self.stdout.write(f"{count} candidate{'' if count == 1 else 's'} in {source}")

    def _read(self, source: str):
        path = Path(source)
        if source.isdigit() and not path.exists():
            article = Article.objects.filter(pk=int(source)).first()
            if article is None:
                raise CommandError(f"{source}: no such file, and no article with that id")
            if not article.body:
                raise CommandError(f"article {source} has no text yet: import it first")
            skip = [(start, end) for start, end, _ in article.boilerplate]
            return article.body, skip, article.published, article.published_precision
        try:
            read = load_article_file(path)
        except ArticleTextError as error:
            raise CommandError(f"{source}: {error}") from None
        spans = boilerplate_spans(read.text)
        skip = [(span.start, span.end) for span in spans]
        found = infer_metadata(read.text, page=read.page, filename=path.name, spans=spans)
        if found.published is None:
            return read.text, skip, None, "day"
        return read.text, skip, found.published.value, found.published.precision or "day"


def _json_line(candidate) -> str:
    record = {key: getattr(candidate, key) for key in JSON_KEYS}
    record["date"] = candidate.date.isoformat() if candidate.date else None
    return json.dumps(record, ensure_ascii=False)


def _line(candidate) -> str:
    c = candidate
    amount = f"{c.qualifier} {c.quantity}" if c.quantity is not None else "no number"
    day = c.date.isoformat() if c.date else "no date"
    return (
        f"[{c.start}:{c.end}] {c.kind}: {amount} {c.unit} from {c.contributor or '?'} "
        f"in {c.host_country or '?'}, {day}\n    “{c.quote}”"
    )
