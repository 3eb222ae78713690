"""Admin forms: a citation is made by pasting its quote, an article by pasting its text."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html

from deployments.ingest.articles import (
    MAX_BYTES,
    ArticleFile,
    ArticleTextError,
    check_text,
    read_upload,
)

from .citations import Span, context, locate
from .models import (
    Article,
    Citation,
    Event,
    normalize_newlines,
    text_fingerprint,
    text_sha256,
)


def occurrence_label(body: str, span: Span) -> str:
    before, quote, after = context(body, span.start, span.end)
    return format_html(
        "{}<mark>{}</mark>{} <small>(characters {} to {})</small>",
        before,
        quote,
        after,
        span.start,
        span.end,
    )


class CitationForm(forms.ModelForm):
    """The editor pastes a quote; the form finds it in the article body and stores its span.

    `start` and `end` ride along as hidden fields only so that Django's unique checks see them;
    they are disabled, so whatever is posted in them is ignored for the located span.
    """

    quote = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 90}),
        help_text=(
            "Paste the sentence from the article. Curly or straight quotes, dashes and line "
            "breaks need not match exactly."
        ),
    )
    occurrence = forms.CharField(
        required=False, widget=forms.HiddenInput, label="Which occurrence?"
    )

    class Meta:
        model = Citation
        fields = ["event", "article", "quote", "occurrence", "start", "end"]
        widgets = {"start": forms.HiddenInput, "end": forms.HiddenInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("start", "end"):
            self.fields[name].required = False
            self.fields[name].disabled = True
        if self.instance.pk:
            self.initial["quote"] = self.instance.quote

    def clean(self):
        cleaned = super().clean()
        article = cleaned.get("article")
        if article is None:
            return cleaned
        try:
            span = self._span(article, normalize_newlines(cleaned.get("quote", "")).strip())
        except ValidationError:
            cleaned.pop("start", None)
            cleaned.pop("end", None)
            raise
        cleaned["start"], cleaned["end"] = span.start, span.end
        return cleaned

    def _span(self, article: Article, quote: str) -> Span:
        current = self.instance
        if current.pk and current.article_id == article.pk and quote == current.quote.strip():
            return Span(current.start, current.end)
        if not article.body:
            raise ValidationError(
                {
                    "article": f"“{article}” has no text yet: import its file (import_articles) "
                    "or paste its text on the article's page, then cite it."
                }
            )
        if not quote:
            raise ValidationError({"quote": "Paste the quote from the article."})
        spans = locate(article.body, quote)
        if not spans:
            raise ValidationError(
                {"quote": f"This quote is not in “{article}”. Copy it from that article's text."}
            )
        if len(spans) == 1:
            return spans[0]
        by_value = {f"{span.start}:{span.end}": span for span in spans}
        field = self.fields["occurrence"]
        field.widget = forms.RadioSelect(
            choices=[(value, occurrence_label(article.body, s)) for value, s in by_value.items()]
        )
        chosen = by_value.get(self.cleaned_data.get("occurrence", ""))
        if chosen is None:
            raise ValidationError(
                {
                    "occurrence": f"This quote occurs {len(spans)} times in “{article}”: "
                    "choose the one you mean."
                }
            )
        return chosen


class CitationFormSet(BaseInlineFormSet):
    def clean(self):
        """Readers see published events only, and every published figure must have a source."""
        super().clean()
        if self.instance.status != Event.Status.PUBLISHED or any(self.errors):
            return
        kept = [
            form
            for form in self.forms
            if form.cleaned_data.get("article") and not form.cleaned_data.get("DELETE")
        ]
        if not kept:
            raise ValidationError(
                "A published event needs at least one citation: cite the sentence that "
                "reports it, or save it as a draft."
            )


class ArticleForm(forms.ModelForm):
    """A new article from a pasted text or an uploaded file (text, Markdown or a saved web page);
    its SHA-256 becomes its identity, and what the editor leaves blank is inferred from it. On
    a curated article the body can be pasted only while it is empty."""

    file = forms.FileField(
        required=False,
        help_text="A .txt, .md or .html/.htm file (a saved web page), at most 5 MB, in any "
        "text encoding. Or paste the text below.",
    )

    class Meta:
        model = Article
        fields = [
            "outlet",
            "title",
            "published",
            "published_precision",
            "url",
            "twin",
            "body",
            "metadata_notes",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.read: ArticleFile | None = None
        if "url" in self.fields:
            self.fields["url"].label = "URL"
        if not self.instance.pk:
            for name in ("title", "outlet", "published", "url"):
                if name in self.fields:
                    self.fields[name].required = False
            if "title" in self.fields:
                self.fields["title"].help_text = "Leave blank to take it from the text."
        if "body" in self.fields:
            body = self.fields["body"]
            body.strip = False
            body.widget.attrs["rows"] = 20
            body.required = False
            if self.instance.pk:
                body.help_text = (
                    "Not imported yet. Paste this article's exact text: it must have the SHA-256 "
                    "above, so that the curated citations point at the right characters. "
                    "Or leave it empty."
                )
            else:
                body.help_text = (
                    "Paste the article's full text exactly as published (or upload its file "
                    "above). Title, outlet and date left blank are inferred from it, with a note."
                )

    def clean_body(self) -> str:
        body = normalize_newlines(self.cleaned_data["body"])
        if self.instance.pk and not body:
            return body
        if not body:
            return body  # checked in clean(), where the file is known too
        try:
            check_text(body)
        except ArticleTextError as error:
            raise ValidationError(f"This text cannot be an article: {error}.") from error
        return body

    def clean(self):
        cleaned = super().clean()
        upload, body = cleaned.get("file"), cleaned.get("body")
        if "body" not in cleaned or self.has_error("file"):  # already refused
            return cleaned
        if self.instance.pk:
            if body:
                self._check_curated_text(body)
            return cleaned
        if upload and body:
            raise ValidationError("Upload a file or paste a text, not both.")
        if upload:
            try:
                self.read = read_upload(upload.name, upload.read(MAX_BYTES + 1))
            except ArticleTextError as error:
                self.add_error("file", f"{upload.name} cannot be an article: {error}.")
                return cleaned
            body = cleaned["body"] = self.read.text
        elif body:
            self.read = ArticleFile(body)
        else:
            raise ValidationError("Upload the article's file or paste its text.")
        self._check_new_text(body)
        return cleaned

    def _check_curated_text(self, body: str) -> None:
        if text_sha256(body) != self.instance.sha256:
            self.add_error(
                "body",
                "This is not the text this article was curated from (its SHA-256 differs). "
                "Paste the exact text, or add it as a new article.",
            )

    def _check_new_text(self, body: str) -> None:
        sha256 = text_sha256(body)
        existing = Article.objects.filter(sha256=sha256).first()
        retyped = existing is None
        if existing is None:
            existing = (
                Article.objects.filter(fingerprint=text_fingerprint(body)).exclude(body="").first()
            )
        if existing is not None:
            url = reverse("admin:records_article_change", args=[existing.pk])
            if existing.body:
                raise ValidationError(
                    format_html(
                        'This text is already in the records as <a href="{}">“{}”</a> '
                        "(article {}){}.",
                        url,
                        existing,
                        existing.pk,
                        ", with other spacing or quote marks" if retyped else "",
                    )
                )
            raise ValidationError(
                format_html(
                    'This is the text of the curated article <a href="{}">“{}”</a> '
                    "(article {}), which is waiting for it: paste it there instead "
                    "(or import the file with import_articles).",
                    url,
                    existing,
                    existing.pk,
                )
            )
        self.instance.sha256 = sha256


class EventForm(forms.ModelForm):
    """The event form carries the version the editor started from: if someone saved the event
    since, the save is refused and the editor is shown who changed what."""

    class Meta:
        model = Event
        fields = [
            "summary",
            "kind",
            "date",
            "date_precision",
            "host_country",
            "contributor",
            "serves_under",
            "permanence",
            "quantity",
            "qualifier",
            "unit",
            "status",
            "disputed",
            "notes",
            "version",
        ]
        widgets = {"version": forms.HiddenInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "version" in self.fields:
            self.fields["version"].required = bool(self.instance.pk)  # a new event has none
        if self.instance.pk and not self.is_bound:
            # A revert page starts from an old copy: it edits the event as stored now.
            stored = Event.objects.filter(pk=self.instance.pk).values_list("version", flat=True)
            self.initial["version"] = stored.first() or self.instance.version

    def clean(self):
        cleaned = super().clean()
        loaded = cleaned.get("version")
        if not self.instance.pk or loaded is None:
            return cleaned
        stored = Event.objects.filter(pk=self.instance.pk).values_list("version", flat=True)
        stored = stored.first()
        if stored is not None and stored != loaded:
            raise ValidationError(conflict_message(self.instance.pk, loaded, stored))
        return cleaned


def conflict_message(pk: int, loaded: int, stored: int) -> str:
    """Who changed which fields of event `pk` since version `loaded`, from its history."""
    history = Event.history.filter(id=pk)
    base = history.filter(version=loaded).order_by("-history_date").first()
    changes = []
    for record in history.filter(version__gt=loaded).order_by("history_date"):
        who = record.history_user.get_username() if record.history_user else "someone"
        when = record.history_date.strftime("%Y-%m-%d %H:%M")
        fields = []
        if base is not None:
            delta = record.diff_against(base, excluded_fields=["version", "updated_at"])
            fields = [f"{c.field}: {c.old!r} → {c.new!r}" for c in delta.changes]
        changes.append(f"{who} at {when}" + (f" ({'; '.join(fields)})" if fields else ""))
        base = record
    summary = "; then ".join(changes) or f"now version {stored}"
    return (
        f"This event was changed while you were editing it: {summary}. Your changes were not "
        "saved. Open the event again to see the current version, then make your changes again."
    )
