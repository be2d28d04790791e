"""Sixty days of a mentoring program on a moving clock: how many emails each
person gets, and how many arrive together.

    .venv/bin/python bench/clock_simulation.py [--days 60] [--seed 7]

A program of 24 mentors (capacity 2: 14 answer a request within about two
days, 7 take a couple of weeks, 3 never answer) and 60 mentees (40 at the
start, 20 more over the first month), one admin. The clock moves an hour at
a time (time-machine), and each hour runs what production's beat runs: the
mentorship clock and the admins' digest. In each daytime hour (08:00-20:00
UTC) people act at random, with the seed's dice, each daily chance spread
over the twelve hours: mentees with fewer than two requests
open ask their top suggestion, mentors answer (or not) by their habit, some
mentees withdraw, mentors pause and come back, both sides check in after a
prompt, a few mentorships end and a few people delete their accounts. Tasks
run in-process once their transaction commits, as with no worker; emails are
kept in memory, each stamped with the simulated hour it went out.

It prints and keeps (bench/results/clock_simulation.json) the emails per
person per week, by role; the person-hours with more than one email; and the
count of each kind of email. Run on an older checkout (copy this file and
common.py into its bench/, with another BENCH_DATABASE_URL) for a "before".
"""

import argparse
import collections
import contextlib
import logging
import os
import random
import statistics
from datetime import UTC, datetime, timedelta

os.environ.setdefault(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kindred_bench_clock"
)

import common

common.setup_django()

import time_machine  # noqa: E402
from django.core import mail  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from config.celery import app  # noqa: E402
from matching import suggestions  # noqa: E402
from matching.models import Suggestion  # noqa: E402
from mentorships import clock, lifecycle  # noqa: E402
from mentorships.exceptions import Refused  # noqa: E402
from mentorships.models import CheckIn, Mentorship  # noqa: E402
from privacy import services as privacy  # noqa: E402
from profiles.models import Profile, Program, User  # noqa: E402
from tests.factories import (  # noqa: E402
    MentorFactory,
    ProfileFactory,
    UserFactory,
    program_admin,
)

try:  # the admins' digest (issue 16); older checkouts have none
    from dashboard.tasks import queue_weekly_digests
except ImportError:
    queue_weekly_digests = None
try:  # the cooling-off sweep (issue 16); older checkouts have none
    from matching.suggestions import refresh_rested_pairs
except ImportError:
    refresh_rested_pairs = None

SLUG = "bench-clock"
START = datetime(2027, 1, 4, 0, 0, tzinfo=UTC)  # a Monday
DAYTIME = range(8, 20)  # people act between 08:00 and 20:00 UTC, any hour
SHARE = 1 / len(DAYTIME)  # of a daily chance, in one of those hours
GOALS = ["networking", "leadership", "career-advancement", "sense-of-belonging", "personal-growth"]
HABITS = [0.5] * 14 + [0.07] * 7 + [0.0] * 3  # a mentor's daily chance to answer a request
Status = Mentorship.Status

# Subjects of emails from before emails were named by a header.
OLD_KINDS = [
    ("is still waiting", "reminder"),
    ("going?", "check_in_prompt"),
    ("Mentors suggested for you", "suggestions_ready"),
    ("has expired", "expired"),
    ("An update on your request", "request_declined"),
    ("accepted your request", "request_accepted"),
    ("would like you as their mentor", "request_received"),
    ("has ended", "ended"),
    ("You have been matched", "matched"),
    ("Welcome to Kindred", "welcome"),
]


def kind(email) -> str:
    named = email.extra_headers.get("X-Kindred-Email")
    if named:
        return named
    return next((k for text, k in OLD_KINDS if text in email.subject), "other")


