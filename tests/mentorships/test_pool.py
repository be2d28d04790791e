"""A pair's suggestion stays `requested` only while their request or mentorship
is open: every other way it closes returns the pair to the pool, and only a
decline, a dismissal or a past mentorship keeps them apart (docs/mentorships.md)."""

import pytest
from django.db.models import Exists, OuterRef

from matching import suggestions
from matching.models import Suggestion
from mentorships import clock, lifecycle
from mentorships.models import Mentorship
from tests.factories import MentorFactory, ProfileFactory
from tests.mentorships.helpers import aged, ask

pytestmark = pytest.mark.django_db

GOALS = ["networking", "leadership"]


def stale_requested() -> list[tuple[int, int]]:
    """Suggestions marked requested with no open request or mentorship for the pair."""
    open_pair = Mentorship.objects.open().filter(
        mentee_id=OuterRef("mentee_id"), mentor_id=OuterRef("mentor_id")
    )
    return list(
        Suggestion.objects.filter(status=Suggestion.Status.REQUESTED)
        .exclude(Exists(open_pair))
        .values_list("mentee_id", "mentor_id")
    )


@pytest.fixture
def crowd(program):
    """Three mentees, each with the same four mentors suggested."""
    mentors = [MentorFactory(program=program, goals=GOALS, capacity=3) for _ in range(4)]
    mentees = [ProfileFactory(program=program, goals=GOALS) for _ in range(3)]
    for mentee in mentees:
        suggestions.refresh_profile(profile_id=mentee.pk)
    return mentees, mentors


def test_no_transition_leaves_a_suggestion_requested_without_an_open_request(
    crowd, program, django_capture_on_commit_callbacks
):
    (ana, ben, cy), (m1, m2, m3, m4) = crowd
    steps = [
        lambda: ask(ana, m1),
        lambda: ask(ana, m2),
        lambda: ask(ana, m3),
        # m1 accepts: ana's requests to m2 and m3 close on their own
        lambda: lifecycle.accept(mentorship=Mentorship.objects.get(mentee=ana, mentor=m1)),
        lambda: ask(ben, m1),
        lambda: lifecycle.withdraw(mentorship=Mentorship.objects.get(mentee=ben, mentor=m1)),
        lambda: ask(ben, m2),
        lambda: lifecycle.decline(
            mentorship=Mentorship.objects.get(mentee=ben, mentor=m2), reason="timing"
        ),
        lambda: aged(ask(ben, m3), clock.EXPIRE_AFTER),
        lambda: clock.expire_requests(),
        lambda: ask(cy, m4),
        lambda: lifecycle.match(mentee=cy, mentor=m4, source=Mentorship.Source.ADMIN),
        lambda: lifecycle.end(
            mentorship=Mentorship.objects.get(mentee=cy, mentor=m4, status="accepted"),
            by=cy,
            reason="no_time",
        ),
        lambda: lifecycle.rematch(
            mentorship=Mentorship.objects.get(mentee=ana, mentor=m1), by=None, reason="Stalled"
        ),
        lambda: ask(ben, m4),
        lambda: lifecycle.set_availability(
            mentor=m4, capacity=3, paused=True, decline_waiting=True
        ),
        lambda: ask(cy, m1),
        lambda: lifecycle.depart(profile=m1),
    ]
    for step in steps:
        # Each step commits on its own: the lists it re-ranks are there for the next.
        with django_capture_on_commit_callbacks(execute=True):
            step()
        assert stale_requested() == []


def test_a_request_closed_by_another_acceptance_returns_its_mentor_to_the_pool(
    crowd, django_capture_on_commit_callbacks
):
    (ana, _, _), (m1, m2, _, _) = crowd
    with django_capture_on_commit_callbacks(execute=True):
        ask(ana, m2)
        first = ask(ana, m1)
        lifecycle.accept(mentorship=first)
        lifecycle.end(mentorship=first, by=ana, reason="no_time")
    listed = Suggestion.objects.for_mentee(ana).listed().values_list("mentor_id", flat=True)
    assert m2.pk in listed  # asked, never answered: free to suggest again
    assert m1.pk not in listed  # a past mentorship keeps them apart
