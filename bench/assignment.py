"""Benchmark: the auto-assignment policies (matching/assignment.py) on
synthetic programs scored by the house scorer. No database.

    .venv/bin/python bench/assignment.py [--sizes 10000 100000] [--roomy 10000] [--repeats 3]

A program of N mentees has 0.3·N mentors (``--sizes``), or N mentors
(``--roomy``: more places than mentees, where load balancing has room to
act). People are drawn by ``profiles.demo`` (the seed_demo generator:
capacities 1–5, 4 % of mentors paused) and turned into ``scoring.Side``
arrays by ``tests/matching/people.build``; each mentee's candidates are their
top 50 by ``scoring.top_k`` (no load spreading, minimum score 30).

Programs of at most ``--check-max`` mentees also get the optimum over the
top 200 candidates, and the smallest ``--sizes`` program the dense optimum
over every allowed pair from scipy's linear_sum_assignment over capacity
slots (an independent solver; ~2.5 min at 10k). Candidate lists and the dense
optimum are cached in bench/results/ under a fingerprint of the scorer and
the generator, so a re-run times the solvers only.
"""

import argparse
import dataclasses
import hashlib
import json
import multiprocessing
import time

import common

common.setup_django(database=False)

import numpy as np  # noqa: E402
from scipy.optimize import linear_sum_assignment  # noqa: E402
from scorer_speed import program  # noqa: E402

from matching import assignment, scoring  # noqa: E402
from tests.matching import people  # noqa: E402

MENTORS_PER_MENTEE = 0.3
MIN_SCORE = 30.0
K = 50
CHECK_K = 200
SWEEP = (0.0, 1.0, 2.0, 4.0, 8.0)
ROWS_PER_TASK = 2000
POLICIES = {**assignment.POLICIES, "greedy": assignment.greedy}


# --- programs and candidate lists ------------------------------------------------------------


def fingerprint() -> str:
    """Changes whenever the code that produces the candidate lists does."""
    digest = hashlib.sha256()
    for path in ("matching/scoring.py", "tests/matching/people.py", "profiles/demo.py"):
        digest.update((common.ROOT / path).read_bytes())
    return digest.hexdigest()[:12]


def sides(n_mentees: int, n_mentors: int, seed: int):
    mentees, mentors = program(n_mentees, n_mentors, seed)
    mentee_side, mentor_side, rules = people.build(mentees, mentors, people.Program())
    return mentee_side, mentor_side, dataclasses.replace(rules, spread=False, min_score=MIN_SCORE)


_SIDES = None  # (mentees, mentors, rules), inherited by the forked workers


def _top_rows(task: tuple[int, int, int]):
    start, stop, k = task
    mentees, mentors, rules = _SIDES
    top = scoring.top_k(mentees, mentors, rules, rows=np.arange(start, stop), k=k)
    return top.mentee_rows, top.mentor_rows, top.scores


def top_lists(program_sides, k: int, jobs: int) -> tuple[np.ndarray, np.ndarray]:
    """Each mentee's top-k (mentor rows, scores), -1 / nan padded at the end."""
    global _SIDES
    _SIDES = program_sides
    n = len(program_sides[0])
    cols = np.full((n, k), -1, dtype=np.int64)
    scores = np.full((n, k), np.nan)
    tasks = [(s, min(s + ROWS_PER_TASK, n), k) for s in range(0, n, ROWS_PER_TASK)]
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        for rows, c, s in pool.imap_unordered(_top_rows, tasks):
            cols[rows], scores[rows] = c, s
    _SIDES = None
    return cols, scores


def to_candidates(cols: np.ndarray, scores: np.ndarray, n_mentors: int):
    ok = cols >= 0
    indptr = np.concatenate([[0], np.cumsum(ok.sum(axis=1))])
    return assignment.Candidates(indptr, cols[ok], scores[ok], n_mentors)


def cache_path(n_mentees: int, n_mentors: int, seed: int, suffix: str):
    return common.RESULTS / f"assignment-{n_mentees}x{n_mentors}-s{seed}-{fingerprint()}{suffix}"


