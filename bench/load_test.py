"""Load: 50 concurrent signed-in people on a 10,000-profile program, served by
gunicorn on PostgreSQL (DEBUG off), for 60 seconds.

    .venv/bin/python bench/load_test.py [--users 50] [--seconds 60] [--workers 2]

Prepares the program once (seed_demo: 5,000 mentors and 5,000 mentees, a full
re-score, 25 mentees and 25 mentors given passwords, some requests and
mentorships between them), starts gunicorn on 127.0.0.1:8100 and runs the
locust scenario in bench/load/locustfile.py headless. Prints and saves p50,
p95 and p99 per page and the error count.
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta

import common

common.setup_django()

from allauth.account.models import EmailAddress  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from matching import suggestions  # noqa: E402
from matching.models import MatchingRun, Suggestion  # noqa: E402
from mentorships import lifecycle, meetings, threads  # noqa: E402
from mentorships.exceptions import Refused  # noqa: E402
from mentorships.models import Meeting, Mentorship  # noqa: E402
from profiles.models import Profile, Program  # noqa: E402

SLUG, SIZE = "bench-load", 5000
PORT = 8100
VIDEO = "https://meet.example.org/kindred-load"
PASSWORD = "load-test-passphrase-2026"  # noqa: S105 - benchmark logins on a benchmark database


def program() -> Program:
    from django.core.management import call_command

    call_command("seed_demo", mentors=SIZE, mentees=SIZE, seed=77, program=SLUG, no_logins=True)
    prog = Program.objects.get(slug=SLUG)
    if not MatchingRun.objects.filter(program=prog, status="succeeded").exists():
        common.reset_broker()
        with common.Workers(2) as workers:
            common.rescore(prog, workers)
    return prog


def people(prog: Program) -> list[dict]:
    """25 mentees with suggestions, some with a request or a mentor, and the mentors they asked."""
    hashed = make_password(PASSWORD)
    out = []
    mentees = list(Profile.objects.filter(program=prog, role="mentee").order_by("pk")[:25])
    mentors = []
    for i, mentee in enumerate(mentees):
        # The same people in the same states on every run: reuse what an
        # earlier run set up, request and accept only the first time.
        m = Mentorship.objects.filter(mentee=mentee).order_by("pk").first()
        suggestion = Suggestion.objects.for_mentee(mentee).listed().first()
        if m is None and suggestion is not None and not suggestion.mentor.is_paused:
            try:
                m = suggestions.request_mentor(
                    suggestion=suggestion, message="Hello from the load test"
                )
                if i % 2:
                    lifecycle.accept(mentorship=m)
            except Refused:
                m = None
        if m is not None and m.mentor not in mentors:
            mentors.append(m.mentor)
        out.append((mentee, m))
    out += [
        (mentor, Mentorship.objects.filter(mentor=mentor).order_by("pk").first())
        for mentor in mentors
    ]
    logins = []
    for profile, m in out:
        user = profile.user
        user.password = hashed
        user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        if m is not None:
            m.refresh_from_db()  # accepted above, perhaps
        paired = m is not None and m.is_paired
        meeting = workspace(m) if paired else None
        logins.append(
            {
                "email": user.email,
                "password": PASSWORD,
                "session": signed_in(user),
                "role": profile.role,
                "home": f"/p/{profile.pk}/",
                "mentorship": f"/m/{m.pk}/" if m else "",
                "thread": f"/m/{m.pk}/messages/" if paired else "",
                "latest_message": m.messages.order_by("-pk").values_list("pk", flat=True).first()
                if paired
                else 0,
                "invite": f"/m/{m.pk}/meetings/{meeting.pk}/invite.ics" if meeting else "",
                "new_meeting": f"/m/{m.pk}/meetings/new/" if paired else "",
            }
        )
    return logins


def workspace(m: Mentorship) -> Meeting | None:
    """A pair's workspace as one in use: a dozen messages and a confirmed meeting
    (made on the first run, reused after). Returns the meeting."""
    for i in range(12 - m.messages.count()):
        author = m.mentee if i % 2 else m.mentor
        threads.send(mentorship=m, author=author, body=f"Load-test message {i}: how did it go?")
    meeting = m.meetings.filter(status="confirmed").first()
    if meeting is None:
        soon = timezone.now().replace(minute=0, second=0, microsecond=0)
        times = [soon + timedelta(days=days) for days in (20, 21)]
        try:
            meeting = meetings.propose(
                mentorship=m, by=m.mentee, times=times, plan=meetings.Plan(video_url=VIDEO)
            )
            meetings.pick(meeting=meeting, by=m.mentor, option_id=meeting.options.first().pk)
        except Refused:
            return None
    return meeting


def signed_in(user) -> dict:
    """A session cookie for ``user``: the scenario measures people already signed
    in. (Fifty sign-ins from one address within a second are refused by the
    login rate limit, as they should be, and Argon2 makes each one cost ~0.1 s.)"""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    return {"name": cookie.key, "value": cookie.value}


def serve(workers: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "KINDRED_PRODUCTION": "0",
        "DATABASE_URL": common.DATABASE_URL,
        "REDIS_URL": common.REDIS_URL,
    }
    server = subprocess.Popen(
        [
            str(common.ROOT / ".venv/bin/gunicorn"),
            "config.wsgi",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=common.ROOT,
        env=env,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    # One gunicorn worker per core: locust shares the two cores (docs/performance.md).
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    prog = program()
    with common.Workers(1):  # the requests' refreshes and emails, so the lists are current
        logins = people(prog)
        time.sleep(5)
    common.reset_broker()
    common.vacuum()
    server = serve(args.workers)
    prefix = common.RESULTS / "load"
    common.RESULTS.mkdir(parents=True, exist_ok=True)
    try:
        common.wait_for_quiet()
        subprocess.run(
            [
                str(common.ROOT / ".venv/bin/locust"),
                "-f",
                str(common.ROOT / "bench/load/locustfile.py"),
                "--headless",
                "-u",
                str(args.users),
                "-r",
                str(args.users),
                "-t",
                f"{args.seconds}s",
                "--host",
                f"http://127.0.0.1:{PORT}",
                "--csv",
                str(prefix),
                "--only-summary",
            ],
            env={**os.environ, "LOAD_USERS": json.dumps(logins)},
            check=False,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    with open(f"{prefix}_stats.csv") as f:
        rows = [
            {
                "page": r["Name"],
                "requests": int(r["Request Count"]),
                "failures": int(r["Failure Count"]),
                "p50_ms": float(r["50%"]),
                "p95_ms": float(r["95%"]),
                "p99_ms": float(r["99%"]),
            }
            for r in csv.DictReader(f)
        ]
    common.print_table(rows)
    common.save(
        "load",
        {
            "users": args.users,
            "seconds": args.seconds,
            "gunicorn_workers": args.workers,
            "people": {
                "mentees": sum(1 for p in logins if p["role"] == "mentee"),
                "mentors": sum(1 for p in logins if p["role"] == "mentor"),
                "with_a_mentorship_page": sum(1 for p in logins if p["mentorship"]),
            },
            "pages": rows,
        },
    )
    sys.exit(0)


if __name__ == "__main__":
    main()
