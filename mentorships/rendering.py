"""Markdown as safe HTML: what people write (notes) and the guides in the repository.

Rendered with Python-Markdown, then cleaned by nh3 (an allow-list HTML sanitiser): no
script, style, event handler or ``javascript:`` link survives, whatever was typed.
"""

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

TAGS = {
    "a", "abbr", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4", "hr", "li", "ol",
    "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}


def render(text: str) -> SafeString:
    html = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    cleaned = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    # nh3 has removed everything not allowed above.
    return mark_safe(cleaned)  # noqa: S308  # nosec B308 B703
