"""Small pieces of the design system that need a little Python: avatars with initials,
lists joined as the reader's language joins them."""

import zlib

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import pgettext

register = template.Library()

AVATAR_COLOURS = 8  # .avatar-0 … .avatar-7 in static/css/kindred.css


def initials(name: str) -> str:
    """The first letter of the first and last words: "Ana María López" → "AL"."""
    words = [w for w in str(name or "").split() if w[:1].isalnum()]
    if not words:
        return "?"
    if len(words) == 1:
        return words[0][0].upper()
    return (words[0][0] + words[-1][0]).upper()


def avatar_colour(name: str) -> int:
    """A colour that stays the same for a name on every page and every run (not ``hash()``)."""
    return zlib.crc32(str(name or "").strip().casefold().encode()) % AVATAR_COLOURS


@register.simple_tag
def avatar(name: str, size: str = "") -> str:
    """Initials in a coloured circle; the name beside it is what a screen reader reads."""
    size_class = f" avatar-{size}" if size in {"sm", "lg"} else ""
    return format_html(
        '<span class="avatar avatar-{}{}" aria-hidden="true">{}</span>',
        avatar_colour(name),
        size_class,
        initials(name),
    )


@register.filter(needs_autoescape=True)
def listed(items, autoescape: bool = True) -> SafeString | str:
    """``items`` joined as the reader's language joins a list ("a, b"; Chinese "甲、乙")."""
    separator = pgettext("separator between the items of a list", ", ")
    if not autoescape:  # a plain-text email: nothing is escaped there
        return separator.join(str(item) for item in items)
    return format_html_join(separator, "{}", ((item,) for item in items))
