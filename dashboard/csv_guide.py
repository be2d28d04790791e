"""The participant import's column guide and template file, as the admin's
CSV page offers them: made from the importer's own columns
(profiles/imports.py), so the guide and the template never name a column the
importer refuses, and the tags a column takes are read from the database."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext

from profiles import imports
from profiles.forms import MAX_MENTOR_CAPACITY
from profiles.models import Program, Tag
from profiles.taxonomy import (
    COMPONENTS,
    SENSITIVE_FACETS,
    SINGLE_CHOICE_FACETS,
)


# The guide's words, in the page's language; the column names, the values a
# column takes (mentor, yes, in_person…) and the example row stay as the
# importer reads them, in English.
def what() -> dict[str, tuple[str, str]]:
    """What each column holds: (when it is required, what it takes)."""
    yes = "yes"  # a code: the page badges it "required"
    sensitive = gettext("Sensitive: only with background_consent=yes on the row.")
    # Translators: what an importance column takes; keep the numbers.
    levels = gettext("0 not important, 1 a little, 2 normal (the default), 3 very.")
    importance = {
        "goals": gettext("Mentees only: how much goals matters: %(levels)s"),
        "background": gettext("Mentees only: how much shared background matters: %(levels)s"),
        "values": gettext("Mentees only: how much shared values matters: %(levels)s"),
        "experience": gettext("Mentees only: how much experience matters: %(levels)s"),
        "logistics": gettext("Mentees only: how much logistics matters: %(levels)s"),
    }
    facets = {
        f.value: (
            "",
            (
                gettext("%(facet)s: one answer. %(sensitive)s")
                if f in SINGLE_CHOICE_FACETS
                else gettext("%(facet)s: one or more. %(sensitive)s")
            )
            % {"facet": f.label, "sensitive": sensitive},
        )
        for f in SENSITIVE_FACETS
    }
    return {
        "email": (yes, gettext("The person's email address; it becomes their login.")),
        "role": (
            yes,
            gettext("mentor or mentee. Someone who is both gets two rows, one per role."),
        ),
        "display_name": (yes, gettext("The name shown to others, up to 80 characters.")),
        "headline": ("", gettext("A line under their name, up to 120 characters.")),
        "bio": ("", gettext("Up to 2,000 characters.")),
        "career_stage": (
            yes,
            gettext("One of: %(values)s.") % {"values": imports.ALLOWED["career_stage"]},
        ),
        "years_experience": ("", gettext("A whole number, 0–70.")),
        "industry": ("", gettext("One industry.")),
        "languages": (yes, gettext("One or more languages.")),
        "goals": ("", gettext("A mentee's goals, or what a mentor can help with.")),
        "values": ("", gettext("Values that matter to them.")),
        "timezone": (
            yes,
            gettext(
                "A time zone such as Europe/London or America/New_York; an old name "
                "(US/Eastern, Asia/Calcutta) is taken as the zone it means."
            ),
        ),
        "meeting_format": (
            yes,
            gettext("One of: %(values)s.") % {"values": imports.ALLOWED["meeting_format"]},
        ),
        "city": (gettext("when meeting_format is in_person"), gettext("Up to 80 characters.")),
        "contact_details": ("", gettext("Shown to a match once a mentorship is accepted.")),
        "capacity": (
            "",
            gettext(
                "Mentors only: how many mentees at once, 0–%(most)s; "
                "empty takes the program's default."
            )
            % {"most": MAX_MENTOR_CAPACITY},
        ),
        **{f"importance_{c}": ("", importance[c] % {"levels": levels}) for c in COMPONENTS},
        "must_share": (
            "",
            gettext(
                "Mentees only: what a mentor must share, from: %(values)s. "
                "Each but language needs the mentee's own answer in that column."
            )
            % {"values": imports.ALLOWED["must_share"]},
        ),
        **facets,
        "heritage_note": (
            "",
            gettext("Heritage in the person's own words, up to 200 characters. %(sensitive)s")
            % {"sensitive": sensitive},
        ),
        "background_consent": (
            gettext("with any sensitive answer"),
            gettext("yes or no; empty is no."),
        ),
        "background_visibility": (
            "",
            gettext(
                "Who sees the sensitive answers: matching (the default: nobody, they only "
                "shape suggestions), matches or program."
            ),
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
    described = what()
    return [
        Column(name, *described[name], example=EXAMPLE.get(name, ""), takes=tags.get(name, []))
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