def instance(n_mentees: int, n_mentors: int, ks: list[int], seed: int, jobs: int) -> dict:
    """Candidates per k and the mentors' free places (cached)."""
    cache = cache_path(n_mentees, n_mentors, seed, ".npz")
    stored = dict(np.load(cache)) if cache.exists() else {}
    if all(f"cols{k}" in stored for k in ks):
        print(f"{n_mentees:,} × {n_mentors:,}: candidates from {cache.relative_to(common.ROOT)}")
    else:
        t0 = time.perf_counter()
        program_sides = sides(n_mentees, n_mentors, seed)
        stored = {
            "capacity": np.where(program_sides[1].available, program_sides[1].room, 0),
            "people_s": time.perf_counter() - t0,
        }
        t0 = time.perf_counter()
        for k in ks:
            stored[f"cols{k}"], stored[f"scores{k}"] = top_lists(program_sides, k, jobs)
        stored["scoring_s"] = time.perf_counter() - t0
        common.RESULTS.mkdir(parents=True, exist_ok=True)
        np.savez(cache, **stored)
        print(
            f"{n_mentees:,} × {n_mentors:,}: people in {stored['people_s']:.1f} s, "
            f"top {ks} in {stored['scoring_s']:.1f} s ({jobs} processes)"
        )
    return {
        "mentees": n_mentees,
        "mentors": n_mentors,
        "capacity": stored["capacity"],
        "candidates": {
            k: to_candidates(stored[f"cols{k}"], stored[f"scores{k}"], n_mentors) for k in ks
        },
        "people_s": float(stored["people_s"]),
        "scoring_s": float(stored["scoring_s"]),
    }


# --- measurements -----------------------------------------------------------------------------


def in_top(c, a: assignment.Assignment, k: int) -> float:
    """Share of matched mentees whose mentor is among their k best candidates."""
    rows = np.repeat(np.arange(c.n_mentees), np.diff(c.indptr))
    hit = (c.cols == a.mentor_of[rows]) & (a.mentor_of[rows] >= 0)
    rank = (np.arange(len(rows)) - c.indptr[rows])[hit]
    return float((rank < k).mean()) if len(rank) else 0.0


def run_policies(c, capacity, repeats: int) -> dict:
    out = {}
    for name, policy in POLICIES.items():
        runs = [policy(c, capacity, MIN_SCORE) for _ in range(repeats)]
        print(f"  {name}: {', '.join(f'{r.seconds:.3f}' for r in runs)} s")
        if any(r.mentor_of.tolist() != runs[0].mentor_of.tolist() for r in runs):
            raise RuntimeError(f"{name} gave different assignments for the same input")
        out[name] = {
            "figures": runs[0].figures(),
            "seconds": common.spread([r.seconds for r in runs]),
            "in_top5": in_top(c, runs[0], 5),
        }
    return out


def slot_cost_sweep(c, capacity, best_total: float) -> list[dict]:
    """What balanced gives up and gains at other slot costs (one run each)."""
    rows = []
    for cost in SWEEP:
        a = assignment.balanced(c, capacity, MIN_SCORE, slot_cost=cost)
        f = a.figures()
        rows.append(
            {
                "slot_cost": cost,
                "matched": f["matched"],
                "of_optimal_%": round(100 * f["total_score"] / best_total, 2),
                "top5_%": round(100 * in_top(c, a, 5), 1),
                "mentors_used": f["mentors_used"],
                "idle_with_room": int(
                    (
                        (capacity > 0)
                        & (np.bincount(a.mentor_of[a.mentor_of >= 0], minlength=len(capacity)) == 0)
                    ).sum()
                ),
            }
        )
    return rows


def dense_optimum(inst: dict, seed: int, jobs: int) -> dict:
    """The optimum over every allowed pair: linear_sum_assignment on mentees ×
    (one column per free place + one "unmatched" column per mentee), scores in
    hundredths of a point as the flow has them, one more match worth more than
    any score total."""
    n, m, capacity = inst["mentees"], inst["mentors"], inst["capacity"]
    cache = cache_path(n, m, seed, "-dense.json")
    if cache.exists():
        print(f"  dense optimum from {cache.relative_to(common.ROOT)}")
        return json.loads(cache.read_text())
    t0 = time.perf_counter()
    cols, scores = top_lists(sides(n, m, seed), m, jobs)
    ok = cols >= 0
    points = np.full((n, m), np.nan)
    points[np.nonzero(ok)[0], cols[ok]] = np.rint(scores[ok] * assignment.SCALE)
    allowed = int(ok.sum())
    del cols, scores, ok
    slots = np.repeat(np.arange(m), capacity)
    big = float(10_000 * (n + 1) + 1)
    cost = np.full((n, len(slots) + n), np.inf)
    by_slot = points[:, slots]
    del points
    cost[:, : len(slots)] = np.where(np.isnan(by_slot), np.inf, -(big + by_slot))
    del by_slot
    cost[np.arange(n), len(slots) + np.arange(n)] = 0.0
    t1 = time.perf_counter()
    rows, col = linear_sum_assignment(cost)
    solve_s = time.perf_counter() - t1
    paired = col < len(slots)
    result = {
        "allowed_pairs": allowed,
        "matched": int(paired.sum()),
        "total_score": round(float(-(cost[rows[paired], col[paired]] + big).sum()) / 100, 2),
        "cost_matrix": list(cost.shape),
        "build_s": t1 - t0,
        "lsa_s": solve_s,
    }
    cache.write_text(json.dumps(result))
    return result


