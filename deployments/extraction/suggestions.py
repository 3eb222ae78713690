"""The extraction assistant in the records: an article's candidates, less those dismissed, each
with the existing event it would corroborate; and what an editor's click does with one.

`extractor.extract` reads text; this module knows articles, events and citations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from deployments.records.contributors import contributor_name
from deployments.records.models import (
    Article,
    Citation,
    DismissedCandidate,
    Event,
    quantity_phrase,
)

from .extractor import Candidate, extract

# A candidate with the same host, contributor and quantity as an event within this many days
# of it reports that event: it is offered as another source for it, not as a new event.
SAME_EVENT_DAYS = 14


@dataclass(frozen=True)
class Suggestion:
    candidate: Candidate
    key: str
    event: Event | None  # the existing event it would corroborate, if any
    cited: bool  # that event already cites this very sentence


def key_of(candidate: Candidate) -> str:
    c = candidate
    return f"{c.start}:{c.end}:{c.host_country}:{c.contributor}:{c.quantity}:{c.kind}"


def candidates_for(article: Article) -> list[Candidate]:
    """The article's candidates from its text outside boilerplate."""
    skip = [(start, end) for start, end, _ in article.boilerplate]
    return extract(
        article.body,
        skip=skip,
        published=article.published,
        published_precision=article.published_precision,
    )


def suggestions(article: Article) -> list[Suggestion]:
    """Candidates not dismissed, each with the event it would corroborate."""
    dismissed = set(article.dismissed.values_list("key", flat=True))
    found = []
    for candidate in candidates_for(article):
        key = key_of(candidate)
        if key in dismissed:
            continue
        event = matching_event(candidate, article)
        cited = (
            event is not None
            and event.citations.filter(
                article=article, start=candidate.start, end=candidate.end
            ).exists()
        )
        found.append(Suggestion(candidate, key, event, cited))
    return found


def _date(candidate: Candidate, article: Article) -> tuple[date, str]:
    if candidate.date is not None:
        return candidate.date, candidate.date_precision or "day"
    if article.published is not None:
        return article.published, article.published_precision
    return timezone.localdate(), "day"


def matching_event(candidate: Candidate, article: Article) -> Event | None:
    """The event this candidate reports again: same host, contributor and quantity, within
    SAME_EVENT_DAYS of its date."""
    if not candidate.contributor or candidate.quantity is None:
        return None
    day, _ = _date(candidate, article)
    window = (day - timedelta(days=SAME_EVENT_DAYS), day + timedelta(days=SAME_EVENT_DAYS))
    return (
        Event.objects.filter(
            host_country=candidate.host_country,
            contributor=candidate.contributor,
            quantity=candidate.quantity,
            date__range=window,
        )
        .order_by("date", "pk")
        .first()
    )


def summary_of(candidate: Candidate) -> str:
    """A first summary for the editor to reword: "about 500 troops of the United States:
    increase (Lithuania)"."""
    amount = quantity_phrase(candidate.quantity, candidate.qualifier, candidate.unit)
    who = contributor_name(candidate.contributor) if candidate.contributor else "unknown"
    where = candidate.host_country or "no single host"
    return f"{amount or candidate.unit} of {who}: {candidate.kind} ({where})"[:300]


@transaction.atomic
def accept(article: Article, candidate: Candidate) -> Event:
    """A draft event pre-filled from the candidate, citing its sentence."""
    day, precision = _date(candidate, article)
    event = Event(
        date=day,
        date_precision=precision,
        host_country=candidate.host_country,
        contributor=candidate.contributor,
        kind=candidate.kind,
        quantity=candidate.quantity,
        qualifier=candidate.qualifier,
        unit=candidate.unit,
        summary=summary_of(candidate),
        status=Event.Status.DRAFT,
        notes=f"Proposed by the extraction assistant from article {article.pk}.",
    )
    event.full_clean()
    event.save()
    Citation.objects.create(event=event, article=article, start=candidate.start, end=candidate.end)
    return event


def corroborate(article: Article, candidate: Candidate, event: Event) -> Citation:
    """The candidate's sentence as another source of an existing event."""
    citation, _ = Citation.objects.get_or_create(
        event=event, article=article, start=candidate.start, end=candidate.end
    )
    return citation


def dismiss(article: Article, candidate: Candidate, user) -> None:
    DismissedCandidate.objects.get_or_create(
        article=article, key=key_of(candidate), defaults={"dismissed_by": user}
    )
