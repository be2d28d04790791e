"""Kindred's guides, written for this program's people: one per goal of the
taxonomy, named by the goal's slug, and one for the first session. They are
Markdown files in ``mentorships/guides/`` (translated in ``locale/<lang>/guides/``,
same names and shape): a ``# title``, a short opening, then
parts under ``## headings``; a goal's guide has the four parts in ``PARTS``.
A program's admins may add their own note under a guide (``GuideNote``, in the
Django admin). Everything shown is rendered by ``rendering.render``, which
cleans it."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from profiles import languages
from profiles.models import Program, Tag

from .models import GuideNote
from .rendering import render

FOLDER = Path(__file__).resolve().parent / "guides"
FIRST_SESSION = "first-session"
PARTS = (
    # Translators: the four part headings of a goal's guide: use the same words as the
    # "## " headings of the guides translated in locale/<lang>/guides/.
    _("Why it matters"),
    _("Questions to explore together"),
    _("An exercise"),
    _("What a mentor can do"),
)
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Guide:
    slug: str
    title: str
    opening: SafeString
    parts: tuple[tuple[str, SafeString], ...]
    note: SafeString | None = None

    @property
    def headings(self) -> list[str]:
        return [heading for heading, _ in self.parts]

    def with_note(self, note: str | None) -> Guide:
        shown = render(note) if note else None
        return Guide(self.slug, self.title, self.opening, self.parts, shown)


def parse(text: str, slug: str = "") -> Guide:
    """A guide file's title, opening and parts."""
    lines = text.strip().splitlines()
    if not lines or not lines[0].startswith("# "):
        raise ValueError(f"guide {slug!r} must start with a '# title' line")
    title = lines[0][2:].strip()
    opening: list[str] = []
    parts: list[tuple[str, list[str]]] = []
    for line in lines[1:]:
        if line.startswith("## "):
            parts.append((line[3:].strip(), []))
        elif parts:
            parts[-1][1].append(line)
        else:
            opening.append(line)
    return Guide(
        slug=slug,
        title=title,
        opening=render("\n".join(opening).strip()),
        parts=tuple((heading, render("\n".join(body).strip())) for heading, body in parts),
    )


def slugs() -> list[str]:
    """Every guide there is, by file name."""
    return sorted(path.stem for path in FOLDER.glob("*.md"))


def translated(slug: str, language: str) -> Path | None:
    """The guide's file in ``language`` (``locale/<lang>/guides/<slug>.md``), if it has one."""
    return languages.shipped_file(language, "guides", f"{slug}.md")


def load(slug: str, language: str | None = None) -> Guide | None:
    """The guide called ``slug`` in ``language`` (the active one if None; English
    where it is not translated), or None if there is no such guide."""
    return _load(slug, language or get_language() or settings.LANGUAGE_CODE)


@functools.cache
def _load(slug: str, language: str) -> Guide | None:
    # Read and rendered once per process and language.
    if not SLUG.match(slug):
        return None
    path = FOLDER / f"{slug}.md"
    if not path.is_file():
        return None
    path = translated(slug, language) or path
    return parse(path.read_text(encoding="utf-8"), slug)


def choices() -> list[tuple[str, str]]:
    """(slug, title) of every guide, the first session's first, for the admin's form."""
    found = [(slug, guide.title) for slug in slugs() if (guide := load(slug))]
    return sorted(found, key=lambda item: (item[0] != FIRST_SESSION, item[1]))


def for_pair(program: Program, goals: list[Tag], *, first_session: bool) -> list[Guide]:
    """The guides a pair sees: the first session's (when asked for), then one per goal
    in order, each with its program's note under it."""
    wanted = ([FIRST_SESSION] if first_session else []) + [goal.slug for goal in goals]
    notes = dict(
        GuideNote.objects.filter(program=program, guide__in=wanted).values_list("guide", "text")
    )
    return [guide.with_note(notes.get(slug)) for slug in wanted if (guide := load(slug))]
