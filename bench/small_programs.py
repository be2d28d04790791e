"""Benchmark: programs of the sizes most have, end to end, beside the open-source peer.

For each N (mentors = mentees = N), in one run on one machine:

- **Kindred, as a user runs it**: ``manage.py score_program <slug> --wait`` (a real Celery worker
  at its default concurrency scores the program and stores every list), then
  ``manage.py assign <slug> --dry-run --json`` (every policy's optimal assignment), each its
  own process. Reported net of process start-up: each command's wall clock minus the median
  wall clock of ``manage.py`` with nothing to do (start-up is reported on its own).
- **The peer**, ``mentor-match`` 7.0.1 from PyPI in its own virtualenv
  (``~/.cache/kindred-bench/peer-venv``, made on first use with ``pip install
  mentor-match==7.0.1`` as a user would): the complete
  default matching, read, scored and assigned, by ``bench/peer_mentor_match.py``, net of its
  start-up and imports too. Each side runs on data of its own kind (Kindred's demo generator;
  the peer's grades, professions and organisations), the same N.

Prints a table with the ratio peer / Kindred per N, and writes
``bench/results/small_programs.json``.

    .venv/bin/python bench/small_programs.py                         # N = 250 500 1000 2000
    .venv/bin/python bench/small_programs.py --sizes 5000 --no-peer  # Kindred alone
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import common

common.setup_django()

# Outside the project, so that no tool of the project (ruff, duplicates) reads it.
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
PEER_VENV = CACHE / "kindred-bench" / "peer-venv"
PEER = "mentor-match==7.0.1"
MANAGE = [str(common.ROOT / ".venv" / "bin" / "python"), str(common.ROOT / "manage.py")]


def peer_python() -> str:
    python = PEER_VENV / "bin" / "python"
    if not python.exists():
        print(f"making the peer's own virtualenv in {PEER_VENV}")
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", PEER], check=True)
    return str(python)


def peer(size: int, seed: int) -> dict:
    """The peer's complete matching of N × N, in its own process and virtualenv."""
    script = common.ROOT / "bench" / "peer_mentor_match.py"
    # Run from bench/, so that Kindred's ``matching`` package cannot shadow the peer's.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run(
        [peer_python(), str(script), "--size", str(size), "--seed", str(seed)],
        cwd=script.parent,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def wall(args: list[str]) -> tuple[float, str]:
    """Seconds from a command's start to its exit, and what it printed."""
    t0 = time.perf_counter()
    out = subprocess.run(
        [*MANAGE, *args], cwd=common.ROOT, capture_output=True, text=True, check=True
    )
    return time.perf_counter() - t0, out.stdout


def start_up(repeats: int = 5) -> float:
    """``manage.py`` with nothing to do: Django set up, the help printed."""
    wall([])  # the files in the page cache
    return statistics.median(wall([])[0] for _ in range(repeats))


def kindred(program) -> dict:
    """score_program --wait, then assign --dry-run --json, each as its own command."""
    common.vacuum()
    common.wait_for_quiet()
    scored, _ = wall(["score_program", program.slug, "--wait"])
    assigned, printed = wall(["assign", program.slug, "--dry-run", "--json"])
    report = json.loads(printed)
    return {"score_s": scored, "assign_s": assigned, "matched": report["matched"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[250, 500, 1000, 2000])
    parser.add_argument("--repeats", type=int, default=3, help="Kindred runs per size")
    parser.add_argument("--no-peer", action="store_true", help="measure Kindred alone")
    parser.add_argument("--seed", type=int, default=1, help="the peer's data")
    args = parser.parse_args()

    programs = {size: common.seeded_program(size) for size in args.sizes}
    common.reset_broker()
    results, table = [], []
    with common.Workers(os.cpu_count() or 1):
        for size, program in programs.items():
            kindred(program)  # a first run: every process has loaded the program
            overhead = start_up()
            runs = [kindred(program) for _ in range(args.repeats)]
            net = [r["score_s"] + r["assign_s"] - 2 * overhead for r in runs]
            other = None if args.no_peer else peer(size, args.seed)
            result = {"size": size, "start_up_s": overhead, "kindred": runs, "peer": other}
            results.append(result)
            median = statistics.median(net)
            table.append(
                {
                    "N": size,
                    "start_up_s": overhead,
                    "score_s": statistics.median(r["score_s"] for r in runs) - overhead,
                    "assign_s": statistics.median(r["assign_s"] for r in runs) - overhead,
                    "kindred_net_s": median,
                    "matched": runs[0]["matched"],
                    "peer_s": other["seconds"] if other else "-",
                    "peer_pairs": other["pairs"] if other else "-",
                    "ratio": round(other["seconds"] / median, 1) if other else "-",
                }
            )
            common.print_table(table[-1:])
    print()
    common.print_table(table)
    common.save("small_programs", results)


if __name__ == "__main__":
    main()
