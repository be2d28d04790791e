"""Benchmark: the outcome report and learned weights (issue 22) on programs of
N mentees.

    .venv/bin/python bench/outcomes_report.py                  # N = 1000 10000, 3 runs each
    .venv/bin/python bench/outcomes_report.py --sizes 1000 --cases learn preview
    .venv/bin/python bench/outcomes_report.py --sizes 10000 --profile learn   # cProfile, top 25

Each program (``bench-outcomes-1k``, ``bench-outcomes-10k``) is built once and
reused: N mentees and N/2 mentors from ``seed_demo --no-logins`` (``--seed 7`` for
N = 1,000, 70 for 10,000; their
background answers and consents as the demo gives them), then two closed cycles
that every mentee had one mentorship in, the newer 60 % of them, the older 40 %:
N closed mentorships in all. The pairs are drawn at random (any mentor, room
aside), each with ``match_components`` set directly (the five components in
0–1, background missing for a quarter) and the program's weights; everything
after the pairing is the demo's own generator (matching/demo.py): check-ins,
both sides' close-outs with goal ratings, sponsorship actions (fewer for the
mentees in ``demo.LESS_SPONSORED``) and the follow-ups that have come due, all
bulk-created.

Cases, each timed ``--repeats`` times (median reported):

- ``report_groups`` / ``report``: ``dashboard.outcomes.report(program, cycle,
  groups=True/False)`` on the newer cycle (the one the page opens on), in this
  process after one untimed call;
- ``page`` / ``csv``: ``/programs/<slug>/outcomes/`` and ``outcomes.csv`` through
  ``django.test.Client`` as a superuser (so with the figures per group), the
  whole request, with its query count, after one untimed request, the kept
  report emptied before each (a view just after an answer changed the figures);
- ``page_kept``: the page again with its report and rendering kept (any view
  until the next change of what the figures rest on);
- ``learn``: ``matching.learned.propose(program=…)`` over all N mentorships (the
  fit and its 1,000-resample bootstrap), each run in a fresh process;
- ``preview``: ``matching.learned_preview.work_out(proposal_id=…)`` for a fresh
  copy of the last proposal, each run in a fresh process (its feature cache cold,
  as in a worker that has not scored the program yet).

``learn`` and ``preview`` report the seconds and the process's peak resident
set, ``VmHWM`` of /proc/self/status (``peak_rss_mb``), beside its peak just
before the call (Django, numpy and the connection loaded), and
``resource.getrusage(RUSAGE_SELF).ru_maxrss`` (``maxrss_mb``), which on Linux
also counts the peak of the parent that forked the child, until exceeded. Every case records
``other_cores`` (common.OtherLoad): the CPU the rest of the machine used meanwhile.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import time

import common

CASES = ("report_groups", "report", "page", "page_kept", "csv", "learn", "preview")
IN_PROCESS = CASES[:5]
# Cases timed with the kept report emptied first: a view after the figures changed.
COLD = ("page", "csv")
NEWER_SHARE = 0.6  # of the mentees, with a mentorship in the newer closed cycle
SUPERUSER = f"bench-outcomes-admin@{common.NEW_PROFILE_DOMAIN}"


def seed(size: int) -> int:
    """seed_demo's seed: 7 for 1,000 mentees; another per size (users are shared
    by all programs, and a seed's people have the same emails in each)."""
    return 7 if size == 1000 else 7 * max(size // 1000, 1) + (size < 1000)


def slug(size: int) -> str:
    return f"bench-outcomes-{size // 1000}k" if size >= 1000 else f"bench-outcomes-{size}"


# --- the program ---------------------------------------------------------------------


def program(size: int):
    """The program of ``size`` mentees with its past, built once."""
    from django.core.management import call_command

    from profiles.models import Program

    call_command(
        "seed_demo",
        mentors=size // 2,
        mentees=size,
        seed=seed(size),
        program=slug(size),
        no_logins=True,
        stdout=sys.stderr,
    )
    prog = Program.objects.get(slug=slug(size))
    if not prog.mentorships.exists():
        t0 = time.perf_counter()
        made = make_past(prog, size)
        print(f"{prog.slug}: {made:,} closed mentorships in {time.perf_counter() - t0:.0f} s")
    common.vacuum()
    return prog


def make_past(prog, size: int) -> int:
    """Two closed cycles; every mentee had one mentorship in one of them."""
    from django.db import transaction
    from django.utils import timezone

    from matching import demo
    from profiles.management.commands.seed_demo import BETWEEN_ROUNDS, PAST_ENDED, closed_round
    from profiles.models import Profile
    from profiles.taxonomy import COMPONENTS, Role

    newer = closed_round(prog, ended=timezone.localdate() - PAST_ENDED)
    older = closed_round(prog, ended=newer.registration_opens - BETWEEN_ROUNDS)
    people = Profile.objects.filter(program=prog).select_related("user").prefetch_related("goals")
    mentees = list(people.filter(role=Role.MENTEE).order_by("pk"))
    mentors = list(people.filter(role=Role.MENTOR, is_paused=False).order_by("pk"))
    rng = random.Random(f"bench-outcomes-{size}")
    chosen = rng.sample(mentees, round(len(mentees) * NEWER_SHARE))
    taken = {m.pk for m in chosen}
    rest = [m for m in mentees if m.pk not in taken]
    weights = prog.weights()
    total = sum(weights[c] for c in COMPONENTS)
    made = 0
    for cycle, group in ((newer, chosen), (older, rest)):
        pairs = []
        for mentee in group:
            parts = components(rng)
            score = sum(weights[c] * (parts[c] or 0) for c in COMPONENTS) / total
            pairs.append(demo.Pair(mentee, rng.choice(mentors), parts, round(100 * score, 2)))
        with transaction.atomic():
            demo._enrol(cycle, [p.mentee for p in pairs], mentors)
            demo._make(rng, prog, cycle, pairs)
        made += len(pairs)
    return made


def components(rng: random.Random) -> dict:
    """A pair's five components in 0–1 as the matcher would have kept them."""
    return {
        "goals": round(rng.uniform(0.1, 1.0), 4),
        "background": None if rng.random() < 0.25 else round(rng.random(), 4),
        "values": round(rng.uniform(0.0, 0.6), 4),  # a Jaccard overlap: rarely high
        "experience": round(rng.random(), 4),
        "logistics": round(rng.uniform(0.3, 1.0), 4),
    }


def counts(prog) -> dict:
    from mentorships.models import CheckIn, Mentorship
    from mentorships.outcome_models import CloseOut, CloseOutGoal, FollowUp, SponsorshipAction

    mine = {"mentorship__program": prog}
    return {
        "mentees": prog.profiles.filter(role="mentee").count(),
        "mentors": prog.profiles.filter(role="mentor").count(),
        "mentorships": Mentorship.objects.filter(program=prog).count(),
        "check_ins": CheckIn.objects.filter(**mine).count(),
        "close_outs": CloseOut.objects.filter(**mine).count(),
        "close_out_goals": CloseOutGoal.objects.filter(close_out__mentorship__program=prog).count(),
        "sponsorship_actions": SponsorshipAction.objects.filter(**mine).count(),
        "follow_ups": FollowUp.objects.filter(**mine).count(),
    }


def newer_cycle(prog):
    return prog.cycles.filter(state="closed").order_by("-starts_on", "-pk").first()


# --- in-process cases ------------------------------------------------------------------


def superuser():
    from profiles.models import User

    user, _ = User.objects.get_or_create(
        email=SUPERUSER, defaults={"is_superuser": True, "is_staff": True}
    )
    return user


def measure(prog, case: str, repeats: int, wait: float) -> dict:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from dashboard import outcomes

    cycle = newer_cycle(prog)
    client = Client(HTTP_HOST="localhost")
    client.force_login(superuser())
    page = f"/programs/{prog.slug}/outcomes/"
    calls = {
        "report_groups": lambda: outcomes.report(prog, cycle, groups=True),
        "report": lambda: outcomes.report(prog, cycle, groups=False),
        "page": lambda: client.get(page),
        "page_kept": lambda: client.get(page),
        "csv": lambda: client.get(f"/programs/{prog.slug}/outcomes.csv"),
    }
    call = calls[case]
    first = call()  # templates compiled, the connection open
    if case in ("page", "page_kept", "csv"):
        assert first.status_code == 200, (case, first.status_code)
        size = len(first.content)
    else:
        assert first.groups == (case == "report_groups"), case
        size = None
    common.wait_for_quiet(timeout=wait)
    times, others, queries = [], [], 0
    for _ in range(repeats):
        if case in COLD:
            cache.clear()
        with common.OtherLoad() as other, CaptureQueriesContext(connection) as captured:
            seconds, _ = common.timed(call)
        times.append(seconds)
        others.append(other.cores)
        queries = len(captured)
    return {
        "case": case,
        "queries": queries,
        "bytes": size,
        "other_cores": statistics.median(others),
        **common.spread(times),
    }


# --- learn and preview, each in a fresh process -------------------------------------------


def child(size: int, case: str) -> dict:
    """One run of ``learn`` or ``preview``, in this (fresh) process."""
    from django.db import connection

    from matching import learned, learned_preview
    from matching.models import WeightProposal
    from profiles.models import Program

    prog = Program.objects.get(slug=slug(size))
    if case == "learn":
        call = lambda: learned.propose(program=prog)  # noqa: E731
    else:
        last = (
            WeightProposal.objects.filter(program=prog, status=WeightProposal.Status.PROPOSED)
            .order_by("-pk")
            .first()
        )
        if last is None:
            sys.exit(f"{prog.slug} has no proposal to preview: run the learn case first")
        # A fresh copy, not yet previewed (work_out keeps a first result).
        copy, copy.pk, copy.preview_run = last, None, None
        copy.fit = {k: v for k, v in last.fit.items() if k != "preview"}
        copy.save()
        call = lambda: learned_preview.work_out(proposal_id=copy.pk)  # noqa: E731
    connection.ensure_connection()
    before, hwm_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, vm_hwm()
    with common.OtherLoad() as other:
        seconds, out = common.timed(call)
    peak, hwm = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, vm_hwm()
    result = {
        "seconds": seconds,
        "maxrss_before_mb": before / 1024,
        "maxrss_mb": peak / 1024,
        "peak_rss_mb": hwm,
        "rss_before_mb": hwm_before,
        "other_cores": other.cores,
    }
    if case == "learn":
        result |= {
            "status": out.status,
            "mentorships": out.sample["mentorships"],
            "observations": out.sample["observations"],
        }
    else:
        assert out is not None, "the preview was not worked out"
        result["preview_run"] = out.pk
    return result


def vm_hwm() -> float:
    """This process's own peak resident set, MB (``VmHWM``). On Linux ``ru_maxrss``
    keeps the peak of the process that forked this one across exec, so a child
    of a large parent reports the parent's peak until it exceeds it."""
    with open("/proc/self/status") as status:
        line = next(x for x in status if x.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def measure_child(size: int, case: str, repeats: int, wait: float) -> dict:
    runs = []
    for _ in range(repeats):
        common.wait_for_quiet(timeout=wait)
        out = subprocess.run(
            [sys.executable, __file__, "--child", case, "--sizes", str(size)],
            cwd=common.ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    times = [r["seconds"] for r in runs]
    return {
        "case": case,
        "peak_rss_mb": statistics.median(r["peak_rss_mb"] for r in runs),
        "rss_before_mb": statistics.median(r["rss_before_mb"] for r in runs),
        "maxrss_mb": statistics.median(r["maxrss_mb"] for r in runs),
        "other_cores": statistics.median(r["other_cores"] for r in runs),
        **{k: runs[-1][k] for k in ("mentorships", "observations", "status") if k in runs[-1]},
        **common.spread(times),
        "runs": runs,
    }


def profiled(prog, size: int, case: str, top: int = 15) -> None:
    """``case`` once under cProfile (in-process cases warmed up first): the
    project's functions by cumulative time, then every function by its own time."""
    import cProfile
    import pstats

    profile = cProfile.Profile()
    if case in IN_PROCESS:
        measure(prog, case, 1, 0)  # imports, templates and caches warm
        profile.enable()
        measure(prog, case, 1, 0)  # one untimed and one timed call
        profile.disable()
    else:
        profile.enable()
        child(size, case)
        profile.disable()
    stats = pstats.Stats(profile)
    stats.sort_stats("cumulative").print_stats(rf"{common.ROOT}/(?!\.venv|bench)", top)
    stats.sort_stats("tottime").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument("--cases", nargs="+", choices=CASES, default=list(CASES))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--wait", type=float, default=60, help="seconds to wait at most for a quiet machine"
    )
    parser.add_argument("--profile", choices=CASES, help="run one case under cProfile instead")
    parser.add_argument("--child", choices=("learn", "preview"), help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        common.setup_django(database=False)
        print(json.dumps(child(args.sizes[0], args.child)))
        return
    common.setup_django()
    results, table = [], []
    for size in args.sizes:
        prog = program(size)
        if args.profile:
            profiled(prog, size, args.profile)
            continue
        about = counts(prog)
        print(json.dumps({"program": prog.slug, **about}))
        rows = []
        for case in args.cases:
            if case in IN_PROCESS:
                row = measure(prog, case, args.repeats, args.wait)
            else:
                row = measure_child(size, case, args.repeats, args.wait)
            rows.append(row)
            line = {"N": size, **{k: v for k, v in row.items() if k not in ("values", "runs")}}
            table.append(line)
            common.print_table([line])
        results.append({"size": size, "program": about, "cases": rows})
    if args.profile:
        return
    print()
    common.print_table(table)
    common.save("outcomes_report", results)


if __name__ == "__main__":
    main()
