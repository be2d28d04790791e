"""The participant import's column guide and template file, as the admin's
CSV page offers them: made from the importer's own columns
(profiles/imports.py), so the guide and the template never name a column the
importer refuses, and the tags a column takes are read from the database."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from profiles import imports
from profiles.forms import MAX_MENTOR_CAPACITY
from profiles.models import Program, Tag
from profiles.taxonomy import (
    COMPONENT_LABELS,
    COMPONENTS,
    SENSITIVE_FACETS,
    SINGLE_CHOICE_FACETS,
)

SENSITIVE = "Sensitive: only with background_consent=yes on the row."

# What each column holds: (when it is required, what it takes).
WHAT = {
    "email": ("yes", "The person's email address; it becomes their login."),
    "role": ("yes", "mentor or mentee. Someone who is both gets two rows, one per role."),
    "display_name": ("yes", "The name shown to others, up to 80 characters."),
    "headline": ("", "A line under their name, up to 120 characters."),
    "bio": ("", "Up to 2,000 characters."),
    "career_stage": ("yes", f"One of: {imports.ALLOWED['career_stage']}."),
    "years_experience": ("", "A whole number, 0–70."),
    "industry": ("", "One industry."),
    "languages": ("yes", "One or more languages."),
    "goals": ("", "A mentee's goals, or what a mentor can help with."),
    "values": ("", "Values that matter to them."),
    "timezone": (
        "yes",
        "A time zone such as Europe/London or America/New_York; an old name (US/Eastern, "
        "Asia/Calcutta) is taken as the zone it means.",
    ),
    "meeting_format": ("yes", f"One of: {imports.ALLOWED['meeting_format']}."),
    "city": ("when meeting_format is in_person", "Up to 80 characters."),
    "contact_details": ("", "Shown to a match once a mentorship is accepted."),
    "capacity": (
        "",
        f"Mentors only: how many mentees at once, 0–{MAX_MENTOR_CAPACITY}; "
        "empty takes the program's default.",
    ),
    **{
        f"importance_{c}": (
            "",
            f"Mentees only: how much {COMPONENT_LABELS[c].lower()} matters: "
            "0 not important, 1 a little, 2 normal (the default), 3 very.",
        )
        for c in COMPONENTS
    },
    "must_share": (
        "",
        f"Mentees only: what a mentor must share, from: {imports.ALLOWED['must_share']}. "
        "Each but language needs the mentee's own answer in that column.",
    ),
    **{
        f.value: (
            "",
            f"{f.label}: {'one answer' if f in SINGLE_CHOICE_FACETS else 'one or more'}. "
            f"{SENSITIVE}",
        )
        for f in SENSITIVE_FACETS
    },
    "heritage_note": ("", f"Heritage in the person's own words, up to 200 characters. {SENSITIVE}"),
    "background_consent": ("with any sensitive answer", "yes or no; empty is no."),
    "background_visibility": (
        "",
        "Who sees the sensitive answers: matching (the default: nobody, they only shape "
        "suggestions), matches or program.",
    ),
}

# The template's example row: a mentee, with every answer a new person needs
# and none of the sensitive ones (those need the person's consent first).
EXAMPLE = {
    "email": "ji-woo.park@example.org",
    "role": "mentee",
    "display_name": "Ji-woo Park",
    "headline": "Data analyst, two years in",
    "career_stage": "early",
    "years_experience": "2",
    "industry": "Technology",
    "languages": "English;Korean",
    "goals": "Networking;Career advancement",
    "values": "Community;Curiosity",
    "timezone": "America/Los_Angeles",
    "meeting_format": "either",
    "city": "San Francisco",
    "importance_goals": "3",
    "importance_logistics": "1",
    "must_share": "language",
    "background_consent": "no",
}


@dataclass
class Column:
    name: str
    required: str
    what: str
    example: str = ""
    takes: list[str] = field(default_factory=list)  # the tags a tag column takes


def columns() -> list[Column]:
    """Every column the importer reads, in its order, with the tags each tag
    column takes today."""
    tags: dict[str, list[str]] = {}
    for tag in Tag.objects.active().order_by("kind", "facet", "sort_order", "name"):
        tags.setdefault(imports.TAG_COLUMN_OF_KIND.get(tag.kind, tag.facet), []).append(tag.name)
    return [
        Column(name, *WHAT[name], example=EXAMPLE.get(name, ""), takes=tags.get(name, []))
        for name in imports.COLUMNS
    ]


def template() -> str:
    """The template file: the header row and one example row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(imports.COLUMNS)
    writer.writerow([EXAMPLE.get(name, "") for name in imports.COLUMNS])
    return out.getvalue()


def template_name(program: Program) -> str:
    return f"{program.slug}-participants-template.csv"