class Program60:
    def __init__(self, seed: int):
        self.dice = random.Random(seed)
        Program.objects.filter(slug=SLUG).delete()
        User.objects.filter(email__endswith="@clock.kindred.test").delete()
        self.program = Program.objects.create(name="Clock simulation", slug=SLUG)
        self.habit: dict[int, float] = {}
        self.paused_until: dict[int, datetime] = {}
        self.sent: list[tuple[str, int, str]] = []  # (to, hour, kind)
        self.role: dict[str, str] = {}
        self.seen = 0
        self.admin = program_admin(self.program, email="admin@clock.kindred.test")
        self.role[self.admin.email] = "admin"

    def person(self, factory, n: int, **fields) -> Profile:
        user = UserFactory(email=f"{factory.__name__.lower()}{n}@clock.kindred.test")
        goals = self.dice.sample(GOALS, 2)
        profile = factory(user=user, program=self.program, goals=goals, **fields)
        self.role[user.email] = "mentor" if profile.role == "mentor" else "mentee"
        return profile

    def mentors_join(self) -> None:
        for n, habit in enumerate(HABITS):
            self.habit[self.person(MentorFactory, n, capacity=2).pk] = habit

    def mentee_joins(self, n: int) -> None:
        mentee = self.person(ProfileFactory, n)
        suggestions.refresh_profile(profile_id=mentee.pk)

    def people(self, role: str):
        return Profile.objects.filter(program=self.program, role=role)

    # --- a day of people acting ------------------------------------------------

    def day(self, now: datetime) -> None:
        """One daytime hour: each daily chance, a twelfth of it."""
        d = self.dice
        for mentee in self.people("mentee"):
            open_ = Mentorship.objects.filter(mentee=mentee, status__in=Mentorship.OPEN)
            if open_.filter(status__in=Mentorship.PAIRED).exists():
                continue
            if open_.count() < 2 and d.random() < 0.35 * SHARE:
                top = Suggestion.objects.for_mentee(mentee).listed().order_by("rank").first()
                if top is not None:
                    with contextlib.suppress(Refused):
                        suggestions.request_mentor(suggestion=top, message="Hello!")
        for m in Mentorship.objects.filter(program=self.program, status=Status.REQUESTED):
            habit = self.habit.get(m.mentor_id, 0.0)
            if m.mentor.is_paused:
                continue
            if d.random() < habit * SHARE:
                with contextlib.suppress(Refused):
                    if d.random() < 0.75:
                        lifecycle.accept(mentorship=m)
                    else:
                        lifecycle.decline(mentorship=m, reason="not_my_area", note="")
            elif d.random() < 0.02 * SHARE:
                lifecycle.withdraw(mentorship=m)
        self.pauses(now)
        self.check_ins()
        for m in Mentorship.objects.filter(program=self.program, status__in=Mentorship.PAIRED):
            if d.random() < 0.004 * SHARE:
                lifecycle.end(mentorship=m, by=d.choice([m.mentee, m.mentor]), reason="no_time")
        for person in Profile.objects.filter(program=self.program):
            if d.random() < 0.001 * SHARE:
                privacy.delete_account(user=person.user)

    def pauses(self, now: datetime) -> None:
        for mentor in self.people("mentor"):
            until = self.paused_until.get(mentor.pk)
            if until and now >= until:
                lifecycle.set_availability(mentor=mentor, capacity=mentor.capacity, paused=False)
                del self.paused_until[mentor.pk]
            elif not until and self.habit[mentor.pk] > 0.4 and self.dice.random() < 0.005 * SHARE:
                lifecycle.set_availability(
                    mentor=mentor,
                    capacity=mentor.capacity,
                    paused=True,
                    decline_waiting=self.dice.random() < 0.5,
                )
                self.paused_until[mentor.pk] = now + timedelta(days=10)

    def check_ins(self) -> None:
        prompted = Mentorship.objects.filter(
            program=self.program, status__in=Mentorship.PAIRED
        ).exclude(prompted_week_2_at__isnull=True, prompted_week_8_at__isnull=True)
        for m in prompted.select_related("mentee", "mentor"):
            for side in (m.mentee, m.mentor):
                since = m.prompted_week_8_at or m.prompted_week_2_at
                done = CheckIn.objects.filter(mentorship=m, author=side, created_at__gte=since)
                if not done.exists() and self.dice.random() < 0.4 * SHARE:
                    rating = self.dice.choice([2, 3, 4, 4, 5, 5])
                    lifecycle.check_in(mentorship=m, author=side, rating=rating, note="")

    # --- the clock -------------------------------------------------------------

    def hour(self, hour: int) -> None:
        clock.run()
        if queue_weekly_digests is not None:
            queue_weekly_digests()
        if refresh_rested_pairs is not None:
            refresh_rested_pairs()
        for email in mail.outbox[self.seen :]:
            self.sent.append((email.to[0], hour, kind(email)))
        self.seen = len(mail.outbox)


