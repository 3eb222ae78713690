"""`{{ figure|figure_script:"id" }}`: a Plotly figure as JSON data in the page, never as code.

Like Django's json_script, but the JSON comes from Plotly's own encoder, which writes numpy
arrays as compact base64 and uses orjson when installed: a large figure stays small and fast.
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

# The characters that could end the <script> element or start markup inside it.
_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def figure_script(figure, element_id: str) -> str:
    payload = figure.to_json().translate(_ESCAPES)
    return format_html(
        '<script id="{}" type="application/json">{}</script>',
        element_id,
        mark_safe(payload),  # noqa: S308 - JSON with <, > and & escaped, as json_script does
    )
