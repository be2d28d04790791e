"""Plain-words reasons behind a score (docs/matching.md). Pure: numpy and the standard
library. A reason never speaks of a background the other person keeps from the
viewer: not its details, and not vaguely either ("some shared background"
beside the viewer's own answers would tell what the other's are)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .scoring import (
    GOALS,
    IN_PERSON,
    LOGISTICS,
    ONLINE,
    VALUES,
    Side,
    pack_bits,
)

STAGE_NAMES = ("student", "early-career", "mid-career", "senior", "executive")

# How every reason that counts against a pair begins: pages show these apart,
# as things worth knowing, and stored reasons are plain strings.
CONCERNS = (
    "None of ",
    "Meeting formats do not line up",
    "Cannot meet in person",
    "Timezones ",
    "Timezone unknown",
)


def is_concern(reason: str) -> bool:
    """Whether a reason speaks against the pair rather than for it."""
    return reason.startswith(CONCERNS)


def split(reasons: list[str]) -> tuple[list[str], list[str]]:
    """(reasons for the pair, things worth knowing), each in their order."""
    return [r for r in reasons if not is_concern(r)], [r for r in reasons if is_concern(r)]


@dataclass(frozen=True)
class Labels:
    """Names for the columns and codes of a program's :class:`Side` arrays."""

    goals: list[str]
    values: list[str]
    background: list[str]
    background_facets: list[str]
    industries: list[str]
    cities: list[str]


def _bits(matrix: np.ndarray) -> list[int]:
    """Each 0/1 row as a Python int, so pair overlaps are one ``&``."""
    words = pack_bits(matrix).T.tolist()
    out = words[0]
    for i, word in enumerate(words[1:], start=1):
        out = [a | (b << (64 * i)) for a, b in zip(out, word, strict=True)]
    return out


def _names(bits: int, labels: list[str]) -> list[str]:
    out = []
    while bits:
        low = bits & -bits
        out.append(labels[low.bit_length() - 1])
        bits ^= low
    return out


# How the goal reason reads to each audience: (whose goals, whose list, who helps).
GOAL_WORDS = {
    "mentee": ("your", "their", "Can help with"),
    "mentor": ("their", "your", "You can help with"),
    "admin": ("the mentee's", "the mentor's", "Can help with"),
}


def shared_background(names: list[str]) -> list[str]:
    """The reason two people's shared background answers give: only for a viewer
    who may read them (the other person's choice, or an admin's permission)."""
    return ["Shared background: " + ", ".join(names)] if names else []


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _hours(h: float) -> str:
    h = round(h, 1)
    return f"{h:g} hour{'s' if h != 1 else ''}"


