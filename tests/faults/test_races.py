"""Races between real processes: overlapping suggestion refreshes on a worker of
concurrency 2, and simultaneous accepts of one mentee (issue 14, items 1-2).

Each scenario is played many times; every time, every list must be whole: at
most k rows, ranks 1..n without a gap or a repeat, and no paused or full
mentor in it."""

import random
import threading
from collections import Counter

import pytest
import redis
from django.db import connections
from django.db.models import Count, Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from matching import suggestions, tasks
from matching.models import Suggestion
from mentorships import lifecycle
from mentorships.models import Mentorship
from profiles.models import Profile
from profiles.services import withdraw_background_consent
from tests.conftest import wait_for
from tests.factories import MentorFactory, ProfileFactory, tags

pytestmark = [
    pytest.mark.faults,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

GOALS = ["networking", "leadership", "career-advancement"]
ROUNDS = 8


def broken_lists(program) -> list[str]:
    """What is wrong with any mentee's list, in words; empty when all are whole."""
    k = program.suggestions_per_mentee
    taken = dict(
        Mentorship.objects.filter(program=program)
        .taking_room()
        .values("mentor_id")
        .annotate(n=Count("id"))
        .values_list("mentor_id", "n")
    )
    unavailable = {
        pk
        for pk, paused, capacity in Profile.objects.filter(program=program)
        .mentors()
        .values_list("pk", "is_paused", "capacity")
        if paused or taken.get(pk, 0) >= capacity
    }
    problems = []
    lists: dict[int, list[tuple[int, int]]] = {}
    for mentee, mentor, rank in (
        Suggestion.objects.filter(program=program, status__in=Suggestion.LISTED)
        .order_by()
        .values_list("mentee_id", "mentor_id", "rank")
    ):
        lists.setdefault(mentee, []).append((rank, mentor))
    for mentee, rows in lists.items():
        ranks = sorted(rank for rank, _ in rows)
        if len(rows) > k:
            problems.append(f"mentee {mentee} has {len(rows)} rows")
        if ranks != list(range(1, len(rows) + 1)):
            problems.append(f"mentee {mentee} has ranks {ranks}")
        problems += [
            f"mentee {mentee} lists {m}, paused or full" for _, m in rows if m in unavailable
        ]
    return problems


def drained(queue: str, url: str):
    """Wait until the worker has taken every message and finished them all."""
    from config.celery import app

    client = redis.Redis.from_url(url)

    def idle() -> bool:
        if client.llen(queue):
            return False
        active = app.control.inspect(timeout=0.5).active() or {}
        return bool(active) and not any(active.values())

    wait_for(idle, timeout=60)
    wait_for(idle, timeout=60)  # twice: a task may queue another as it ends


@pytest.fixture
def crowded(program):
    """300 mentees after the same 48 mentors, so that every refresh touches
    lists that other refreshes are writing."""
    program.suggestions_per_mentee = 5
    program.save()
    mentors = [MentorFactory(program=program, goals=GOALS, capacity=3) for _ in range(48)]
    mentees = [ProfileFactory(program=program, goals=GOALS) for _ in range(300)]
    for mentee in mentees[::4]:
        mentee.background.set(tags("heritage", "korean"))
    for mentee in mentees:
        suggestions.refresh_profile(profile_id=mentee.pk)
    assert broken_lists(program) == []
    return mentees, mentors


def test_overlapping_refreshes_leave_every_list_whole(crowded, program, workers, redis_server):
    from django.conf import settings

    mentees, mentors = crowded
    workers(concurrency=2)
    rng = random.Random(14)
    for round_ in range(ROUNDS):
        # Sixteen quick mentor edits, a pause beside a consent withdrawal, an
        # unpause: each queues refreshes that overlap on the same mentees.
        for mentor in rng.sample(mentors, 16):
            Profile.objects.filter(pk=mentor.pk).update(updated_at=timezone.now())
            tasks.refresh_profile_suggestions.delay(mentor.pk)
        paused, back = rng.sample(mentors, 2)
        lifecycle.set_availability(mentor=paused, capacity=3, paused=True)
        withdraw_background_consent(profile=rng.choice(mentees[::4]))
        lifecycle.set_availability(mentor=back, capacity=3, paused=False)
        drained(settings.CELERY_TASK_DEFAULT_QUEUE, redis_server.url)
        assert broken_lists(program) == [], f"round {round_}"


def accept_at_once(requests: list[Mentorship], via: str) -> list[int]:
    """Each mentor accepts their request in a thread of its own, all at the same
    moment, through the page or the API; the HTTP status each got."""
    start = threading.Barrier(len(requests))
    statuses: list[int] = [0] * len(requests)

    def accept(i: int, m: Mentorship) -> None:
        client = Client(raise_request_exception=False)
        client.force_login(m.mentor.user)
        start.wait()
        try:
            if via == "page":
                url = reverse("matching:accept", args=[m.mentor_id, m.pk])
                statuses[i] = client.post(url).status_code
            else:
                url = f"/api/v1/mentorships/{m.pk}/accept/"
                statuses[i] = client.post(url, content_type="application/json").status_code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(i, m)) for i, m in enumerate(requests)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


@pytest.mark.parametrize("via", ["page", "api"])
def test_three_mentors_accepting_one_mentee_at_once_make_one_mentorship(program, via):
    outcomes = Counter()
    for _ in range(20):
        mentee = ProfileFactory(program=program, goals=GOALS)
        mentors = [MentorFactory(program=program, goals=GOALS) for _ in range(3)]
        requests = [
            lifecycle.request_mentor(mentee=mentee, mentor=mentor, message="Hello")
            for mentor in mentors
        ]
        statuses = accept_at_once(requests, via)
        outcomes.update(statuses)
        assert 500 not in statuses
        paired = Mentorship.objects.filter(mentee=mentee, status__in=Mentorship.PAIRED)
        assert paired.count() == 1
        assert not Mentorship.objects.filter(mentee=mentee, status="requested").exists()
        if via == "api":
            assert sorted(statuses) == [200, 409, 409]
    assert set(outcomes) <= {200, 302, 409}


def test_a_mentee_paired_meanwhile_is_named_to_the_mentor_who_was_too_late(program, client):
    mentee = ProfileFactory(program=program, goals=GOALS, display_name="Lucía Herrera")
    first, late = (MentorFactory(program=program, goals=GOALS) for _ in range(2))
    ours, theirs = (
        lifecycle.request_mentor(mentee=mentee, mentor=mentor, message="Hello")
        for mentor in (late, first)
    )
    lifecycle.accept(mentorship=theirs)
    client.force_login(late.user)
    response = client.post(reverse("matching:accept", args=[late.pk, ours.pk]), follow=True)
    page = response.content.decode()
    assert "Lucía Herrera has just been matched with another mentor" in page, page
    assert not Mentorship.objects.filter(Q(pk=ours.pk) & Q(status="accepted")).exists()
