"""The records: outlets, articles, deployment events and the citations that tie them together."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q
from django.db.models.functions import Substr
from django.urls import reverse
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from . import data_version as data_version_token
from . import forces
from .contributors import contributor_choices, contributor_name, is_contributor

if TYPE_CHECKING:
    from deployments.dashboard.filters import EventFilters


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# Curly quotes, en and em dashes, no-break space: how copies of one text differ.
_FOLD = str.maketrans("\u2018\u2019\u201c\u201d\u2013\u2014\xa0", "''\"\"-- ")


def normalized_text(text: str) -> str:
    """Case, spacing, curly quotes and dashes folded."""
    return " ".join(text.translate(_FOLD).casefold().split())


def text_fingerprint(text: str) -> str:
    """SHA-256 of the normalized text: equal for duplicates (the same text, retyped)."""
    return text_sha256(normalized_text(text))


class Precision(models.TextChoices):
    DAY = "day", "day"
    MONTH = "month", "month"
    YEAR = "year", "year"


class SourceFormat(models.TextChoices):
    TEXT = "text", "plain text"
    MARKDOWN = "markdown", "Markdown"
    HTML = "html", "saved web page"


class OutletKind(models.TextChoices):
    WIRE = "wire", "wire service"
    NEWSPAPER = "newspaper", "newspaper"
    BROADCASTER = "broadcaster", "broadcaster"
    GOVERNMENT = "government", "government"
    STATE_MEDIA = "state_media", "state media"
    OTHER = "other", "other"


class EventKind(models.TextChoices):
    PRESENCE = "presence", "presence (a stated level)"
    INCREASE = "increase", "increase"
    DECREASE = "decrease", "decrease"
    PLEDGE = "pledge", "pledge (announced, not yet there)"
    REQUEST = "request", "request"
    READINESS = "readiness", "readiness (on alert)"
    EXERCISE = "exercise", "exercise"
    AGREEMENT = "agreement", "agreement"
    OTHER = "other", "other"


class Qualifier(models.TextChoices):
    EXACT = "exact", "exactly"
    ABOUT = "about", "about"
    AT_LEAST = "at_least", "at least"
    UP_TO = "up_to", "up to"


class Unit(models.TextChoices):
    TROOPS = "troops", "troops"
    AIRCRAFT = "aircraft", "aircraft"
    SHIPS = "ships", "ships"
    VEHICLES = "vehicles", "vehicles"
    SYSTEMS = "systems", "systems"
    OTHER = "other", "other"


class Permanence(models.TextChoices):
    ROTATIONAL = "rotational", "rotational"
    PERSISTENT = "persistent", "persistent"
    PERMANENT = "permanent", "permanent"
    TEMPORARY = "temporary", "temporary"
    UNKNOWN = "unknown", "unknown"


class Status(models.TextChoices):
    DRAFT = "draft", "draft"
    PUBLISHED = "published", "published"


def truncate_to_precision(value: date, precision: str) -> date:
    """A month-precise date is stored as its first day, a year-precise one as 1 January."""
    if precision == Precision.MONTH:
        return value.replace(day=1)
    if precision == Precision.YEAR:
        return value.replace(month=1, day=1)
    return value


def quantity_phrase(quantity: int | None, qualifier: str, unit: str) -> str:
    """ "about 1,200 troops", "350 troops"; "" without a quantity."""
    if quantity is None:
        return ""
    exact = qualifier == Qualifier.EXACT or qualifier not in Qualifier.values
    words = "" if exact else Qualifier(qualifier).label
    return f"{words} {quantity:,} {unit}".strip()


def format_with_precision(value: date | None, precision: str) -> str:
    if value is None:
        return ""
    if precision == Precision.YEAR:
        return f"{value:%Y}"
    if precision == Precision.MONTH:
        return f"{value:%B %Y}"
    return f"{value.day} {value:%B %Y}"


def _precision_constraint(field: str, precision_field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=(
            Q(**{f"{precision_field}": Precision.DAY})
            | Q(**{f"{precision_field}": Precision.MONTH, f"{field}__day": 1})
            | Q(**{f"{precision_field}": Precision.YEAR, f"{field}__day": 1, f"{field}__month": 1})
        ),
        name=name,
        violation_error_message=(
            "A month-precise date must be the 1st; a year-precise one 1 January."
        ),
    )


class OutletManager(models.Manager):
    def get_by_natural_key(self, name: str) -> Outlet:
        return self.get(name=name)


class Outlet(models.Model):
    Kind = OutletKind

    name = models.CharField(max_length=200, unique=True)
    domain = models.CharField(max_length=253, blank=True, help_text="e.g. rferl.org")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    state_affiliated = models.BooleanField(
        default=False, help_text="Funded or controlled by a state. Shown to readers beside quotes."
    )
    notes = models.TextField(blank=True, help_text="Ownership, funding, editorial independence.")
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    history = HistoricalRecords()
    objects = OutletManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=OutletKind.values), name="outlet_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.name,)


class ArticleManager(models.Manager):
    def get_by_natural_key(self, sha256: str) -> Article:
        return self.get(sha256=sha256)


class Article(models.Model):
    outlet = models.ForeignKey(
        Outlet, on_delete=models.PROTECT, null=True, blank=True, related_name="articles"
    )
    title = models.CharField(max_length=500)
    published = models.DateField(null=True, blank=True)
    published_precision = models.CharField(
        max_length=5, choices=Precision.choices, default=Precision.DAY
    )
    url = models.URLField(max_length=1000, blank=True)
    sha256 = models.CharField(
        "SHA-256",
        max_length=64,
        unique=True,
        help_text="Of the body as UTF-8 with newlines normalized: the article's identity.",
    )
    body = models.TextField(
        blank=True, help_text="Exactly as received. Empty until the article's text is imported."
    )
    filename = models.CharField(max_length=500, blank=True, help_text="The file it came from.")
    imported_at = models.DateTimeField(null=True, blank=True)
    metadata_notes = models.TextField(
        blank=True, help_text="Where the title, outlet and date came from, and any doubts."
    )
    source_format = models.CharField(
        max_length=10, choices=SourceFormat.choices, default=SourceFormat.TEXT
    )
    encoding = models.CharField(
        max_length=40, default="utf-8", help_text="The file's encoding; the body is UTF-8."
    )
    source_sha256 = models.CharField(
        "source SHA-256",
        max_length=64,
        blank=True,
        help_text="Of the file as received, when the body was taken out of it (a web page).",
    )
    boilerplate = models.JSONField(
        default=list,
        blank=True,
        help_text="[start, end, reason] spans of the body that are not the article (sign-up "
        "prompts, read-more lists...): marked, never removed, skipped by readers and extraction.",
    )
    fingerprint = models.CharField(
        max_length=64,
        blank=True,
        db_index=True,
        help_text="SHA-256 of the text with case, spacing and quote marks folded: duplicates.",
    )
    twin = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="twins",
        help_text="The same story in another article (a near-duplicate text, e.g. a wire story).",
    )
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    history = HistoricalRecords(excluded_fields=["body"])
    objects = ArticleManager()

    class Meta:
        ordering = ["-published", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="article_sha256_hex"
            ),
            _precision_constraint("published", "published_precision", "article_date_precision"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        if self.body and not self.fingerprint:
            self.fingerprint = text_fingerprint(self.body)
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "fingerprint"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("admin:records_article_change", args=[self.pk])

    def natural_key(self) -> tuple[str]:
        return (self.sha256,)

    @property
    def published_display(self) -> str:
        return format_with_precision(self.published, self.published_precision)

    def validate_constraints(self, exclude=None) -> None:
        if self.published is None:
            # An undated article satisfies the precision constraint; checking it would ask
            # PostgreSQL for EXTRACT(DAY FROM NULL), which it cannot type.
            exclude = {*(exclude or ()), "published"}
        super().validate_constraints(exclude)

    def clean(self) -> None:
        if self.body and text_sha256(self.body) != self.sha256:
            raise ValidationError({"body": "This text's SHA-256 does not match the article's."})
        if self.published:
            self.published = truncate_to_precision(self.published, self.published_precision)


class EditConflict(Exception):
    """An event changed in the database after this copy of it was loaded."""

    def __init__(self, pk: int, loaded: int, stored: int) -> None:
        super().__init__(
            f"Event {pk} changed while it was being edited (loaded version {loaded}, "
            f"now version {stored}): nothing was saved."
        )
        self.pk, self.loaded, self.stored = pk, loaded, stored


class EventQuerySet(models.QuerySet):
    def published(self) -> EventQuerySet:
        return self.filter(status=Event.Status.PUBLISHED)

    def with_sources(self) -> EventQuerySet:
        """Source counts and citations (with article and outlet) in a fixed number of queries."""
        return self.annotate(
            source_count=Count("citations__article", distinct=True)
        ).prefetch_related(
            Prefetch(
                "citations",
                queryset=Citation.objects.select_related("article__outlet").order_by(
                    "article__published", "article__title", "start"
                ),
            )
        )

    def search(self, text: str) -> EventQuerySet:
        """Events whose summary, contributor, outlet or cited text contains `text`."""
        cited = Citation.objects.filter(event=OuterRef("pk")).annotate(
            quote=Substr("article__body", F("start") + 1, F("end") - F("start"))
        )
        return self.filter(
            Q(summary__icontains=text)
            | Exists(cited.filter(quote__icontains=text))
            | Exists(cited.filter(article__outlet__name__icontains=text))
        )

    def for_filters(self, filters: EventFilters) -> EventQuerySet:
        """The reader's filters (see dashboard.filters); each one narrows, empty ones do not."""
        events = self
        if filters.host:
            events = events.filter(host_country__in=filters.host)
        if filters.contributor:
            events = events.filter(contributor__in=filters.contributor)
        if filters.kind:
            events = events.filter(kind__in=filters.kind)
        if filters.unit:
            events = events.filter(unit__in=filters.unit)
        if filters.date_from:
            events = events.filter(date__gte=filters.date_from)
        if filters.date_to:
            events = events.filter(date__lte=filters.date_to)
        if filters.q:
            events = events.search(filters.q)
        if filters.disputed == "exclude":
            events = events.filter(disputed=False)
        elif filters.disputed == "only":
            events = events.filter(disputed=True)
        return events

    def codes_in_use(self) -> tuple[list[str], list[str]]:
        """(host countries, contributors) that these events use, in one query, for filter menus."""
        pairs = self.order_by().values_list("host_country", "contributor").distinct()
        hosts, contributors = set(), set()
        for host, contributor in pairs:
            if host:
                hosts.add(host)
            contributors.add(contributor)
        return sorted(hosts), sorted(contributors)

    def force_records(self) -> list[forces.Record]:
        """The events that can move a troop level, as plain records for `forces`, in one query."""
        rows = (
            self.filter(
                unit=Unit.TROOPS,
                quantity__isnull=False,
                kind__in=[EventKind.PRESENCE, EventKind.INCREASE, EventKind.DECREASE],
            )
            .exclude(host_country="")
            .values_list(
                "id",
                "date",
                "host_country",
                "contributor",
                "kind",
                "quantity",
                "qualifier",
                "unit",
                "serves_under",
            )
        )
        return [forces.Record(*row) for row in rows]


