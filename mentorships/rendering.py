"""Markdown as safe HTML: what people write (notes) and the guides in the repository.

Rendered with Python-Markdown, then cleaned by nh3 (an allow-list HTML sanitiser): no
script, style, event handler or ``javascript:`` link survives, whatever was typed.
"""

import re

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

TAGS = {
    "a", "abbr", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4", "hr", "li", "ol",
    "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}


LIST_ITEM = re.compile(r"\s{0,3}([-*+]|\d{1,9}[.)])\s")
FENCE = re.compile(r"\s{0,3}(```|~~~)")


def _lists_under_lines(text: str) -> str:
    """A blank line between a list and a line of text right above or below it, as
    people type them ("Next time:" then "- the CV"); Markdown would run them together."""
    out: list[str] = []
    fenced, last = False, None  # last: "list" or "text", the kind of the last block's lines
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
        elif fenced or line.startswith((" ", "\t")):
            pass  # code, or a list item's continuation
        elif not line.strip():
            last = None
        else:
            kind = "list" if LIST_ITEM.match(line) else "text"
            if last and last != kind:
                out.append("")
            last = kind
        out.append(line)
    return "\n".join(out)


def typed(text: str) -> SafeString:
    """What a person typed (a note): lines break where they were broken, and a list
    may start right under a line."""
    return render(_lists_under_lines(text), extensions=["nl2br"])


def render(text: str, extensions: tuple[str, ...] | list[str] = ()) -> SafeString:
    html = markdown.markdown(
        text, extensions=["tables", "sane_lists", *extensions], output_format="html"
    )
    cleaned = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    # nh3 has removed everything not allowed above.
    return mark_safe(cleaned)  # noqa: S308  # nosec B308 B703
