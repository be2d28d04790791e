"""Comparing runs: what a change of weights or settings moved."""

from __future__ import annotations

import zlib

import numpy as np

from .models import AssignmentPair, MatchingRun, Suggestion


def listed_now(program_id: int) -> np.ndarray:
    """Every listed suggestion of a program as (mentee, mentor, rank, score)
    rows: what a finished re-score summarises and keeps for comparing."""
    rows = (
        Suggestion.objects.filter(program_id=program_id, status__in=Suggestion.LISTED)
        .order_by()
        .values_list("mentee_id", "mentor_id", "rank", "score")
    )
    return np.array(list(rows), dtype=float).reshape(-1, 4)


def snapshot_lists(listed: np.ndarray) -> bytes:
    """The lists as compressed (mentee, mentor, rank) triples."""
    triples = listed[:, :3].astype(np.int64)
    return zlib.compress(triples.tobytes(), level=6)


def _pairs(run: MatchingRun) -> dict[int, list[int]]:
    """Mentee id → mentor ids (best first) for a re-score, or the one mentor
    an assignment proposed."""
    if run.kind == MatchingRun.Kind.ASSIGN:
        return {
            mentee: [mentor]
            for mentee, mentor in AssignmentPair.objects.filter(run=run).values_list(
                "mentee_id", "mentor_id"
            )
        }
    if not run.snapshot:
        return {}
    triples = np.frombuffer(zlib.decompress(bytes(run.snapshot)), dtype=np.int64).reshape(-1, 3)
    triples = triples[np.lexsort((triples[:, 2], triples[:, 0]))]
    out: dict[int, list[int]] = {}
    for mentee, mentor, _ in triples.tolist():
        out.setdefault(mentee, []).append(mentor)
    return out


def changed_settings(a: MatchingRun, b: MatchingRun) -> list[tuple[str, object, object]]:
    keys = sorted({*a.weights, *b.weights})
    out = [
        (f"weight {k}", a.weights.get(k), b.weights.get(k))
        for k in keys
        if a.weights.get(k) != b.weights.get(k)
    ]
    for k in sorted({*a.settings, *b.settings} - {"chunk_size", "mentors"}):
        if a.settings.get(k) != b.settings.get(k):
            out.append((k.replace("_", " "), a.settings.get(k), b.settings.get(k)))
    return out


def compare(a: MatchingRun, b: MatchingRun, sample: int = 20) -> dict:
    """How run ``b`` differs from run ``a`` (both re-scores, or both assignments)."""
    before, after = _pairs(a), _pairs(b)
    both = before.keys() & after.keys()
    pairs_before = {(m, j) for m, js in before.items() for j in js}
    pairs_after = {(m, j) for m, js in after.items() for j in js}
    first_moved = sorted(m for m in both if before[m][:1] != after[m][:1])
    return {
        "available": bool(before) and bool(after),
        "settings": changed_settings(a, b),
        "mentees_before": len(before),
        "mentees_after": len(after),
        "lists_changed": sum(1 for m in both if set(before[m]) != set(after[m])),
        "first_choice_moved": len(first_moved),
        "pairs_added": len(pairs_after - pairs_before),
        "pairs_removed": len(pairs_before - pairs_after),
        "only_before": len(before.keys() - after.keys()),
        "only_after": len(after.keys() - before.keys()),
        "moved_sample": [(m, before[m][0], after[m][0]) for m in first_moved[:sample]],
    }