def data_version() -> str:
    """Changes whenever an outlet, article, event or citation is added, removed or saved: the
    key for caches of anything readers see (records/data_version.py)."""
    return data_version_token.current(connection)


def codes_in_use() -> tuple[list[str], list[str]]:
    """(hosts, contributors) of published events for the filter menus, cached per data version.

    The DISTINCT over every event is the slowest part of a filtered page on a large database,
    and its answer only changes when events do.
    """
    key = f"records:codes-in-use:{data_version()}"
    codes = cache.get(key)
    if codes is None:
        codes = Event.objects.published().codes_in_use()
        cache.set(key, codes, timeout=None)
    return codes


class Event(models.Model):
    Kind = EventKind
    Qualifier = Qualifier
    Unit = Unit
    Permanence = Permanence
    Status = Status

    date = models.DateField(help_text="A month-precise date is stored as the 1st of the month.")
    date_precision = models.CharField(max_length=5, choices=Precision.choices, default="day")
    host_country = CountryField(
        blank=True, help_text="Where the forces are. Empty when the report names no single host."
    )
    contributor = models.CharField(
        max_length=10,
        choices=contributor_choices,
        help_text="The country or organisation whose forces these are.",
    )
    serves_under = models.CharField(
        max_length=10,
        choices=contributor_choices,
        blank=True,
        help_text=(
            "The alliance formation this contingent serves in (e.g. NATO for a national "
            "contingent of a NATO battlegroup), so force totals never count it twice."
        ),
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    quantity = models.IntegerField(null=True, blank=True)
    qualifier = models.CharField(max_length=10, choices=Qualifier.choices, default="exact")
    unit = models.CharField(max_length=10, choices=Unit.choices, default="troops")
    permanence = models.CharField(max_length=10, choices=Permanence.choices, default="unknown")
    summary = models.CharField(max_length=300, help_text="One line, in the editor's words.")
    status = models.CharField(max_length=10, choices=Status.choices, default="draft")
    disputed = models.BooleanField(
        default=False,
        help_text="Sources disagree on a figure or a place: readers see each version.",
    )
    notes = models.TextField(blank=True, help_text="Editors' notes; not shown to readers.")
    version = models.PositiveIntegerField(
        default=1, help_text="Counts saves: a save from an older version is refused."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    history = HistoricalRecords()
    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["date", "id"]
        indexes = [
            models.Index(fields=["status", "date"]),
            models.Index(fields=["host_country", "contributor", "date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gte=0),
                name="event_quantity_not_negative",
                violation_error_message="A quantity cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(contributor__regex=r"^[A-Z]{2,10}$"), name="event_contributor_code"
            ),
            models.CheckConstraint(
                condition=~Q(serves_under=F("contributor")),
                name="event_serves_under_other",
                violation_error_message="A contributor cannot serve under itself.",
            ),
            models.CheckConstraint(condition=Q(kind__in=EventKind.values), name="event_kind_valid"),
            models.CheckConstraint(
                condition=Q(qualifier__in=Qualifier.values),
                name="event_qualifier_valid",
            ),
            models.CheckConstraint(condition=Q(unit__in=Unit.values), name="event_unit_valid"),
            models.CheckConstraint(
                condition=Q(permanence__in=Permanence.values),
                name="event_permanence_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="event_status_valid"
            ),
            _precision_constraint("date", "date_precision", "event_date_precision"),
        ]

    def __str__(self) -> str:
        return f"{self.date_display} · {self.summary}"

    def save(self, *args, **kwargs) -> None:
        """Optimistic locking: saving an event loaded at an older version than the stored one
        raises EditConflict instead of overwriting someone else's edit; each save counts one."""
        if self._state.adding or self.pk is None:
            return super().save(*args, **kwargs)
        with transaction.atomic(using=kwargs.get("using")):
            stored = (
                Event.objects.select_for_update()
                .filter(pk=self.pk)
                .values_list("version", flat=True)
                .first()
            )
            if stored is not None and stored != self.version:
                raise EditConflict(self.pk, self.version, stored)
            self.version = (stored or self.version) + 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
            return super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("admin:records_event_change", args=[self.pk])

    @property
    def date_display(self) -> str:
        return format_with_precision(self.date, self.date_precision)

    @property
    def contributor_name(self) -> str:
        return contributor_name(self.contributor)

    @property
    def quantity_display(self) -> str:
        return quantity_phrase(self.quantity, self.qualifier, self.unit)

    def clean(self) -> None:
        errors = {}
        if self.contributor and not is_contributor(self.contributor):
            errors["contributor"] = f"{self.contributor!r} is not a country code or organisation."
        if self.serves_under and self.serves_under == self.contributor:
            errors["serves_under"] = "A contributor cannot serve under itself."
        if self.quantity is None and self.qualifier != self.Qualifier.EXACT:
            errors["qualifier"] = "A qualifier needs a quantity."
        if errors:
            raise ValidationError(errors)
        if self.date:
            self.date = truncate_to_precision(self.date, self.date_precision)


class Citation(models.Model):
    """A span [start, end) of an article's body that supports an event. The quote is derived."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="citations")
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="citations")
    start = models.IntegerField()
    end = models.IntegerField()
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["article__published", "article__title", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__gte=0) & Q(end__gt=F("start")),
                name="citation_span_valid",
                violation_error_message="A citation needs 0 <= start < end.",
            ),
            models.UniqueConstraint(
                fields=["event", "article", "start", "end"], name="citation_unique_span"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article} [{self.start}:{self.end}]"

    @property
    def quote(self) -> str:
        return self.article.body[self.start : self.end]


class DismissedCandidateManager(models.Manager):
    def get_by_natural_key(self, sha256: str, key: str) -> DismissedCandidate:
        return self.get(article__sha256=sha256, key=key)


class DismissedCandidate(models.Model):
    """A candidate event the extraction assistant proposed and an editor turned down: it is not
    proposed again for that article."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="dismissed")
    key = models.CharField(
        max_length=200, help_text="start:end:host:contributor:quantity:kind of the candidate."
    )
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    dismissed_at = models.DateTimeField(auto_now_add=True)

    objects = DismissedCandidateManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "key"], name="dismissed_candidate_once")
        ]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.key}"

    def natural_key(self) -> tuple[str, str]:
        return (*self.article.natural_key(), self.key)

    natural_key.dependencies = ["records.article"]
