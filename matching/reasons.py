"""Plain-words reasons behind a score (SPEC §4). Pure: numpy and the standard
library. A reason never names a background detail the other person keeps
private: it says "strong background fit" instead."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .scoring import (
    EXPERIENCE,
    GOALS,
    IN_PERSON,
    LOGISTICS,
    ONLINE,
    VALUES,
    Side,
)

STAGE_NAMES = ("student", "early-career", "mid-career", "senior", "executive")


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
    if matrix.shape[1] == 0:
        return [0] * matrix.shape[0]
    packed = np.packbits(matrix.astype(bool), axis=1, bitorder="little")
    return [int.from_bytes(row.tobytes(), "little") for row in packed]


def _names(bits: int, labels: list[str]) -> list[str]:
    out, i = [], 0
    while bits:
        if bits & 1:
            out.append(labels[i])
        bits >>= 1
        i += 1
    return out


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _hours(h: float) -> str:
    h = round(h, 1)
    return f"{h:g} hour{'s' if h != 1 else ''}"


class Explainer:
    """Reasons for many pairs of two sides; built once, then cheap per pair."""

    def __init__(self, mentees: Side, mentors: Side, labels: Labels):
        self.mentees, self.mentors, self.labels = mentees, mentors, labels
        language = np.array([f == "language" for f in labels.background_facets], dtype=bool)
        self.language_mask = sum(1 << int(i) for i in np.flatnonzero(language))
        self.bits = {
            side: (_bits(s.goals), _bits(s.values), _bits(s.background))
            for side, s in (("mentee", mentees), ("mentor", mentors))
        }

    def explain(
        self,
        row: int,
        col: int,
        components: np.ndarray,
        *,
        viewer: str = "mentee",
        reveal_background: bool = False,
    ) -> list[str]:
        """Reasons for mentee ``row`` and mentor ``col``, as ``viewer`` reads them.

        ``reveal_background`` says whether the *other* person's visibility
        choice lets the viewer see their background answers.
        """
        mg, mv, mb = (self.bits["mentee"][k][row] for k in range(3))
        jg, jv, jb = (self.bits["mentor"][k][col] for k in range(3))
        you, them = ("your", "their") if viewer == "mentee" else ("their", "your")
        reasons = []
        if not np.isnan(components[GOALS]):
            shared = _names(mg & jg, self.labels.goals)
            wanted = bin(mg).count("1")
            helper = "Can help with" if viewer == "mentee" else "You can help with"
            if shared:
                reasons.append(
                    f"{helper} {len(shared)} of {you} {wanted} goal{'s' if wanted != 1 else ''}: "
                    + ", ".join(s.lower() for s in shared)
                )
            else:
                reasons.append(f"None of {you} goals is on {them} list")
        if not np.isnan(components[VALUES]):
            shared = _names(mv & jv, self.labels.values)
            if shared:
                reasons.append("Shared values: " + ", ".join(s.lower() for s in shared))
        languages = _names(mb & jb & self.language_mask, self.labels.background)
        if languages:
            reasons.append(f"Both speak {_join(languages)}")
        reasons.extend(self._background(mb & jb & ~self.language_mask, reveal_background))
        reasons.extend(self._experience(row, col, components[EXPERIENCE], viewer))
        reasons.append(self._logistics(row, col, components[LOGISTICS]))
        return reasons

    def _background(self, shared_bits: int, reveal: bool) -> list[str]:
        if not shared_bits:
            return []
        if reveal:
            return ["Shared background: " + ", ".join(_names(shared_bits, self.labels.background))]
        return [
            "Strong background fit"
            if bin(shared_bits).count("1") >= 2
            else "Some shared background"
        ]

    def _experience(self, row: int, col: int, value: float, viewer: str) -> list[str]:
        si, sj = int(self.mentees.stage[row]), int(self.mentors.stage[col])
        out = []
        if si >= 0 and sj >= 0:
            if viewer == "mentee":
                if sj > si:
                    out.append(f"Further along in their career ({STAGE_NAMES[sj]})")
                elif sj == si:
                    out.append(f"At the same career stage as you ({STAGE_NAMES[sj]})")
            elif sj > si:
                out.append(f"You are further along ({STAGE_NAMES[si]} mentee)")
        industry = int(self.mentees.industry[row])
        if industry >= 0 and industry == int(self.mentors.industry[col]):
            out.append(f"Both work in {self.labels.industries[industry].lower()}")
        return out

    def _logistics(self, row: int, col: int, value: float) -> str:
        fi, fj = int(self.mentees.meeting[row]), int(self.mentors.meeting[col])
        if {fi, fj} == {ONLINE, IN_PERSON}:
            return "Meeting formats do not line up (online only and in person only)"
        city = int(self.mentees.city[row])
        if IN_PERSON in (fi, fj):
            if value == 0:
                return "Cannot meet in person: different cities"
            return f"Can meet in person in {self.labels.cities[city]}"
        a, b = self.mentees.utc_offset[row], self.mentors.utc_offset[col]
        if np.isnan(a) or np.isnan(b):
            return "Timezone unknown"
        apart = abs(a - b) % 24
        apart = min(apart, 24 - apart)
        if apart < 0.5:
            return "Same timezone"
        if apart <= 3:
            return f"Within {_hours(apart)} of each other"
        return f"Timezones {_hours(apart)} apart"
