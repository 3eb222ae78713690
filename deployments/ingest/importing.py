"""Storing an article's text: the one place that creates articles from text or fills their body.

Shared by the `import_articles` command and (later) the admin, so both agree on identity: the
SHA-256 of the text decides whether it is new, already there, or the text a curated fixture
article has been waiting for.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone

from deployments.records.models import Article, normalize_newlines, text_sha256

from .articles import ArticleTextError, check_text, title_from_text


class StoreStatus(StrEnum):
    CREATED = "created"
    FILLED = "filled"
    UNCHANGED = "unchanged"


class BodyConflict(ArticleTextError):
    """An article holds a different body under this text's SHA-256: the data needs a look."""


def store_text(text: str, *, filename: str = "") -> tuple[Article, StoreStatus]:
    """Create, fill or find the article whose identity is this text, in one transaction.

    A fixture article (metadata only) keeps its curated title, outlet and date; only its body,
    filename and import time are set. An existing body is never touched.
    """
    text = normalize_newlines(text)
    check_text(text)
    sha256 = text_sha256(text)
    filename = Path(filename).name[:500] if filename else ""
    with transaction.atomic():
        article = Article.objects.select_for_update().filter(sha256=sha256).first()
        if article is None:
            try:
                with transaction.atomic():
                    return _create(text, sha256, filename), StoreStatus.CREATED
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
        article.save(update_fields=["body", "filename", "imported_at"])
        return article, StoreStatus.FILLED


def _create(text: str, sha256: str, filename: str) -> Article:
    source = f"the file {filename}" if filename else "the imported text"
    return Article.objects.create(
        title=title_from_text(text),
        sha256=sha256,
        body=text,
        filename=filename,
        imported_at=timezone.now(),
        metadata_notes=(
            f"Title taken from the first line of {source} at import; "
            "outlet and publication date not yet known."
        ),
    )
