"""Fairness figures laid out for reading (docs/admin.md, "Reading the fairness
page"): each question's groups beside all mentees, and every difference from
all mentees past a threshold marked, with an arrow and in words.

Pure: plain dicts in (the kept exact figures, or a release's), plain data
out. The marks are worked out from the figures shown and nothing else, so on
a release they say nothing the release does not: no exact figure is read,
and the "all mentees" row is the release's own (dashboard/disclosure.py keeps
it safe to subtract from).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from profiles.taxonomy import Facet

# A group is marked when it differs from all mentees by at least this much.
SHARE_POINTS = 10  # percentage points: matched, declined by the mentor, closed for want of room
SCORE_POINTS = 10  # points of the 0–100 match score
DAYS = 7  # days to match: the week after which a request brings a reminder
# ... and when the figure rests on at least this many (mentees, requests, mentorships) on
# both sides: one declined request of two is a 50% decline rate, and means nothing. A
# release gives group sizes only, so of its figures only the matched share can be marked.
MIN_BASE = 5  # as the smallest group shown

ALL_MENTEES = _("All mentees")
NO_ANSWER_KIND = "—"
NO_ANSWER_TITLE = _("No background answer")
UNDISCLOSED = _("Chose not to disclose")


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    unit: str  # "share", "days" or "score"
    missing: str  # why a group has no figure, said to a screen reader
    base: str  # the count the figure rests on


SHARE, DAYS_UNIT, SCORE = "share", "days", "score"
THRESHOLDS = {SHARE: SHARE_POINTS, DAYS_UNIT: DAYS, SCORE: SCORE_POINTS}

NOT_STARTED = _("no mentorship started yet")
MATCHED = Measure("matched_share", _("Matched"), SHARE, _("no mentees"), "people")
DECLINED = Measure(
    "decline_rate", _("Declined by the mentor"), SHARE, _("no request answered yet"), "answered"
)
NO_ROOM = Measure(
    "no_room_rate", _("Closed for want of room"), SHARE, _("no request yet"), "requests"
)
SCORE_MEAN = Measure("mean_score", _("Mean match score"), SCORE, NOT_STARTED, "scored")
# Exact figures (an admin who may read background answers) and a release's.
EXACT = (
    MATCHED,
    Measure("median_days", _("Median days to match"), DAYS_UNIT, NOT_STARTED, "started"),
    DECLINED,
    NO_ROOM,
    SCORE_MEAN,
)
RELEASED = (
    MATCHED,
    Measure("mean_days", _("Mean days to match"), DAYS_UNIT, NOT_STARTED, "started"),
    DECLINED,
    SCORE_MEAN,
)
# With nobody matched, a score or a wait describes mentorships that have
# since ended, not the group's matches: shown as none.
ONLY_WHEN_MATCHED = {SCORE, DAYS_UNIT}


def _stored_word(word: str) -> str:
    """A background question's name or a group's, as figures and releases store them
    (in English, worked out by a worker), in the page's language; a tag's own name as is."""
    return _stored_words().get(word, word)


@functools.cache
def _stored_words() -> dict:
    with translation.override("en"):
        labels = [*(label for _value, label in Facet.choices), ALL_MENTEES, UNDISCLOSED]
        return {str(label): label for label in labels}


def _direction_word(direction: str) -> str:
    """The word for a CSS class's "higher" or "lower"."""
    if direction == "higher":
        # Translators: as in "14 points higher than all mentees".
        return gettext("higher")
    if direction == "lower":
        # Translators: as in "14 points lower than all mentees".
        return gettext("lower")
    return ""


@dataclass
class Cell:
    text: str  # as shown: "62%", "4.5", "—"
    missing: str = ""  # for a screen reader, why there is no figure
    direction: str = ""  # "higher" or "lower" than all mentees, past the threshold
    by: str = ""  # "14 points", "9.5 days"

    @property
    def direction_word(self) -> str:
        return _direction_word(self.direction)


@dataclass
class Row:
    name: str
    people: str
    cells: list[Cell]
    reference: bool = False  # the "all mentees" row
    marked: bool = False