def run(days: int, seed: int) -> dict:
    setup_test_environment()  # emails kept in memory
    logging.getLogger("celery").setLevel(logging.WARNING)
    app.conf.task_always_eager = True
    with time_machine.travel(START, tick=False) as traveller:
        sim = Program60(seed)
        sim.mentors_join()
        for n in range(40):
            sim.mentee_joins(n)
        joined = 40
        for hour in range(days * 24):
            now = START + timedelta(hours=hour)
            traveller.move_to(now)
            if now.hour in DAYTIME:
                sim.day(now)
            if hour % 36 == 20 and joined < 60 and now < START + timedelta(days=30):
                sim.mentee_joins(joined)
                joined += 1
            sim.hour(hour)
    return report(sim, days)


def report(sim: Program60, days: int) -> dict:
    weeks = -(-days // 7)
    per_week: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    per_hour: dict[tuple[str, int], list[str]] = collections.defaultdict(list)
    kinds = collections.Counter()
    for to, hour, k in sim.sent:
        per_week[sim.role.get(to, "?")][(to, hour // (24 * 7))] += 1
        per_hour[(to, hour)].append(k)
        kinds[k] += 1
    roles = {}
    for role in ("mentee", "mentor", "admin"):
        people = [to for to, r in sim.role.items() if r == role]
        counts = [per_week[role][(to, w)] for to in people for w in range(weeks)]
        roles[role] = {
            "people": len(people),
            "emails": sum(counts),
            "per_person_week_mean": round(statistics.mean(counts), 2) if counts else 0,
            "per_person_week_max": max(counts, default=0),
            "person_weeks_over_2": sum(c > 2 for c in counts),
        }
    together = {key: ks for key, ks in per_hour.items() if len(ks) > 1}
    return {
        "days": days,
        "emails": len(sim.sent),
        "roles": roles,
        "person_hours_with_more_than_one": len(together),
        "emails_in_those_hours": sum(len(ks) for ks in together.values()),
        "together": dict(
            collections.Counter(" + ".join(sorted(ks)) for ks in together.values()).most_common()
        ),
        "kinds": dict(kinds.most_common()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    result = run(args.days, args.seed)
    print(f"{result['emails']} emails in {result['days']} days")
    print(f"{'role':8} {'people':>6} {'emails':>6} {'mean/wk':>8} {'max/wk':>6} {'wks>2':>6}")
    for role, r in result["roles"].items():
        print(
            f"{role:8} {r['people']:6} {r['emails']:6} {r['per_person_week_mean']:8} "
            f"{r['per_person_week_max']:6} {r['person_weeks_over_2']:6}"
        )
    print(
        f"person-hours with more than one email: {result['person_hours_with_more_than_one']} "
        f"({result['emails_in_those_hours']} emails)"
    )
    for ks, n in result["together"].items():
        print(f"  {n:5}  hours with {ks}")
    print("emails of each kind:")
    for k, n in result["kinds"].items():
        print(f"  {n:5}  {k}")
    common.save("clock_simulation", result)


if __name__ == "__main__":
    main()
