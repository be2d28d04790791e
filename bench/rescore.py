"""Benchmark 2: a full re-score of an N x N program by real Celery workers.

For each concurrency, starts ``celery worker --pool prefork --concurrency C``
on the benchmark broker and warms it with ``--warmup`` throwaway runs (each
abandoned once the pool processes have scored two chunks apiece, so each has
loaded the program's arrays), then times ``--repeats`` re-scores from
``rescoring.start_rescore`` to the run's status 'succeeded'. Reports wall
clock, the run's own started→finished time, the peak resident memory (VmHWM)
of every pool process and the CPU other processes used meanwhile.

    .venv/bin/python bench/rescore.py --size 10000 --concurrency 1 2 4 --repeats 3
    .venv/bin/python bench/rescore.py --size 100000 --concurrency 2 --repeats 1
"""

import argparse

import common

common.setup_django()


def measure(program, concurrency: int, warmup: int, repeats: int) -> dict:
    common.reset_broker()
    with common.Workers(concurrency) as workers:
        warm = [common.warm_up(program, workers) for _ in range(warmup)]
        runs = [common.rescore(program, workers) for _ in range(repeats)]
        peak = workers.peak_rss_mb()
    return {"concurrency": concurrency, "warmup": warm, "runs": runs, "peak_rss_mb": peak}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10_000, help="mentors = mentees = SIZE")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1)
    args = parser.parse_args()

    program = common.seeded_program(args.size)
    results, table = [], []
    for concurrency in args.concurrency:
        result = measure(program, concurrency, args.warmup, args.repeats)
        results.append(result)
        runs = result["runs"]
        wall = common.spread([r["wall_s"] for r in runs])

        def median(key: str, runs=runs) -> float:
            return common.spread([r[key] for r in runs])["median"]

        table.append(
            {
                "workers": concurrency,
                "runs": wall["n"],
                "median_s": wall["median"],
                "min_s": wall["min"],
                "max_s": wall["max"],
                "recorded_s": median("recorded_s"),
                "chunks": f"{runs[0]['chunks']} x {runs[0]['chunk_size']}",
                "chunk_s": median("chunk_median_s"),
                "worker_cpu_s": median("worker_cpu_s"),
                "db_cpu_s": median("database_cpu_s"),
                "peak_rss_mb": max(result["peak_rss_mb"].values()),
                "other_cores": max(r["other_cores"] for r in runs),
            }
        )
        print(f"concurrency {concurrency}: median {wall['median']:.2f} s", flush=True)
    print(f"\nFull re-score, {args.size:,} mentees x {args.size:,} mentors (wall clock, seconds)")
    common.print_table(table)
    common.save(
        f"rescore_{args.size // 1000}k", {"args": vars(args), "table": table, "raw": results}
    )


if __name__ == "__main__":
    main()
