"""The reasons behind a score in the reader's language (docs/matching.md).

The pure core (reasons.py) gives a reason as language-neutral parts, and
suggestions and pairs store them so; here they become sentences when shown,
in the language active then: pages and the API in the reader's, emails in the
recipient's, CSV exports in English. Each kind of reason is one whole sentence
per reader, with named placeholders and real plurals; tags are named as they
read in that language too (``Tag.name`` is translated, profiles/translation.py).

Rows scored before reasons became parts hold English sentences: those are
shown as they are until the next re-score replaces them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.utils import formats
from django.utils.translation import gettext, ngettext, pgettext, pgettext_lazy

from profiles.models import Tag

# A career stage inside a reason ("Further along in their career (senior)"): an
# adjective before "mentor"/"mentee", so not the questionnaire's labels.
STAGES = (
    pgettext_lazy("career stage in a reason", "student"),
    pgettext_lazy("career stage in a reason", "early-career"),
    pgettext_lazy("career stage in a reason", "mid-career"),
    pgettext_lazy("career stage in a reason", "senior"),
    pgettext_lazy("career stage in a reason", "executive"),
)

# How a reason stored as an English sentence (before reasons were parts) begins
# when it names a shared background; where its answers may not be named (exports
# without the permission), it is said as this alone.
LEGACY_BACKGROUND = "Shared background"


def tag_ids(reason) -> list[int]:
    """The tags a stored reason names."""
    if not isinstance(reason, dict):
        return []
    if "tag" in reason:
        return [reason["tag"]]
    return list(reason.get("tags", ()))


def names_of(reason_lists: Iterable[Iterable]) -> dict[int, str]:
    """Tag id → name in the active language, for every tag these reasons name:
    one query for them all."""
    ids = {t for reasons in reason_lists for r in reasons for t in tag_ids(r)}
    if not ids:
        return {}
    # Whole rows: ``name`` reads the active language's column, else English's.
    return {tag.pk: tag.name for tag in Tag.objects.filter(pk__in=ids)}


def all_names() -> dict[int, str]:
    """Every tag's name in the active language: for wording many rows at once
    (an export), where the vocabulary is smaller than the tags they name."""
    return {tag.pk: tag.name for tag in Tag.objects.all()}


def speaks_of_background(reason) -> bool:
    """Whether a reason names shared background answers (kept from readers who
    may not read them)."""
    if isinstance(reason, str):
        return reason.startswith(LEGACY_BACKGROUND)
    return reason.get("kind") == "background"


def _listed(names: list[str]) -> str:
    # Translators: between the items of a list of names ("leadership, networking").
    return pgettext("separator between the items of a list", ", ").join(names)


def and_listed(names: list[str]) -> str:
    """Names as one list in the active language: "A, B and C"."""
    if len(names) <= 1:
        return "".join(names)
    # Translators: the end of a list of names: "English, Tagalog and Korean".
    return gettext("%(items)s and %(last)s") % {"items": _listed(names[:-1]), "last": names[-1]}


def _near(hours: int | float) -> str:
    shown = formats.number_format(hours)
    if isinstance(hours, int):
        return ngettext(
            "Within %(hours)s hour of each other", "Within %(hours)s hours of each other", hours
        ) % {"hours": shown}
    # A fraction of hours (2.5) is no count a plural rule can choose a form by.
    return pgettext(
        "a fractional number of hours, such as 2.5", "Within %(hours)s hours of each other"
    ) % {"hours": shown}


def _apart(hours: int | float) -> str:
    shown = formats.number_format(hours)
    if isinstance(hours, int):
        return ngettext(
            "Timezones %(hours)s hour apart", "Timezones %(hours)s hours apart", hours
        ) % {"hours": shown}
    return pgettext(
        "a fractional number of hours, such as 2.5", "Timezones %(hours)s hours apart"
    ) % {"hours": shown}


def _goals(r: dict, names: list[str]) -> str:
    values = {"shared": len(r["tags"]), "count": r["of"], "goals": _listed(names)}
    if r["viewer"] == "mentor":
        return (
            ngettext(
                "You can help with %(shared)s of their %(count)s goal: %(goals)s",
                "You can help with %(shared)s of their %(count)s goals: %(goals)s",
                r["of"],
            )
            % values
        )
    if r["viewer"] == "admin":
        return (
            ngettext(
                "Can help with %(shared)s of the mentee's %(count)s goal: %(goals)s",
                "Can help with %(shared)s of the mentee's %(count)s goals: %(goals)s",
                r["of"],
            )
            % values
        )
    return (
        ngettext(
            "Can help with %(shared)s of your %(count)s goal: %(goals)s",
            "Can help with %(shared)s of your %(count)s goals: %(goals)s",
            r["of"],
        )
        % values
    )


def _no_goals(r: dict) -> str:
    if r["viewer"] == "mentor":
        return gettext("None of their goals is on your list")
    if r["viewer"] == "admin":
        return gettext("None of the mentee's goals is on the mentor's list")
    return gettext("None of your goals is on their list")


def _stage_ahead(r: dict) -> str:
    mentee, mentor = STAGES[r["mentee"]], STAGES[r["mentor"]]
    if r["viewer"] == "mentor":
        return gettext("You are further along (%(stage)s mentee)") % {"stage": mentee}
    if r["viewer"] == "admin":
        return gettext(
            "The mentor is further along (%(mentor_stage)s mentor, %(mentee_stage)s mentee)"
        ) % {"mentor_stage": mentor, "mentee_stage": mentee}
    return gettext("Further along in their career (%(stage)s)") % {"stage": mentor}


def _stage_same(r: dict) -> str:
    if r["viewer"] == "admin":
        return gettext("Both at the same career stage (%(stage)s)") % {"stage": STAGES[r["mentor"]]}
    return gettext("At the same career stage as you (%(stage)s)") % {"stage": STAGES[r["mentor"]]}


def sentence(reason, names: Mapping[int, str], *, background: bool = True) -> str:
    """One stored reason as a sentence; ``names`` from :func:`names_of`.
    ``background`` False says a shared background only as a fit, never by its answers."""
    if isinstance(reason, str):
        if not background and reason.startswith(LEGACY_BACKGROUND):
            return LEGACY_BACKGROUND
        return reason
    kind = reason["kind"]
    # A tag deleted since the score is left out of the names. Goals, values and
    # industries are lower-cased inside a sentence ("Shared values: family"): every
    # shipped language either writes common nouns so or has no case at all.
    named = [names[t] for t in tag_ids(reason) if t in names]
    if kind == "goals":
        return _goals(reason, [n.lower() for n in named])
    if kind == "no_goals":
        return _no_goals(reason)
    if kind == "values":
        return gettext("Shared values: %(values)s") % {
            "values": _listed([n.lower() for n in named])
        }
    if kind == "languages":
        return gettext("Both speak %(languages)s") % {"languages": and_listed(named)}
    if kind == "background":
        if not background:
            return gettext("Shared background")
        return gettext("Shared background: %(answers)s") % {"answers": _listed(named)}
    if kind == "stage_ahead":
        return _stage_ahead(reason)
    if kind == "stage_same":
        return _stage_same(reason)
    if kind == "industry":
        return gettext("Both work in %(industry)s") % {"industry": _listed(named).lower()}
    if kind == "formats_apart":
        return gettext("Meeting formats do not line up (online only and in person only)")
    if kind == "cities_apart":
        return gettext("Cannot meet in person: different cities")
    if kind == "same_city":
        return gettext("Can meet in person in %(city)s") % {"city": reason["city"]}
    if kind == "timezone_unknown":
        return gettext("Timezone unknown")
    if kind == "same_timezone":
        return gettext("Same timezone")
    if kind == "timezones_near":
        return _near(reason["hours"])
    if kind == "timezones_apart":
        return _apart(reason["hours"])
    raise ValueError(f"unknown kind of reason: {kind}")


def words(
    reasons: list, *, names: Mapping[int, str] | None = None, background: bool = True
) -> list[str]:
    """Stored reasons as sentences in the active language."""
    names = names_of([reasons]) if names is None else names
    return [sentence(r, names, background=background) for r in reasons]


def split(
    reasons: list, *, names: Mapping[int, str] | None = None, background: bool = True
) -> tuple[list[str], list[str]]:
    """(reasons for the pair, things worth knowing) as sentences, each in their order."""
    # Imported only here: the pure core brings numpy, which most processes never load.
    from .reasons import split as split_parts

    names = names_of([reasons]) if names is None else names
    for_, against = split_parts(reasons)
    return (
        words(for_, names=names, background=background),
        words(against, names=names, background=background),
    )
