"""The editors' admin: curate an article's events in minutes, every figure tied to its quote."""

from __future__ import annotations

from dataclasses import replace

from django.contrib import admin, messages
from django.contrib.admin.utils import get_last_value_from_parameters
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BooleanField, Count, ExpressionWrapper, F, ForeignKey, Q
from django.db.models.functions import Substr
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django_countries import countries
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper
from simple_history.utils import bulk_update_with_history

from deployments.extraction.suggestions import accept, corroborate, dismiss, suggestions
from deployments.ingest.articles import ArticleFile
from deployments.ingest.importing import prepare_new, source_fields

from .citations import segments, sentence_bounds
from .contributors import contributor_name
from .forms import ArticleForm, CitationForm, CitationFormSet, EventForm
from .models import Article, Citation, Event, Outlet, format_with_precision, quantity_phrase


class _HistoryChanges(HistoricalRecordContextHelper):
    """The history page's "Changes" column, without `updated_at` (it changes on every save)."""

    def context_for_delta_changes(self, delta):
        kept = [change for change in delta.changes if change.field != "updated_at"]
        return super().context_for_delta_changes(replace(delta, changes=kept))


class HistoryAdmin(SimpleHistoryAdmin):
    """Every records admin keeps a who/when/what history that editors can view and revert."""

    def get_historical_record_context_helper(self, request, historical_record):
        return _HistoryChanges(self.model, historical_record)

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        """simple-history's, without its bare select_related() (deprecated) on models with no FK."""
        model = history_manager.model
        related = [f.name for f in model.tracked_fields if isinstance(f, ForeignKey)]
        return history_manager.filter(**{pk_name: object_id}).select_related(
            "history_user", *related
        )


class InUseFilter(admin.FieldListFilter):
    """A choices filter listing only the values rows use: 250 countries is no filter."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        self.lookup_kwarg = f"{field_path}__exact"
        self.lookup_val = get_last_value_from_parameters(params, self.lookup_kwarg)
        super().__init__(field, request, params, model, model_admin, field_path)
        names = dict(field.flatchoices)
        used = model._default_manager.order_by().values_list(field_path, flat=True).distinct()
        self.lookup_choices = sorted(
            ((value, names.get(value, value)) for value in used),
            key=lambda choice: (choice[0] == "", choice[1]),
        )

    def expected_parameters(self):
        return [self.lookup_kwarg]

    def choices(self, changelist):
        yield {
            "selected": self.lookup_val is None,
            "query_string": changelist.get_query_string(remove=[self.lookup_kwarg]),
            "display": "All",
        }
        for value, name in self.lookup_choices:
            yield {
                "selected": self.lookup_val == value,
                "query_string": changelist.get_query_string({self.lookup_kwarg: value}),
                "display": name if value else "(none)",
            }


def _cited_in_context(citation: Citation) -> str:
    """The quote highlighted inside its sentence, as the reader will check it."""
    if citation.start is None or not citation.article_id or not citation.article.body:
        return "-"
    body, start, end = citation.article.body, citation.start, citation.end
    sentence = sentence_bounds(body, start, end)
    return format_html(
        '<span class="cited-context">{}<mark>{}</mark>{}</span>',
        body[sentence.start : start],
        body[start:end],
        body[end : sentence.end],
    )


def _offsets(citation: Citation) -> str:
    if citation.start is None:
        return "-"
    return f"characters {citation.start} to {citation.end}"


class CitationDisplay:
    """Where a citation's quote was found, and the quote in its sentence, read-only."""

    @admin.display(description="Found at")
    def offsets(self, citation: Citation) -> str:
        return _offsets(citation)

    @admin.display(description="In context")
    def in_context(self, citation: Citation) -> str:
        return _cited_in_context(citation)


