"""Benchmark: the admin dashboard and fairness pages on a large program.

    .venv/bin/python bench/dashboard.py [--repeats 15]

A program of 100,000 profiles (30,000 mentors, 70,000 mentees, seeded once
with seed_demo) and 50,000 mentorships in every state, plus five listed
suggestions per waiting mentee. Each page is requested in-process through
Django's test client as a program admin, after a warm-up; the time is the whole
request (queries and template), median and p95 of the repetitions.

Each page is served from figures kept as a JSON row (dashboard/snapshots.py):
measured as served while they are under a minute old, and while they are out
of date and the request asks the worker for new ones. The worker's job,
working a page's figures out, is timed on its own. These are measured for an
admin allowed to read background answers (exact figures); the fairness page as
any other admin sees it (the latest release) and the worker's job of making a
release are measured apart.
"""

import argparse
import random
import statistics
from datetime import timedelta

import common

common.setup_django()

from django.core.cache import cache  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from config.celery import app  # noqa: E402
from dashboard import disclosure, figures, releases, snapshots  # noqa: E402
from matching.models import Suggestion  # noqa: E402
from mentorships.models import Mentorship  # noqa: E402
from profiles.models import Profile, Program, ProgramRole, User  # noqa: E402

SLUG = "bench-dash"
MENTORS, MENTEES, MENTORSHIPS = 30_000, 70_000, 50_000
# (status, share of the mentorships)
STATES = [
    ("active", 0.50),
    ("accepted", 0.10),
    ("declined", 0.20),
    ("completed", 0.06),
    ("ended", 0.04),
    ("requested", 0.06),
    ("withdrawn", 0.02),
    ("expired", 0.02),
]


def program() -> Program:
    from django.core.management import call_command

    call_command(
        "seed_demo", mentors=MENTORS, mentees=MENTEES, seed=42, program=SLUG, no_logins=True
    )
    prog = Program.objects.get(slug=SLUG)
    if not Mentorship.objects.filter(program=prog).exists():
        fill(prog)
    common.vacuum()
    return prog


def fill(prog: Program) -> None:
    """50,000 mentorships within capacity, and suggestions for the waiting."""
    rng = random.Random(42)
    now = timezone.now()
    mentors = list(
        Profile.objects.filter(program=prog, role="mentor").values_list("pk", "capacity")
    )
    mentees = list(
        Profile.objects.filter(program=prog, role="mentee").values_list("pk", "created_at")
    )
    rng.shuffle(mentees)
    places = [pk for pk, capacity in mentors for _ in range(capacity)]
    rng.shuffle(places)
    rows, used = [], set()
    states = [s for s, share in STATES for _ in range(round(share * MENTORSHIPS))]
    for (mentee, created), status in zip(mentees, states, strict=False):
        taking_room = status in ("active", "accepted")
        mentor = places.pop() if taking_room else rng.choice(mentors)[0]
        if (mentee, mentor) in used:
            continue
        used.add((mentee, mentor))
        requested = created + timedelta(days=rng.uniform(0, 20))
        started = requested + timedelta(days=rng.uniform(0, 10))
        rows.append(
            Mentorship(
                program=prog,
                mentee_id=mentee,
                mentor_id=mentor,
                status=status,
                score=rng.uniform(30, 95),
                requested_at=min(requested, now - timedelta(days=rng.uniform(0, 12))),
                decided_at=None if status == "requested" else started,
                started_at=started
                if status in ("active", "accepted", "completed", "ended")
                else None,
                ended_at=now if status in ("completed", "ended") else None,
                decline_reason="no_room" if status == "declined" else "",
                end_reason="goals_met" if status in ("completed", "ended") else "",
                health="no_check_in" if status == "active" and rng.random() < 0.05 else "",
                health_flagged_at=now if status == "active" else None,
            )
        )
    Mentorship.objects.bulk_create(rows, batch_size=5000)
    paired = set(
        Mentorship.objects.filter(program=prog, status__in=Mentorship.PAIRED).values_list(
            "mentee_id", flat=True
        )
    )
    mentor_ids = [pk for pk, _ in mentors]
    suggestions = []
    for mentee, _ in mentees:
        if mentee in paired:
            continue
        for rank, mentor in enumerate(rng.sample(mentor_ids, 5), start=1):
            suggestions.append(
                Suggestion(
                    program=prog,
                    mentee_id=mentee,
                    mentor_id=mentor,
                    score=rng.uniform(30, 95),
                    rank=rank,
                )
            )
    Suggestion.objects.bulk_create(suggestions, batch_size=5000)
    print(f"{len(rows):,} mentorships and {len(suggestions):,} suggestions written")


