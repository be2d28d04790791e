"""Reasons behind a score, as language-neutral parts that matching/sentences.py words
in plain words when shown (docs/matching.md). Pure: numpy and the standard
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

# A reason is kept as language-neutral parts, a JSON object whose ``kind`` says
# which sentence it is; matching/sentences.py words it in the reader's language
# when it is shown. Tags are named by id (their names are looked up then, in that
# language too), career stages by their code, hours as a number; a city is the
# person's own words. Suggestions and pairs store these objects as they are.
# ``viewer`` (in goals and career stages) says who is spoken to: "mentee" and
# "mentor" are ("your goals"), "admin" reads about the pair ("the mentee's goals").

# Kinds of reason that count against a pair: pages show them apart, as things
# worth knowing.
CONCERN_KINDS = frozenset(
    {"no_goals", "formats_apart", "cities_apart", "timezone_unknown", "timezones_apart"}
)

# How every reason that counts against a pair began when reasons were stored as
# English sentences: rows scored before reasons became parts keep those until
# their next re-score.
CONCERNS = (
    "None of ",
    "Meeting formats do not line up",
    "Cannot meet in person",
    "Timezones ",
    "Timezone unknown",
)


def is_concern(reason: dict | str) -> bool:
    """Whether a reason speaks against the pair rather than for it."""
    if isinstance(reason, str):
        return reason.startswith(CONCERNS)
    return reason.get("kind") in CONCERN_KINDS


def split(reasons: list) -> tuple[list, list]:
    """(reasons for the pair, things worth knowing), each in their order."""
    return [r for r in reasons if not is_concern(r)], [r for r in reasons if is_concern(r)]


@dataclass(frozen=True)
class Labels:
    """What the columns and codes of a program's :class:`Side` arrays stand for:
    tag ids for goals, values, background answers and industries, and the
    cities' names as people wrote them."""

    goals: list[int]
    values: list[int]
    background: list[int]
    background_facets: list[str]
    industries: list[int]
    cities: list[str]


def _bits(matrix: np.ndarray) -> list[int]:
    """Each 0/1 row as a Python int, so pair overlaps are one ``&``."""
    words = pack_bits(matrix).T.tolist()
    out = words[0]
    for i, word in enumerate(words[1:], start=1):
        out = [a | (b << (64 * i)) for a, b in zip(out, word, strict=True)]
    return out


def _tags(bits: int, labels: list[int]) -> list[int]:
    out = []
    while bits:
        low = bits & -bits
        out.append(labels[low.bit_length() - 1])
        bits ^= low
    return out


def shared_background(tags: list[int]) -> list[dict]:
    """The reason two people's shared background answers (tag ids) give: only for
    a viewer who may read them (the other person's choice, or an admin's permission)."""
    return [{"kind": "background", "tags": list(tags)}] if tags else []


class Explainer:
    """Reasons for many pairs of two sides; cheap per pair.

    A person's tags become Python ints (so overlaps are one ``&``) and their
    codes Python values the first time one of their pairs is explained, for
    many people at once with :meth:`prepare`; and the phrases a tag overlap
    gives are remembered. Explaining the thousands of pairs of a re-score
    then costs little beyond listing the parts, and explaining a few pairs
    costs nothing for the rest of the program.
    """

    def __init__(self, mentees: Side, mentors: Side, labels: Labels):
        self.labels = labels
        language = np.array([f == "language" for f in labels.background_facets], dtype=bool)
        self.language_mask = sum(1 << int(i) for i in np.flatnonzero(language))
        self.sides = {"mentee": mentees, "mentor": mentors}
        # side → row → (goals, values, background, stage, industry, meeting, city, hours)
        self.people: dict[str, dict[int, tuple]] = {"mentee": {}, "mentor": {}}
        self._phrases: dict[tuple, list[dict]] = {}

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
    ) -> list[dict]:
        """Reasons (parts, see above) for mentee ``row`` and mentor ``col``, as
        ``viewer`` reads them: "mentee" and "mentor" are spoken to ("your goals"),
        "admin" speaks about the pair ("the mentee's goals"). Pairs with the same
        overlap share their parts' objects: read them, never change them.

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

    def _remembered(self, key: tuple) -> list[dict]:
        phrases = self._phrases.get(key)
        if phrases is None:
            phrases = self._phrases[key] = getattr(self, "_" + key[0])(*key[1:])
        return phrases

    def _goals(self, shared_bits: int, wanted: int, viewer: str) -> list[dict]:
        shared = _tags(shared_bits, self.labels.goals)
        if not shared:
            return [{"kind": "no_goals", "viewer": viewer}]
        return [{"kind": "goals", "viewer": viewer, "tags": shared, "of": wanted}]

    def _values(self, shared_bits: int) -> list[dict]:
        shared = _tags(shared_bits, self.labels.values)
        return [{"kind": "values", "tags": shared}] if shared else []

    def _languages(self, shared_bits: int) -> list[dict]:
        languages = _tags(shared_bits, self.labels.background)
        return [{"kind": "languages", "tags": languages}] if languages else []

    def _background(self, shared_bits: int, reveal: bool) -> list[dict]:
        if not reveal:
            return []
        return shared_background(_tags(shared_bits, self.labels.background))

    def _experience(self, si: int, industry: int, sj: int, their_industry: int, viewer: str):
        out = []
        # Who reads which: a mentee hears of a mentor further along or level with
        # them, an admin of both, a mentor only that they are further along.
        if si >= 0 and sj >= 0 and (sj > si or (sj == si and viewer != "mentor")):
            kind = "stage_ahead" if sj > si else "stage_same"
            out.append({"kind": kind, "viewer": viewer, "mentee": si, "mentor": sj})
        if industry >= 0 and industry == their_industry:
            out.append({"kind": "industry", "tag": self.labels.industries[industry]})
        return out

    def _logistics(
        self, fi: int, fj: int, city: int, apart_cities: bool, a: float | None, b: float | None
    ) -> list[dict]:
        if {fi, fj} == {ONLINE, IN_PERSON}:
            return [{"kind": "formats_apart"}]
        if IN_PERSON in (fi, fj):
            if apart_cities:
                return [{"kind": "cities_apart"}]
            return [{"kind": "same_city", "city": self.labels.cities[city]}]
        if a is None or b is None:
            return [{"kind": "timezone_unknown"}]
        apart = abs(a - b) % 24
        apart = min(apart, 24 - apart)
        if apart < 0.5:
            return [{"kind": "same_timezone"}]
        hours = round(float(apart), 1)
        hours = int(hours) if hours.is_integer() else hours
        return [{"kind": "timezones_near" if apart <= 3 else "timezones_apart", "hours": hours}]