@dataclass
class Section:
    title: str
    rows: list[Row] = field(default_factory=list)


@dataclass
class Difference:
    group: str
    section: str
    label: str
    shown: str
    everyone: str
    direction: str  # "higher" or "lower": a CSS class; the word is direction_word
    by: str

    @property
    def direction_word(self) -> str:
        return _direction_word(self.direction)


@dataclass
class Layout:
    measures: tuple[Measure, ...]
    sections: list[Section]
    differences: list[Difference]
    thresholds: dict = field(
        default_factory=lambda: {
            "share": SHARE_POINTS,
            "days": DAYS,
            "score": SCORE_POINTS,
            "base": MIN_BASE,
        }
    )


def _text(measure: Measure, value) -> str:
    return f"{value}%" if measure.unit == SHARE else f"{value:.1f}"


def _value(measure: Measure, group: dict):
    value = group.get(measure.key)
    if measure.unit in ONLY_WHEN_MATCHED and group.get(MATCHED.key) == 0:
        return None, gettext("none matched")
    return value, measure.missing


def _by(measure: Measure, gap: float) -> str:
    amount = f"{abs(gap):.0f}" if measure.unit == SHARE else f"{abs(gap):.1f}"
    if measure.unit == DAYS_UNIT:
        return gettext("%(amount)s days") % {"amount": amount}
    return gettext("%(amount)s points") % {"amount": amount}


def _rests_on_enough(measure: Measure, *groups: dict) -> bool:
    return all(g.get(measure.base, 0) >= MIN_BASE for g in groups)


def cell(measure: Measure, group: dict, everyone: dict | None = None) -> Cell:
    """One figure of ``group`` as shown, marked if it is at least the
    measure's threshold away from ``everyone``'s and both rest on enough."""
    value, why = _value(measure, group)
    if value is None:
        return Cell("—", missing=why)
    shown = Cell(_text(measure, value))
    base = _value(measure, everyone)[0] if everyone is not None else None
    if (
        base is not None
        and abs(value - base) >= THRESHOLDS[measure.unit]
        and _rests_on_enough(measure, group, everyone)
    ):
        shown.direction = "higher" if value > base else "lower"
        shown.by = _by(measure, value - base)
    return shown


def _people(group: dict, about: bool) -> str:
    return f"≈ {group['people']}" if about else str(group["people"])


def lay_out(groups: list[dict], everyone: dict, *, exact: bool) -> Layout:
    """Each question's groups after an "all mentees" row, in the order given;
    those who gave no background answer last; all mentees alone when no group
    can be shown. ``exact`` chooses the columns: exact figures, or a
    release's (whose group sizes are approximate)."""
    measures = EXACT if exact else RELEASED
    reference = Row(
        ALL_MENTEES,
        str(everyone.get("people", "—")),
        [cell(m, everyone) for m in measures],
        reference=True,
    )
    sections: dict[str, Section] = {}
    differences = []
    for g in groups:
        g = {**g, "name": _stored_word(g["name"]), "kind": _stored_word(g.get("kind") or "")}
        kind = g.get("kind") or NO_ANSWER_KIND
        title = NO_ANSWER_TITLE if kind == NO_ANSWER_KIND else kind
        section = sections.setdefault(title, Section(title, [reference]))
        cells = [cell(m, g, everyone) for m in measures]
        section.rows.append(
            Row(g["name"], _people(g, about=not exact), cells, marked=any(c.by for c in cells))
        )
        for m, c in zip(measures, cells, strict=True):
            if c.by:
                differences.append(
                    Difference(
                        g["name"],
                        title,
                        m.label,
                        c.text,
                        reference.cells[measures.index(m)].text,
                        c.direction,
                        c.by,
                    )
                )
    ordered = [s for t, s in sections.items() if t != NO_ANSWER_TITLE]
    ordered += [s for t, s in sections.items() if t == NO_ANSWER_TITLE]
    return Layout(measures, ordered or [Section(ALL_MENTEES, [reference])], differences)