# How each page is served: from kept figures under a minute old; from kept
# figures that are out of date, with new ones asked of the worker (a task is
# queued on every request here: the "asked" mark is cleared before each); and
# the worker's own job of working the figures out (no request).
MODES = ("kept", "out of date", "worked out")
# The fairness page as an admin without the sensitive-answers permission sees
# it (the latest release), and the worker's job of making a release.
RELEASE_MODES = ("release", "release made")


def measure_release(client: Client, prog: Program, repeats: int, *, mode: str) -> dict:
    url = f"/programs/{SLUG}/fairness/"
    snapshots.refresh(prog, "fairness")  # makes the first release if there is none
    times, queries = [], 0
    for _ in range(repeats):
        common.wait_for_quiet()
        with CaptureQueriesContext(connection) as captured:
            if mode == "release made":
                seconds, _ = common.timed(_make_release, prog)
            else:
                seconds, response = common.timed(client.get, url)
                assert b"Why these figures are approximate" in response.content, url
        queries = len(captured)
        times.append(seconds)
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
    return {"page": "fairness", "how": mode, "queries": queries, "p95": p95, **common.spread(times)}


def _make_release(prog: Program) -> None:
    """What the worker does when a release is due (without keeping it)."""
    cells, relations = figures.fairness_counts(prog)
    disclosure.release(cells, relations, threshold=figures.MIN_GROUP, seed=1, noise=releases.NOISE)


def measure(client: Client, prog: Program, page: str, repeats: int, *, mode: str) -> dict:
    url = f"/programs/{SLUG}/" if page == "health" else f"/programs/{SLUG}/fairness/"
    snapshots.refresh(prog, page)  # warm: templates compiled, connection open
    client.get(url)
    times, queries = [], 0
    for _ in range(repeats):
        common.wait_for_quiet()
        if mode == "kept":
            kept = snapshots.kept(prog, page)
            if kept is None or timezone.now() - kept.computed_at > snapshots.FRESH_FOR / 2:
                snapshots.refresh(prog, page)  # waiting for a quiet machine aged them
        if mode == "worked out":
            with CaptureQueriesContext(connection) as captured:
                seconds, _ = common.timed(snapshots.refresh, prog, page)
        else:
            if mode == "out of date":
                snapshots.changed(prog)
                cache.delete(snapshots._asked_key(page, prog.pk))
            reset_queries()
            with CaptureQueriesContext(connection) as captured:
                seconds, response = common.timed(client.get, url)
            assert response.status_code == 200, (url, response.status_code)
            updating = b"newer figures are being worked out" in response.content
            assert updating == (mode == "out of date"), (url, mode)
        queries = len(captured)
        times.append(seconds)
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
    return {"page": page, "how": mode, "queries": queries, "p95": p95, **common.spread(times)}


def admin_of(prog: Program, email: str, *, background: bool) -> User:
    """A program admin (being staff opens nothing: profiles/access.py)."""
    user, _ = User.objects.get_or_create(email=email)
    ProgramRole.objects.update_or_create(
        user=user,
        program=prog,
        defaults={"role": ProgramRole.Kind.ADMIN, "may_read_background": background},
    )
    return user


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    prog = program()
    counts = {
        "profiles": Profile.objects.filter(program=prog).count(),
        "mentorships": Mentorship.objects.filter(program=prog).count(),
        "suggestions": Suggestion.objects.filter(program=prog).count(),
    }
    # Admins of the program; the first allowed to read background answers: the
    # exact, live figures. The second sees the released ones.
    staff = admin_of(prog, "bench-staff@bench.kindred.test", background=True)
    insider = admin_of(prog, "bench-insider@bench.kindred.test", background=False)
    client = Client(HTTP_HOST="localhost")  # in ALLOWED_HOSTS, as a browser would send
    client.force_login(staff)
    released = Client(HTTP_HOST="localhost")
    released.force_login(insider)
    try:
        results = [
            measure(client, prog, page, args.repeats, mode=mode)
            for page in snapshots.PAGES
            for mode in MODES
        ] + [measure_release(released, prog, args.repeats, mode=mode) for mode in RELEASE_MODES]
    finally:
        app.control.purge()  # the refreshes asked for: no worker runs here
    common.print_table(results)
    common.save("dashboard", {"program": counts, "repeats": args.repeats, "pages": results})


if __name__ == "__main__":
    main()