class Explainer:
    """Reasons for many pairs of two sides; cheap per pair.

    A person's tags become Python ints (so overlaps are one ``&``) and their
    codes Python values the first time one of their pairs is explained, for
    many people at once with :meth:`prepare`; and the phrases a tag overlap
    gives are remembered. Explaining the thousands of pairs of a re-score
    then costs little beyond joining strings, and explaining a few pairs
    costs nothing for the rest of the program.
    """

    def __init__(self, mentees: Side, mentors: Side, labels: Labels):
        self.labels = labels
        language = np.array([f == "language" for f in labels.background_facets], dtype=bool)
        self.language_mask = sum(1 << int(i) for i in np.flatnonzero(language))
        self.sides = {"mentee": mentees, "mentor": mentors}
        # side → row → (goals, values, background, stage, industry, meeting, city, hours)
        self.people: dict[str, dict[int, tuple]] = {"mentee": {}, "mentor": {}}
        self._phrases: dict[tuple, list[str]] = {}

    def prepare(self, side: str, rows) -> None:
        """Ready these rows of ``side`` ("mentee" or "mentor") for explaining."""
        known = self.people[side]
        rows = np.unique(np.asarray(rows, dtype=np.int64))
        rows = rows[[r not in known for r in rows.tolist()]] if known else rows
        if not len(rows):
            return
        s = self.sides[side]
        columns = (
            _bits(s.goals[rows]),
            _bits(s.values[rows]),
            _bits(s.background[rows]),
            *(a[rows].tolist() for a in (s.stage, s.industry, s.meeting, s.city, s.utc_offset)),
        )
        known.update(zip(rows.tolist(), zip(*columns, strict=True), strict=True))

    def _person(self, side: str, row: int) -> tuple:
        person = self.people[side].get(row)
        if person is None:
            self.prepare(side, [row])
            person = self.people[side][row]
        return person

    def explain(
        self,
        row: int,
        col: int,
        components,
        *,
        viewer: str = "mentee",
        reveal_background: bool = False,
    ) -> list[str]:
        """Reasons for mentee ``row`` and mentor ``col``, as ``viewer`` reads them:
        "mentee" and "mentor" are spoken to ("your goals"), "admin" speaks about
        the pair ("the mentee's goals").

        ``components`` are the pair's five values (nan where dropped).
        ``reveal_background`` says whether the *other* person's visibility
        choice lets the viewer see their background answers (for an admin:
        whether they may read background answers at all).
        """
        mentee, mentor = self._person("mentee", row), self._person("mentor", col)
        (mg, mv, mb), (jg, jv, jb) = mentee[:3], mentor[:3]
        reasons = []
        if not math.isnan(components[GOALS]):
            reasons.extend(self._remembered(("goals", mg & jg, mg.bit_count(), viewer)))
        if not math.isnan(components[VALUES]):
            reasons.extend(self._remembered(("values", mv & jv)))
        shared = mb & jb
        reasons.extend(self._remembered(("languages", shared & self.language_mask)))
        reasons.extend(
            self._remembered(("background", shared & ~self.language_mask, reveal_background))
        )
        # Career stage, industry, meeting format, city and time zone take few
        # values in a program: their phrases are remembered too.
        (si, industry, fi, city, a), (sj, their_industry, fj, _, b) = (
            mentee[3:],
            mentor[3:],
        )
        reasons.extend(self._remembered(("experience", si, industry, sj, their_industry, viewer)))
        in_person = IN_PERSON in (fi, fj)
        reasons.extend(
            self._remembered(
                (
                    "logistics",
                    fi,
                    fj,
                    city if in_person else -1,
                    in_person and components[LOGISTICS] == 0,
                    # Time zones matter only online; NaN is no dictionary key
                    # (it equals nothing, itself included).
                    None if in_person or math.isnan(a) else a,
                    None if in_person or math.isnan(b) else b,
                )
            )
        )
        return reasons

    def _remembered(self, key: tuple) -> list[str]:
        phrases = self._phrases.get(key)
        if phrases is None:
            phrases = self._phrases[key] = getattr(self, "_" + key[0])(*key[1:])
        return phrases

    def _goals(self, shared_bits: int, wanted: int, viewer: str) -> list[str]:
        you, them, helper = GOAL_WORDS[viewer]
        shared = _names(shared_bits, self.labels.goals)
        if not shared:
            return [f"None of {you} goals is on {them} list"]
        return [
            f"{helper} {len(shared)} of {you} {wanted} goal{'s' if wanted != 1 else ''}: "
            + ", ".join(s.lower() for s in shared)
        ]

    def _values(self, shared_bits: int) -> list[str]:
        shared = _names(shared_bits, self.labels.values)
        return ["Shared values: " + ", ".join(s.lower() for s in shared)] if shared else []

    def _languages(self, shared_bits: int) -> list[str]:
        languages = _names(shared_bits, self.labels.background)
        return [f"Both speak {_join(languages)}"] if languages else []

    def _background(self, shared_bits: int, reveal: bool) -> list[str]:
        if not reveal:
            return []
        return shared_background(_names(shared_bits, self.labels.background))

    def _experience(self, si: int, industry: int, sj: int, their_industry: int, viewer: str):
        out = []
        if si >= 0 and sj >= 0:
            if viewer == "mentee":
                if sj > si:
                    out.append(f"Further along in their career ({STAGE_NAMES[sj]})")
                elif sj == si:
                    out.append(f"At the same career stage as you ({STAGE_NAMES[sj]})")
            elif viewer == "admin":
                if sj > si:
                    out.append(
                        f"The mentor is further along ({STAGE_NAMES[sj]} mentor, "
                        f"{STAGE_NAMES[si]} mentee)"
                    )
                elif sj == si:
                    out.append(f"Both at the same career stage ({STAGE_NAMES[sj]})")
            elif sj > si:
                out.append(f"You are further along ({STAGE_NAMES[si]} mentee)")
        if industry >= 0 and industry == their_industry:
            out.append(f"Both work in {self.labels.industries[industry].lower()}")
        return out

    def _logistics(
        self, fi: int, fj: int, city: int, apart_cities: bool, a: float | None, b: float | None
    ) -> list[str]:
        if {fi, fj} == {ONLINE, IN_PERSON}:
            return ["Meeting formats do not line up (online only and in person only)"]
        if IN_PERSON in (fi, fj):
            if apart_cities:
                return ["Cannot meet in person: different cities"]
            return [f"Can meet in person in {self.labels.cities[city]}"]
        if a is None or b is None:
            return ["Timezone unknown"]
        apart = abs(a - b) % 24
        apart = min(apart, 24 - apart)
        if apart < 0.5:
            return ["Same timezone"]
        if apart <= 3:
            return [f"Within {_hours(apart)} of each other"]
        return [f"Timezones {_hours(apart)} apart"]