class CitationInline(CitationDisplay, admin.StackedInline):
    model = Citation
    form = CitationForm
    formset = CitationFormSet
    extra = 1
    autocomplete_fields = ["article"]
    fields = ["article", "quote", "occurrence", "start", "end", "offsets", "in_context"]
    readonly_fields = ["offsets", "in_context"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article")


@admin.register(Event)
class EventAdmin(HistoryAdmin):
    list_display = [
        "date_with_precision",
        "summary",
        "host_country",
        "contributor",
        "kind",
        "quantity_with_unit",
        "status",
        "source_count",
        "disputed",
    ]
    list_display_links = ["date_with_precision", "summary"]
    list_filter = [
        ("host_country", InUseFilter),
        ("contributor", InUseFilter),
        "kind",
        "unit",
        "status",
        "disputed",
        "date_precision",
        "permanence",
    ]
    date_hierarchy = "date"
    search_fields = ["summary"]
    search_help_text = "Searches summaries, quoted text and outlet names."
    ordering = ["-date", "-id"]
    actions = ["publish", "unpublish"]
    inlines = [CitationInline]
    form = EventForm
    view_on_site = False
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (
            "What, where and when",
            {
                "fields": [
                    "summary",
                    "kind",
                    ("date", "date_precision"),
                    ("host_country", "contributor", "serves_under"),
                    "permanence",
                ]
            },
        ),
        ("Quantity", {"fields": [("quantity", "qualifier", "unit")]}),
        (
            "Status",
            {"fields": ["status", "disputed", "notes", ("created_at", "updated_at"), "version"]},
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(source_count=Count("citations__article", distinct=True))
        )

    def get_search_results(self, request, queryset, search_term):
        """The quote is derived from the article body, so search it through the QuerySet."""
        if not search_term.strip():
            return queryset, False
        return queryset.search(search_term.strip()), False

    @admin.display(description="Date", ordering="date")
    def date_with_precision(self, event: Event) -> str:
        return event.date_display

    @admin.display(description="Quantity", ordering="quantity")
    def quantity_with_unit(self, event: Event) -> str:
        return event.quantity_display or "-"

    @admin.display(description="Sources", ordering="source_count")
    def source_count(self, event: Event) -> int:
        return event.source_count

    @admin.action(description="Publish selected events", permissions=["change"])
    def publish(self, request, queryset):
        """Publish the selected drafts that cite a source: readers must be able to check them."""
        drafts = queryset.exclude(status=Event.Status.PUBLISHED)
        sourced = [event for event in drafts if event.source_count]
        unsourced = [str(event.pk) for event in drafts if not event.source_count]
        self._set_status(request, sourced, Event.Status.PUBLISHED)
        self.message_user(request, f"Published {_events(len(sourced))}.", messages.SUCCESS)
        if unsourced:
            self.message_user(
                request,
                f"Not published: {_events(len(unsourced))} with no citation "
                f"({', '.join(unsourced)}). Cite a source first.",
                messages.WARNING,
            )

    @admin.action(description="Unpublish selected events (back to draft)", permissions=["change"])
    def unpublish(self, request, queryset):
        published = list(queryset.exclude(status=Event.Status.DRAFT))
        self._set_status(request, published, Event.Status.DRAFT)
        self.message_user(request, f"Unpublished {_events(len(published))}.", messages.SUCCESS)

    def _set_status(self, request, events: list[Event], status: str) -> None:
        """A bulk update that still records who changed what in each event's history."""
        now = timezone.now()
        for event in events:
            event.status, event.updated_at = status, now
            event.version += 1  # an open edit form of this event must not overwrite it
        bulk_update_with_history(
            events,
            Event,
            ["status", "updated_at", "version"],
            default_user=request.user,
            default_change_reason=f"Set to {status} from the event list",
        )


def _events(count: int) -> str:
    return f"{count} event{'' if count == 1 else 's'}"


@admin.register(Article)
class ArticleAdmin(HistoryAdmin):
    form = ArticleForm
    list_display = [
        "title",
        "outlet",
        "published_with_precision",
        "has_body",
        "event_count",
        "imported_at",
    ]
    list_select_related = ["outlet"]
    list_filter = ["outlet", "published_precision"]
    search_fields = ["title", "outlet__name"]
    autocomplete_fields = ["outlet", "twin"]
    date_hierarchy = "published"
    ordering = ["-published", "title"]
    view_on_site = False
    metadata = ["outlet", "title", ("published", "published_precision"), "url"]

    def get_queryset(self, request):
        """Counts for the list; the body, possibly long, is loaded only where it is shown."""
        return (
            super()
            .get_queryset(request)
            .defer("body")
            .annotate(
                event_count=Count("citations__event", distinct=True),
                body_present=ExpressionWrapper(~Q(body=""), output_field=BooleanField()),
            )
        )

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [
                ("Text", {"fields": ["file", "body"]}),
                (None, {"fields": self.metadata}),
                ("Notes", {"fields": ["metadata_notes"]}),
            ]
        text = ["sha256", "body"] if not obj.body else ["sha256", "highlighted_body"]
        source = [("filename", "imported_at"), ("source_format", "encoding"), "source_sha256"]
        return [
            (None, {"fields": [*self.metadata, "twin"]}),
            ("Text", {"fields": [*text, *source]}),
            ("Events citing it", {"fields": ["citing_events"]}),
            ("Notes", {"fields": ["metadata_notes"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [
            "sha256",
            "filename",
            "imported_at",
            "source_format",
            "encoding",
            "source_sha256",
            "highlighted_body",
            "citing_events",
        ]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.filename = form.cleaned_data["file"].name[:500] if form.cleaned_data["file"] else ""
            prepare_new(obj, form.read)
        elif "body" in form.changed_data:
            obj.imported_at = timezone.now()
            for name, value in source_fields(ArticleFile(obj.body), obj.body).items():
                setattr(obj, name, value)
        super().save_model(request, obj, form, change)

    def get_urls(self):
        suggest = self.admin_site.admin_view(self.suggest_view)
        return [
            path("<path:object_id>/suggest/", suggest, name="records_article_suggest"),
            *super().get_urls(),
        ]

    def suggest_view(self, request, object_id):
        """The extraction assistant: candidates beside the text; accept, corroborate, dismiss."""
        article = get_object_or_404(Article, pk=object_id)
        if not (
            self.has_change_permission(request, article)
            and request.user.has_perm("records.add_event")
        ):
            raise PermissionDenied
        here = reverse("admin:records_article_suggest", args=[article.pk])
        if not article.body:
            messages.error(request, "This article has no text yet: import it first.")
            return redirect(reverse("admin:records_article_change", args=[article.pk]))
        found = suggestions(article)
        if request.method == "POST":
            chosen = next((s for s in found if s.key == request.POST.get("key")), None)
            action = request.POST.get("action")
            if chosen is None or action not in ("accept", "corroborate", "dismiss"):
                messages.error(request, "That candidate is no longer proposed; here is the list.")
                return redirect(here)
            return self._act(request, article, chosen, action, here)
        shown = [_labelled(s) for s in found]
        context = {
            **self.admin_site.each_context(request),
            "title": f"Suggested events: {article}",
            "article": article,
            "suggestions": shown,
            "dismissed": article.dismissed.count(),
            "marked_body": _marked_body(article, found),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/records/article/suggest.html", context)

    def _act(self, request, article, chosen, action, here):
        if action == "dismiss":
            dismiss(article, chosen.candidate, request.user)
            messages.info(request, "Dismissed: it will not be proposed again.")
            return redirect(here)
        if action == "corroborate":
            if chosen.event is None:
                messages.error(request, "That candidate matches no event any more.")
                return redirect(here)
            corroborate(article, chosen.candidate, chosen.event)
            messages.success(request, f"Added as a source of event {chosen.event.pk}.")
            return redirect(here)
        try:
            event = accept(article, chosen.candidate)
        except ValidationError as error:
            problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
            messages.error(request, f"It cannot become an event as it is ({problems}).")
            return redirect(here)
        messages.success(request, "A draft event with its citation: check it, then save.")
        return redirect(reverse("admin:records_event_change", args=[event.pk]))

    @admin.display(description="Published", ordering="published")
    def published_with_precision(self, article: Article) -> str:
        return article.published_display or "-"

    @admin.display(description="Text imported", boolean=True, ordering="body_present")
    def has_body(self, article: Article) -> bool:
        return article.body_present

    @admin.display(description="Events", ordering="event_count")
    def event_count(self, article: Article) -> int:
        return article.event_count

    @admin.display(description="Text, with cited passages marked")
    def highlighted_body(self, article: Article) -> str:
        """Each cited span marked and linked to its event (overlapping spans are split);
        boilerplate greyed, with its reason on hover."""
        citations = article.citations.select_related("event")
        spans = [(c.start, c.end, c) for c in citations]
        spans += [(start, end, reason) for start, end, reason in article.boilerplate]
        pieces = []
        for text, marks in segments(article.body, spans):
            cited = [mark for mark in marks if isinstance(mark, Citation)]
            if not cited:
                reasons = [mark for mark in marks if isinstance(mark, str)]
                pieces.append(
                    _boilerplate(reasons[0], text) if reasons else format_html("{}", text)
                )
                continue
            events = list(dict.fromkeys(citation.event for citation in cited))
            pieces.append(
                format_html(
                    '<mark class="{}" title="{}"><a href="{}">{}</a></mark>',
                    "cited overlap" if len(events) > 1 else "cited",
                    "; ".join(f"Event {event.pk}: {event.summary}" for event in events),
                    reverse("admin:records_event_change", args=[events[0].pk]),
                    text,
                )
            )
        return format_html('<div class="article-body">{}</div>', mark_safe("".join(pieces)))  # noqa: S308

    @admin.display(description="Events")
    def citing_events(self, article: Article) -> str:
        citations = article.citations.select_related("event").order_by("start")
        if not citations:
            return "None yet."
        return format_html(
            '<ul class="citing-events">{}</ul>',
            format_html_join(
                "",
                '<li><a href="{}">{}</a> <small>({}, {})</small></li>',
                (
                    (
                        reverse("admin:records_event_change", args=[c.event_id]),
                        c.event,
                        c.event.get_status_display(),
                        _offsets(c),
                    )
                    for c in citations
                ),
            ),
        )


@admin.register(Outlet)
class OutletAdmin(HistoryAdmin):
    list_display = ["name", "domain", "kind", "state_affiliated", "article_count"]
    list_filter = ["kind", "state_affiliated"]
    search_fields = ["name", "domain"]
    ordering = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(description="Articles", ordering="article_count")
    def article_count(self, outlet: Outlet) -> int:
        return outlet.article_count


@admin.register(Citation)
class CitationAdmin(CitationDisplay, HistoryAdmin):
    form = CitationForm
    list_display = ["quote_excerpt", "event", "article", "start", "end"]
    list_filter = [("article__outlet", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["event__summary", "article__title"]
    search_help_text = "Searches quotes, event summaries and article titles."
    autocomplete_fields = ["event", "article"]
    fields = ["event", "article", "quote", "occurrence", "start", "end", "offsets", "in_context"]
    readonly_fields = ["offsets", "in_context"]

    def get_queryset(self, request):
        """The quote sliced by the database, so the list never loads whole article bodies."""
        return (
            super()
            .get_queryset(request)
            .select_related("event", "article")
            .defer("article__body")
            .annotate(quote_text=Substr("article__body", F("start") + 1, F("end") - F("start")))
        )

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        return (
            queryset.filter(
                Q(quote_text__icontains=term)
                | Q(event__summary__icontains=term)
                | Q(article__title__icontains=term)
            ),
            False,
        )

    @admin.display(description="Quote")
    def quote_excerpt(self, citation: Citation) -> str:
        return Truncator(citation.quote_text).chars(120) or "(article text not imported yet)"


def _labelled(suggestion) -> dict:
    """A suggestion with the words the page shows for its codes."""
    c = suggestion.candidate
    return {
        "candidate": c,
        "key": suggestion.key,
        "event": suggestion.event,
        "cited": suggestion.cited,
        "quantity_label": quantity_phrase(c.quantity, c.qualifier, c.unit) or f"no number {c.unit}",
        "contributor_label": contributor_name(c.contributor) if c.contributor else "?",
        "host_label": countries.name(c.host_country) if c.host_country else "no single host",
        "date_label": (
            format_with_precision(c.date, c.date_precision) if c.date else "date not stated"
        ),
    }


def _boilerplate(reason: str, text: str) -> str:
    return format_html('<span class="boilerplate" title="Boilerplate: {}">{}</span>', reason, text)


def _marked_body(article: Article, found) -> str:
    """The text with each candidate's sentence marked and numbered, boilerplate greyed."""
    spans = [(s.candidate.start, s.candidate.end, n) for n, s in enumerate(found, 1)]
    spans += [(start, end, reason) for start, end, reason in article.boilerplate]
    pieces = []
    for text, marks in segments(article.body, spans):
        numbers = [mark for mark in marks if isinstance(mark, int)]
        reasons = [mark for mark in marks if isinstance(mark, str)]
        if numbers:
            pieces.append(
                format_html(
                    '<mark class="candidate-sentence" id="sentence-{}">{}<sup>{}</sup></mark>',
                    numbers[0],
                    text,
                    ", ".join(str(n) for n in numbers),
                )
            )
        elif reasons:
            pieces.append(_boilerplate(reasons[0], text))
        else:
            pieces.append(format_html("{}", text))
    return mark_safe("".join(pieces))  # noqa: S308