def optimum_by_list(inst: dict, dense: dict | None) -> list[dict]:
    rows = []
    for k, c in inst["candidates"].items():
        f = assignment.optimal(c, inst["capacity"], MIN_SCORE).figures()
        rows.append({"candidates": f"top {k}", "pairs": len(c.cols), **_optimum(f)})
    if dense:
        rows.append(
            {"candidates": "every allowed pair", "pairs": dense["allowed_pairs"], **_optimum(dense)}
        )
    best = max(row["total_score"] for row in rows)
    for row in rows:
        row["short_of_best_%"] = round(100 * (1 - row["total_score"] / best), 3) + 0.0
    return rows


def _optimum(f: dict) -> dict:
    return {"matched": f["matched"], "total_score": f["total_score"]}


def table_rows(inst: dict, results: dict) -> list[dict]:
    best = results["optimal"]["figures"]["total_score"]
    rows = []
    for name, r in results.items():
        f = r["figures"]
        rows.append(
            {
                "mentees": inst["mentees"],
                "mentors": inst["mentors"],
                "policy": name,
                "matched": f["matched"],
                "total": f["total_score"],
                "of_optimal_%": round(100 * f["total_score"] / best, 2),
                "min": f["min_score"],
                "median": f["median_score"],
                "top5_%": round(100 * r["in_top5"], 1),
                "mentors_used": f["mentors_used"],
                "median_s": round(r["seconds"]["median"], 3),
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--roomy", type=int, nargs="*", default=[10_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--jobs", type=int, default=2, help="processes building candidate lists")
    parser.add_argument("--check-max", type=int, default=10_000)
    parser.add_argument("--no-dense", action="store_true", help="skip the dense optimum")
    args = parser.parse_args()

    programs = [(n, int(n * MENTORS_PER_MENTEE)) for n in sorted(args.sizes)]
    programs += [(n, n) for n in sorted(args.roomy)]
    dense_for = programs[0] if args.sizes and not args.no_dense else None
    results, table, checks, sweeps = [], [], [], []
    for n_mentees, n_mentors in programs:
        checked = n_mentees <= args.check_max
        ks = [K, CHECK_K] if checked else [K]
        inst = instance(n_mentees, n_mentors, ks, args.seed, args.jobs)
        c, capacity = inst["candidates"][K], inst["capacity"]
        measured = run_policies(c, capacity, args.repeats)
        about = {
            "mentees": n_mentees,
            "mentors": n_mentors,
            "mentors_with_room": int((capacity > 0).sum()),
            "free_places": int(capacity.sum()),
            "candidate_pairs": len(c.cols),
            "mentees_with_candidates": int((np.diff(c.indptr) > 0).sum()),
            "people_s": inst["people_s"],
            "scoring_s": inst["scoring_s"],
        }
        table += table_rows(inst, measured)
        result = {**about, "policies": measured}
        if checked:
            dense = None
            if dense_for == (n_mentees, n_mentors):
                dense = dense_optimum(inst, args.seed, args.jobs)
            rows = optimum_by_list(inst, dense)
            checks += [{"mentees": n_mentees, "mentors": n_mentors, **row} for row in rows]
            result["optimum_by_list"] = {"rows": rows, "dense": dense}
        if n_mentees == n_mentors:
            best = measured["optimal"]["figures"]["total_score"]
            sweep = slot_cost_sweep(c, capacity, best)
            sweeps += [{"mentees": n_mentees, "mentors": n_mentors, **row} for row in sweep]
            result["slot_cost_sweep"] = sweep
        results.append(result)

    print(f"\nmedian of {args.repeats} runs; minimum score {MIN_SCORE:g}; top-{K} candidates")
    common.print_table(table)
    print()
    for r in results:
        print(
            f"{r['mentees']:,} × {r['mentors']:,}: {r['mentors_with_room']:,} mentors with "
            f"{r['free_places']:,} free places; {r['candidate_pairs']:,} candidate pairs; "
            f"{r['mentees_with_candidates']:,} mentees with at least one candidate"
        )
    if checks:
        print("\noptimum by candidate list")
        common.print_table(checks)
    if sweeps:
        print("\nbalanced by slot cost (points per extra mentee of one mentor)")
        common.print_table(sweeps)
    common.save(
        "assignment",
        {
            "args": vars(args),
            "min_score": MIN_SCORE,
            "balance_slot_cost": assignment.BALANCE_SLOT_COST,
            "table": table,
            "optimum_by_list": checks,
            "slot_cost_sweep": sweeps,
            "programs": results,
        },
    )


if __name__ == "__main__":
    main()
