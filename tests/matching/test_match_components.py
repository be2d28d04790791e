"""A mentorship keeps what the matcher knew when it was made (issue 22)."""

import pytest

from matching.models import Suggestion
from mentorships import lifecycle
from mentorships.models import Mentorship
from profiles.taxonomy import COMPONENTS
from tests.factories import MentorFactory, ProfileFactory

pytestmark = pytest.mark.django_db


def test_a_request_keeps_the_listed_pairs_components_and_the_weights_then(people):
    mentee, mentor = people
    listed = Suggestion.objects.get(mentee=mentee, mentor=mentor)
    m = lifecycle.request_mentor(mentee=mentee, mentor=mentor, message="", score=listed.score)
    m.refresh_from_db()
    assert m.match_components == {c: listed.components[c] for c in COMPONENTS}
    assert m.match_weights == mentee.program.weights()


def test_the_components_are_kept_once_and_not_rewritten_by_later_weights(people):
    mentee, mentor = people
    m = lifecycle.request_mentor(mentee=mentee, mentor=mentor, message="", score=None)
    kept = Mentorship.objects.get(pk=m.pk).match_weights
    program = mentee.program
    program.weight_values = 90
    program.save()
    lifecycle.accept(mentorship=m, note="")
    m.refresh_from_db()
    assert m.match_weights == kept
    assert m.match_weights["values"] != 90


def test_a_match_by_hand_of_a_pair_never_listed_works_its_components_out(program):
    mentee = ProfileFactory(program=program, goals=["networking"])
    mentor = MentorFactory(program=program, goals=["networking"])
    assert not Suggestion.objects.filter(mentee=mentee, mentor=mentor).exists()
    m = lifecycle.match_by_admin(
        mentee=mentee, mentor=mentor, by=None, score=None, reason="Known to each other"
    )
    m.refresh_from_db()
    assert set(m.match_components) == set(COMPONENTS)
    assert m.match_components["goals"] == 1.0
