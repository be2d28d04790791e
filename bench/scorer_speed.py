"""Benchmark 3: the plain-Python reference scorer (tests/matching/people.py)
beside the vectorised ``matching.scoring.top_k``, on the same synthetic
program, in the same process. No database needed.

    .venv/bin/python bench/scorer_speed.py [--mentees 2000] [--mentors 2000]
"""

import argparse
import importlib
import random

import common

common.setup_django(database=False)

import numpy as np  # noqa: E402

from matching import scoring  # noqa: E402
from matching.features import VISIBILITY_CODES, utc_offset_hours  # noqa: E402
from profiles import demo  # noqa: E402
from tests.matching import people  # noqa: E402


def vocabulary() -> tuple[demo.Vocabulary, dict[str, str]]:
    """The tag slugs the taxonomy migration seeds, shaped as seed_demo shapes them."""
    migration = importlib.import_module("profiles.migrations.0002_taxonomy_and_default_program")
    tags = sorted(migration.rows(), key=lambda t: (t["kind"], t["sort_order"], t["slug"]))
    facets: dict[str, list[str]] = {}
    for t in tags:
        if t["facet"]:
            facets.setdefault(t["facet"], []).append(t["slug"])
    vocab = demo.Vocabulary(
        goals=[t["slug"] for t in tags if t["kind"] == "goal"],
        values=[t["slug"] for t in tags if t["kind"] == "value"],
        languages={t["slug"] for t in tags if t["kind"] == "language"},
        facets=facets,
    )
    facet_of = {t["slug"]: t["facet"] for t in tags if t["kind"] in ("heritage", "identity")}
    return vocab, facet_of


def reference_person(p: demo.Person, pid: int, facet_of: dict[str, str]) -> people.Person:
    return people.Person(
        id=pid,
        goals=set(p.goals),
        values=set(p.values),
        languages=set(p.languages),
        background={(facet_of[s], s) for s in p.background},
        stage=p.career_stage,
        industry=p.industry,
        utc_offset=utc_offset_hours(p.timezone),
        meeting=p.meeting_format,
        city=p.city,
        importance=dict(p.importance),
        must=set(p.must_share),
        visibility=VISIBILITY_CODES[p.visibility],
        paused=p.is_paused,
        room=p.capacity,
    )


def program(n_mentees: int, n_mentors: int, seed: int):
    vocab, facet_of = vocabulary()
    generated = list(demo.people(mentors=n_mentors, mentees=n_mentees, seed=seed, vocab=vocab))
    everyone = [reference_person(p, i + 1, facet_of) for i, p in enumerate(generated)]
    return everyone[n_mentors:], everyone[:n_mentors]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mentees", type=int, default=2000)
    parser.add_argument("--mentors", type=int, default=2000)
    parser.add_argument("--pairs", type=int, default=200_000, help="reference sample size")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    mentees, mentors = program(args.mentees, args.mentors, args.seed)
    settings = people.Program()
    mentee_side, mentor_side, rules = people.build(mentees, mentors, settings)
    rng = random.Random(args.seed)
    sample = [(rng.randrange(len(mentees)), rng.randrange(len(mentors))) for _ in range(args.pairs)]

    def reference() -> list[float]:
        return [people.reference_score(mentees[i], mentors[j], settings) for i, j in sample]

    reference_times, top_k_times = [], []
    common.wait_for_quiet()
    with common.OtherLoad() as other:
        for _ in range(args.repeats):
            seconds, expected = common.timed(reference)
            reference_times.append(seconds)
            seconds, _ = common.timed(scoring.top_k, mentee_side, mentor_side, rules)
            top_k_times.append(seconds)

    rows, cols = (np.array(c) for c in zip(*sample, strict=True))
    scores, _ = scoring.score_pairs(mentee_side, rows, mentor_side, cols, rules.weights)
    agreement = float(np.max(np.abs(scores - np.array(expected))))

    whole = len(mentees) * len(mentors)
    reference_stats = common.spread(reference_times)
    top_k_stats = common.spread(top_k_times)
    table = [
        {
            "scorer": "reference_score (pure Python, pair by pair)",
            "pairs": args.pairs,
            "median_s": reference_stats["median"],
            "pairs_per_s": args.pairs / reference_stats["median"],
        },
        {
            "scorer": f"scoring.top_k (numpy, {len(mentees)} x {len(mentors)}, filters + top-5)",
            "pairs": whole,
            "median_s": top_k_stats["median"],
            "pairs_per_s": whole / top_k_stats["median"],
        },
    ]
    print(f"{args.repeats} repetitions; largest |score difference| on the sample: {agreement:.1e}")
    common.print_table(table)
    print(f"speed-up: {table[1]['pairs_per_s'] / table[0]['pairs_per_s']:.0f}x")
    print(f"CPU used elsewhere meanwhile: {other.cores:.2f} cores")
    common.save(
        "scorer_speed",
        {
            "args": vars(args),
            "table": table,
            "reference_s": reference_stats,
            "top_k_s": top_k_stats,
            "max_abs_difference": agreement,
            "other_cores": other.cores,
        },
    )


if __name__ == "__main__":
    main()
