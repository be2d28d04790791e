"""Benchmark 1: one new profile scored against N of the other side, end to end.

Each repetition writes a fresh ready profile with its tags through the ORM
(one transaction, as the questionnaire does), then calls
``suggestions.refresh_profile`` as the worker task would, until its suggestions
are stored. The process's feature cache is warm first, as a worker's is after
its first task; the cold first load is timed separately. A new mentee gets
its own list; a new mentor goes through ``refresh_for_mentor``, which rewrites
the lists of the mentees it now belongs in.

Run ``bench/rescore.py`` for the same size first, so lists exist to compete with.

    .venv/bin/python bench/new_profile.py --sizes 10000 100000 --repeats 20
"""

import argparse
import datetime
import time

import common

common.setup_django()

from django.utils import timezone  # noqa: E402

from matching import features, suggestions  # noqa: E402
from matching.models import Suggestion  # noqa: E402
from profiles.taxonomy import Role  # noqa: E402

TARGETS = {10_000: 0.3, 100_000: 2.0}
# A new mentee in a program of 1,000 people: their suggestions stored in this
# much of the worker's time (the refresh, not the questionnaire's own write).
WORKER_TARGETS = {(1_000, "mentee"): 0.03}


def cold_load(program, repeats: int) -> dict:
    common.wait_for_quiet()
    seconds = []
    for _ in range(repeats):
        features.forget()
        seconds.append(common.timed(features.current, program.pk)[0])
    return common.spread(seconds)


def one(writer, program, role: str) -> dict:
    since = timezone.now() - datetime.timedelta(milliseconds=1)
    t0 = time.perf_counter()
    profile_id = writer.write(role)
    t1 = time.perf_counter()
    suggestions.refresh_profile(profile_id=profile_id)
    t2 = time.perf_counter()
    rewritten = Suggestion.objects.filter(program=program, updated_at__gte=since)
    return {
        "write_s": t1 - t0,
        "refresh_s": t2 - t1,
        "total_s": t2 - t0,
        "lists_rewritten": rewritten.values("mentee_id").distinct().count(),
        "suggestions_written": rewritten.count(),
    }


def measure(writer, program, role: str, repeats: int) -> tuple[list[dict], float]:
    """The repetitions, and the CPU cores the rest of the machine used meanwhile."""
    common.vacuum()
    suggestions.prepared(program.pk)
    one(writer, program, role)  # untimed: the first refresh after a load builds more
    common.wait_for_quiet()
    with common.OtherLoad() as other:
        reps = [one(writer, program, role) for _ in range(repeats)]
    return reps, other.cores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--cold-repeats", type=int, default=3)
    args = parser.parse_args()

    common.delete_new_profiles()
    results, table = [], []
    try:
        for size in args.sizes:
            program = common.seeded_program(size)
            if not Suggestion.objects.filter(program=program).exists():
                print(f"note: {program.slug} has no suggestions yet; run bench/rescore.py first")
            cold = cold_load(program, args.cold_repeats)
            table.append({"size": size, "case": "cold feature load", **summary(cold, None)})
            writer = common.ProfileWriter(program)
            for role in (Role.MENTEE, Role.MENTOR):
                reps, other_cores = measure(writer, program, role, args.repeats)
                total = common.spread([r["total_s"] for r in reps])
                table.append(
                    {"size": size, "case": f"new {role}", **summary(total, TARGETS.get(size))}
                    | {
                        "write_s": common.spread([r["write_s"] for r in reps])["median"],
                        "refresh_s": common.spread([r["refresh_s"] for r in reps])["median"],
                        "lists": common.spread([r["lists_rewritten"] for r in reps])["median"],
                        "worker_target_s": WORKER_TARGETS.get((size, role), "-"),
                        "other_cores": other_cores,
                    }
                )
                results.append({"size": size, "role": role, "repetitions": reps})
                print(f"{size:,} {role}: median {total['median']:.3f} s", flush=True)
            results.append({"size": size, "cold_load_s": cold})
    finally:
        common.delete_new_profiles()
    print("\nOne new profile against SIZE of the other side (seconds)")
    common.print_table(table)
    common.save("new_profile", {"args": vars(args), "table": table, "raw": results})


def summary(stats: dict, target: float | None) -> dict:
    return {
        "n": stats["n"],
        "median_s": stats["median"],
        "min_s": stats["min"],
        "max_s": stats["max"],
        "target_s": target or "-",
        "met": "-" if target is None else ("yes" if stats["median"] < target else "NO"),
    }


if __name__ == "__main__":
    main()
