"""Where the time goes, under cProfile, in the calling process:

- ``load``: the cold first load of a program's feature cache;
- ``chunk``: ``rescoring.score_chunk`` on one chunk of a real run (called here,
  not by a worker), with a warm cache;
- ``mentee`` / ``mentor``: one new profile written and refreshed, warm cache.

Prints each case's wall time without the profiler (median of ``--repeats``),
then the product functions (and the database calls) by cumulative time.

    .venv/bin/python bench/hotspots.py --size 10000
    .venv/bin/python bench/hotspots.py --size 100000 --cases chunk mentee

The chunk case queues real runs (no worker should be listening on the
benchmark broker meanwhile); they are failed and purged at the end.
"""

import argparse
import cProfile
import pstats
import statistics

import common

common.setup_django()

from matching import features, rescoring, suggestions  # noqa: E402
from profiles.taxonomy import Role  # noqa: E402

# Library calls worth a line of their own: where the database time goes.
LIBRARY = {"execute", "executemany", "bulk_create", "delete", "fetchall", "fetchmany"}
PRODUCT = (str(common.ROOT / "matching"), str(common.ROOT / "profiles"))


def cases(program) -> dict:
    """Each case is a callable doing one unit of work with a warm cache."""
    writer = common.ProfileWriter(program)

    def load():
        features.forget()
        features.current(program.pk)

    def chunks():
        # Real runs, scored here chunk by chunk; the last chunk of each is left
        # out so that no run finishes (finishing adds the run summary).
        while True:
            run = rescoring.start_rescore(program=program)
            yield from ((run.pk, index) for index in range(run.chunks_total - 1))

    queue = chunks()

    def chunk():
        run_id, index = next(queue)
        rescoring.score_chunk(run_id=run_id, index=index)

    def new(role):
        return lambda: suggestions.refresh_profile(profile_id=writer.write(role))

    return {"load": load, "chunk": chunk, "mentee": new(Role.MENTEE), "mentor": new(Role.MENTOR)}


def hot_functions(profile: cProfile.Profile, top: int) -> list[dict]:
    rows = []
    for (path, line, name), (_, calls, tottime, cumtime, _) in pstats.Stats(profile).stats.items():
        if path.startswith(PRODUCT) or name in LIBRARY:
            where = path.split("/work/main/")[-1].split("site-packages/")[-1]
            rows.append(
                {
                    "function": f"{where}:{line}({name})",
                    "calls": calls,
                    "self_s": tottime,
                    "cumulative_s": cumtime,
                }
            )
    return sorted(rows, key=lambda r: -r["cumulative_s"])[:top]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument(
        "--cases", nargs="+", default=["load", "chunk", "mentee", "mentor"], help="which cases"
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--top", type=int, default=18)
    args = parser.parse_args()

    program = common.seeded_program(args.size)
    common.delete_new_profiles()
    results = {}
    try:
        work = cases(program)
        suggestions.prepared(program.pk)
        for name in args.cases:
            fn = work[name]
            fn()  # warm-up, as a worker after its first task
            common.wait_for_quiet()
            wall = statistics.median(common.timed(fn)[0] for _ in range(args.repeats))
            profile = cProfile.Profile()
            profile.runcall(fn)
            hot = hot_functions(profile, args.top)
            results[name] = {"wall_s": wall, "functions": hot}
            print(f"\n== {name}, {args.size:,} x {args.size:,}: {wall:.3f} s without the profiler")
            common.print_table(hot)
            if name == "load":
                suggestions.prepared(program.pk)
    finally:
        common.delete_new_profiles()
        common.reset_broker()  # the runs the chunk case left unfinished
    common.save(f"hotspots_{args.size // 1000}k", {"args": vars(args), "cases": results})


if __name__ == "__main__":
    main()
