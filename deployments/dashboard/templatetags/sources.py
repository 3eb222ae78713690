"""Template helpers for showing a citation beside the figure it supports."""

from urllib.parse import urlsplit

from django import template

from deployments.dashboard.passages import Passage, cited_passage

register = template.Library()


@register.simple_tag
def passage(citation) -> Passage | None:
    """`{% passage citation as p %}`: the cited sentence split around the quote."""
    return cited_passage(citation.article.body, citation.start, citation.end)


@register.filter
def web_link(url: str) -> str:
    """The URL if it is an http(s) link a browser may follow, else "" (never javascript: etc.)."""
    if not url:
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return url if parts.scheme.lower() in {"http", "https"} and parts.netloc else ""
