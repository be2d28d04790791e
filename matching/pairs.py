"""Pairs as a program admin weighs them before matching people by hand: the
pair's whole score, its reasons spoken about the pair ("Can help with 3 of the
mentee's 4 goals"), and the program's filters it does not pass; and, after a
re-match, a mentee's best mentors with room.

The score is the whole one, as lists store it and the program's minimum is
checked against. The background bar and reasons are shown only to an admin who
may read background answers (``reveal_background``); the caller records that read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from profiles.models import Profile
from profiles.taxonomy import COMPONENTS

from . import features as feature_cache
from . import scoring, suggestions
from .reasons import Explainer
from .suggestions import Explanation


@dataclass
class Fit:
    """One pair as an admin sees it; ``score`` and ``explanation`` are None when
    either person is not ready for matching."""

    score: float | None = None
    explanation: Explanation | None = None
    # scoring.unmet_filters: "same_person", "common_language", must facets.
    unmet: list[str] = field(default_factory=list)


def _rules(program, facet_columns) -> scoring.Rules:
    weights = program.weights()
    return scoring.Rules(
        weights=tuple(float(weights[c]) for c in COMPONENTS),
        min_score=float(program.min_score),
        require_common_language=program.require_common_language,
        facet_columns=facet_columns,
        k=program.suggestions_per_mentee,
        spread=False,
    )


def _fits(
    *, mentee: Profile, mentors: list[Profile], sides, row: int, cols, labels, facet_columns, reveal
) -> list[Fit]:
    """The fit of mentee ``row`` with each mentor column ``cols`` of the arrays ``sides``."""
    mentees, mentor_side = sides
    rules = _rules(mentee.program, facet_columns)
    cols = np.asarray(cols, dtype=np.int64)
    rows = np.full(len(cols), row, dtype=np.int64)
    scores, components = scoring.score_pairs(mentees, rows, mentor_side, cols, rules.weights)
    explainer = Explainer(mentees, mentor_side, labels)
    has_values = bool(mentees.values[row].any())
    out = []
    for mentor, col, parts, score in zip(mentors, cols.tolist(), components, scores, strict=True):
        reasons = explainer.explain(row, col, parts, viewer="admin", reveal_background=reveal)
        out.append(
            Fit(
                score=round(float(score), 2),
                explanation=suggestions.explanation_of(
                    parts,
                    score,
                    reasons,
                    reveal=reveal,
                    mentee_has_values=has_values,
                    viewer="admin",
                    names={"mentee": mentee.name, "mentor": mentor.name},
                    weighed=(mentee.importances(), mentee.program.weights()),
                ),
                unmet=scoring.unmet_filters(mentees, row, mentor_side, col, rules),
            )
        )
    return out


def weigh(*, mentee: Profile, mentor: Profile, reveal_background: bool) -> Fit:
    """One pair, read fresh from the database (no program-wide arrays)."""
    pair = feature_cache.for_pair(mentee.program_id, mentee.pk, mentor.pk)
    if pair is None:
        return Fit()
    mentees, mentors, vocab = pair
    return _fits(
        mentee=mentee,
        mentors=[mentor],
        sides=(mentees, mentors),
        row=0,
        cols=[0],
        labels=vocab.labels,
        facet_columns=vocab.facet_columns,
        reveal=reveal_background,
    )[0]


def best_available(
    *, mentee: Profile, reveal_background: bool, k: int = 5
) -> list[tuple[Profile, Fit]]:
    """The ``k`` mentors with the best score for this mentee among those with
    room and not paused, by score alone (no load spreading), every filter of
    the program applied: those a suggestion list would draw from, never one the
    mentee hid or who declined them or was their mentor before."""
    features = suggestions.prepared(mentee.program_id)
    row = features.mentee_row.get(mentee.pk)
    if row is None:
        return []
    rules = _rules(mentee.program, features.vocabulary.facet_columns)
    top = scoring.top_k(
        features.mentees,
        features.mentors,
        rules,
        rows=np.array([row]),
        excluded=suggestions.excluded_pairs(features, mentee_ids=[mentee.pk]),
        k=k,
    )
    chosen = {int(features.mentors.ids[c]): int(c) for c in top.mentor_rows[0] if c >= 0}
    found = Profile.objects.select_related("user").in_bulk(list(chosen))
    # In score order; a mentor who left since the arrays were read is left out.
    kept = [(found[pk], col) for pk, col in chosen.items() if pk in found]
    fits = _fits(
        mentee=mentee,
        mentors=[m for m, _ in kept],
        sides=(features.mentees, features.mentors),
        row=row,
        cols=[c for _, c in kept],
        labels=features.vocabulary.labels,
        facet_columns=features.vocabulary.facet_columns,
        reveal=reveal_background,
    )
    return [(m, fit) for (m, _), fit in zip(kept, fits, strict=True)]
