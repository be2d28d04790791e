"""Figures: what the suggestion rule shows each mentee (docs/matching.md, "Load spreading").

Builds every mentee's list of a demo-generated N × N program the way a full re-score does
(one mentee at a time, load spreading on) and, beside it, each mentee's whole order by score.
Counts, not timings:

- mentees whose list holds none of their best-scoring mentors (a tie for best counts as seen);
- lists not in score order;
- lists that reach under ``best − gap`` although ``k`` mentors were within the gap;
- how deep into a mentee's order by score a list reaches (median, 99th percentile, deepest);
- how many mentors appear in some list, and the most lists any one mentor is in.

    .venv/bin/python bench/list_rule.py --sizes 1000 5000
"""

from __future__ import annotations

import argparse

import common
import numpy as np

common.setup_django()

from matching import scoring, suggestions  # noqa: E402


def figures(program) -> dict:
    features = suggestions.prepared(program.id)
    weights, settings = suggestions.snapshot(program)
    rules = suggestions.rules_from(weights, settings, features)
    n = len(features.mentors)
    lists = scoring.top_k(
        features.mentees, features.mentors, rules, exposure=scoring.Exposure(np.zeros(n))
    )
    plain = scoring.Rules(**{**rules.__dict__, "spread": False})
    order = scoring.top_k(features.mentees, features.mentors, plain, k=n, components=False)
    has = order.mentor_rows[:, 0] >= 0
    best = order.scores[:, :1]
    scores = np.where(np.isnan(lists.scores), -np.inf, lists.scores)
    seen = np.isclose(np.nanmax(lists.scores, axis=1, initial=-1), best[:, 0])
    depth = np.array(
        [
            max(
                (int(np.flatnonzero(order.mentor_rows[i] == m)[0]) + 1 for m in row if m >= 0),
                default=0,
            )
            for i, row in enumerate(lists.mentor_rows)
        ]
    )
    within = (np.nan_to_num(order.scores, nan=-np.inf) >= best - rules.gap - 1e-9).sum(axis=1)
    reach = np.nanmin(lists.scores, axis=1, initial=101) < best[:, 0] - rules.gap - 1e-9
    shown = np.bincount(lists.mentor_rows[lists.mentor_rows >= 0], minlength=n)
    return {
        "mentees": len(has),
        "with_a_best": int(has.sum()),
        "best_not_seen": int((has & ~seen).sum()),
        "not_in_score_order": int((np.diff(scores, axis=1) > 1e-9).any(axis=1).sum()),
        "past_gap_needlessly": int((reach & has & (within >= rules.k)).sum()),
        "depth_median": float(np.median(depth[has])),
        "depth_p99": float(np.percentile(depth[has], 99)),
        "depth_max": int(depth.max(initial=0)),
        "mentors_shown": int((shown > 0).sum()),
        "mentors": n,
        "most_lists": int(shown.max(initial=0)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    args = parser.parse_args()
    table = [{"N": size, **figures(common.seeded_program(size))} for size in args.sizes]
    common.print_table(table)
    common.save("list_rule", table)


if __name__ == "__main__":
    main()
