"""Storing an article's text: the one place that creates articles from text or fills their body.

Shared by the `import_articles` command and the admin, so both agree on identity: the SHA-256
of the text decides whether it is new, already there, or the text a curated fixture article has
been waiting for; the same text with other spacing or quote marks is a duplicate and is not
stored again; the same story in other words (a wire story run by two outlets) is stored and
linked to its twin. A new article gets the title, outlet and date its text and page suggest,
each with a note of where it came from, and its boilerplate marked.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from deployments.records.models import (
    Article,
    Outlet,
    normalize_newlines,
    text_fingerprint,
    text_sha256,
)

from .articles import ArticleFile, ArticleTextError, check_text, title_from_text
from .boilerplate import Span, boilerplate_spans
from .duplicates import find_twin
from .metadata import infer_metadata


class StoreStatus(StrEnum):
    CREATED = "created"
    FILLED = "filled"
    UNCHANGED = "unchanged"
    DUPLICATE = "duplicate"


class BodyConflict(ArticleTextError):
    """An article holds a different body under this text's SHA-256: the data needs a look."""


def store_text(text: str, *, filename: str = "") -> tuple[Article, StoreStatus]:
    """store_article for text as it is (pasted, or a UTF-8 text file)."""
    return store_article(ArticleFile(text), filename=filename)


def store_article(read: ArticleFile, *, filename: str = "") -> tuple[Article, StoreStatus]:
    """Create, fill or find the article whose identity is this text, in one transaction.

    A fixture article (metadata only) keeps its curated title, outlet and date; its body,
    source, boilerplate and import time are set. An existing body is never touched. The same
    text as another article's (normalized) is that article: DUPLICATE, nothing stored.
    """
    text = normalize_newlines(read.text)
    check_text(text)
    sha256 = text_sha256(text)
    filename = Path(filename).name[:500] if filename else ""
    with transaction.atomic():
        article = Article.objects.select_for_update().filter(sha256=sha256).first()
        if article is None:
            same = Article.objects.filter(fingerprint=text_fingerprint(text))
            same = same.exclude(body="").first()
            if same is not None:
                return same, StoreStatus.DUPLICATE
            try:
                with transaction.atomic():
                    return _create(read, text, sha256, filename), StoreStatus.CREATED
            except IntegrityError:
                # Another import of the same text won the race; fall through and use its row.
                article = Article.objects.select_for_update().filter(sha256=sha256).first()
                if article is None:
                    raise
        if article.body:
            if article.body != text:
                raise BodyConflict(
                    f"article {article.pk} has a different body under the same SHA-256"
                )
            return article, StoreStatus.UNCHANGED
        article.body = text
        article.filename = filename
        article.imported_at = timezone.now()
        fields = source_fields(read, text)
        for name, value in fields.items():
            setattr(article, name, value)
        article.save(update_fields=["body", "filename", "imported_at", *fields])
        return article, StoreStatus.FILLED


def source_fields(read: ArticleFile, text: str, spans: list[Span] | None = None) -> dict:
    """How the text came, and its boilerplate (`spans`, if the caller has them already). Its
    duplicate fingerprint is derived by Article.save."""
    spans = boilerplate_spans(text) if spans is None else spans
    return {
        "source_format": read.format,
        "encoding": read.encoding,
        "source_sha256": read.raw_sha256,
        "boilerplate": [[span.start, span.end, span.reason] for span in spans],
    }


def _valid_url(url: str) -> bool:
    """Whether the article's URL field takes `url` as it is ("http://a" is no address)."""
    try:
        Article._meta.get_field("url").clean(url, None)
    except ValidationError:
        return False
    return True


def _create(read: ArticleFile, text: str, sha256: str, filename: str) -> Article:
    article = Article(sha256=sha256, body=text, filename=filename)
    prepare_new(article, read)
    article.full_clean(exclude=["outlet", "twin"])  # truncates the date to its precision
    article.save()
    return article


def prepare_new(article: Article, read: ArticleFile) -> None:
    """Fill a new article's blank metadata from its text and page, noting where each came from
    (what an editor typed is kept), mark its boilerplate, and link its twin if it has one."""
    text = article.body
    spans = boilerplate_spans(text)
    found = infer_metadata(text, page=read.page, filename=article.filename, spans=spans)
    notes = [article.metadata_notes] if article.metadata_notes else []
    if not article.title:
        article.title = title_from_text(text, [(span.start, span.end) for span in spans])
        if found.title is not None:
            article.title = str(found.title.value)[:500]
            notes.append(f"Title: {found.title.note}.")
    if article.outlet_id is None:
        if found.outlet is not None:
            name = str(found.outlet.value)[:200]
            outlet = Outlet.objects.filter(name__iexact=name).first()
            if outlet is None:
                outlet = Outlet.objects.create(name=name)
                notes.append(f"Outlet: {found.outlet.note} (a new outlet: check its kind).")
            else:
                notes.append(f"Outlet: {found.outlet.note}.")
            article.outlet = outlet
        else:
            notes.append("Outlet: not found in the text; set it by hand.")
    if article.published is None:
        if found.published is not None:
            article.published = found.published.value
            article.published_precision = found.published.precision or "day"
            notes.append(f"Published: {found.published.note}.")
        else:
            notes.append("Publication date: not found in the text; set it by hand.")
    if not article.url and found.url is not None:
        url = str(found.url.value)
        if _valid_url(url):
            article.url = url
        else:
            notes.append(f"Address: {url[:200]!r} is not a valid URL; set it by hand.")
    if read.encoding.replace("_", "-").lower() != "utf-8":
        notes.append(f"The file was {read.encoding}, converted to UTF-8.")
    others = Article.objects.exclude(body="").exclude(pk=article.pk).values_list("pk", "body")
    twin = find_twin(text, others.iterator())
    if twin is not None:
        article.twin_id = twin[0]
        shared = f"{twin[1]:.0%} of phrases shared"
        notes.append(f"Tells the same story as article {twin[0]} ({shared}).")
    article.metadata_notes = " ".join(notes)
    article.imported_at = timezone.now()
    for name, value in source_fields(read, text, spans).items():
        setattr(article, name, value)
