"""A pair as an admin weighs it: the filters it fails, by name (pure, against the
reference), its whole score and reasons about the pair; and a mentee's best
mentors with room after a re-match."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import pairs, scoring
from matching.models import Suggestion
from mentorships.models import Mentorship
from tests.factories import MentorFactory, ProfileFactory, tags
from tests.matching.people import Person, Program, build, reference_allowed
from tests.matching.strategies import people

GOALS = ["networking", "leadership"]


def unmet(mentee: Person, mentor: Person, program: Program | None = None) -> list[str]:
    mentees, mentors, rules = build([mentee], [mentor], program or Program())
    return scoring.unmet_filters(mentees, 0, mentors, 0, rules)


def test_a_pair_within_the_filters_fails_none():
    assert unmet(Person(1, goals={"a"}), Person(2, goals={"a"})) == []


def test_each_filter_is_named():
    assert unmet(Person(1, user_id=7), Person(2, user_id=7)) == ["same_person"]
    assert unmet(Person(1, languages={"korean"}), Person(2)) == ["common_language"]
    assert (
        unmet(Person(1, languages={"korean"}), Person(2), Program(require_common_language=False))
        == []
    )
    mentee = Person(1, background={("heritage", "korean")}, must={"heritage", "lgbtq"})
    assert unmet(mentee, Person(2, background={("heritage", "korean")})) == ["lgbtq"]
    assert unmet(Person(1, languages={"english", "korean"}, must={"language"}), Person(2)) == []


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_no_filter_fails_exactly_when_the_reference_allows_the_pair(data):
    mentee = data.draw(people(start=1, size=1))[0]
    mentor = data.draw(people(start=2, size=1))[0]
    mentor.paused, mentor.room = False, 3  # availability is the lifecycle's to weigh
    program = Program(min_score=0, require_common_language=data.draw(st.booleans()))
    assert (unmet(mentee, mentor, program) == []) == reference_allowed(mentee, mentor, program)


# --- the ORM seam ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_weighing_a_pair_speaks_about_the_pair(program):
    mentee = ProfileFactory(program=program, goals=GOALS)
    mentor = MentorFactory(program=program, goals=GOALS)
    fit = pairs.weigh(mentee=mentee, mentor=mentor, reveal_background=False)
    assert fit.score > program.min_score and fit.unmet == []
    said = fit.explanation.worded_reasons
    assert "Can help with 2 of the mentee's 2 goals: networking, leadership" in said


@pytest.mark.django_db
def test_a_shared_background_is_named_only_when_revealed(program):
    mentee = ProfileFactory(program=program, goals=GOALS)
    mentor = MentorFactory(program=program, goals=GOALS)
    for person in (mentee, mentor):
        person.background.set(tags("heritage", "korean"))
        person.save()
    hidden = pairs.weigh(mentee=mentee, mentor=mentor, reveal_background=False)
    shown = pairs.weigh(mentee=mentee, mentor=mentor, reveal_background=True)
    assert not any("Korean" in r for r in hidden.explanation.worded_reasons)
    assert "background" in hidden.explanation.withheld
    assert any("Korean" in r for r in shown.explanation.worded_reasons)
    assert hidden.score == shown.score  # the whole score either way


@pytest.mark.django_db
def test_someone_not_ready_has_no_fit(program):
    mentee = ProfileFactory(program=program, steps_done=[])
    assert (
        pairs.weigh(
            mentee=mentee, mentor=MentorFactory(program=program), reveal_background=False
        ).score
        is None
    )


@pytest.mark.django_db
def test_the_best_available_mentors_have_room_and_come_by_score(program):
    mentee = ProfileFactory(program=program, goals=GOALS)
    best = MentorFactory(program=program, goals=GOALS, display_name="Best")
    half = MentorFactory(program=program, goals=GOALS[:1], display_name="Half")
    MentorFactory(program=program, goals=GOALS, capacity=0)
    MentorFactory(program=program, goals=GOALS, is_paused=True)
    before = MentorFactory(program=program, goals=GOALS)
    Mentorship.objects.create(
        program=program,
        mentee=mentee,
        mentor=before,
        status="ended",
        end_reason="other",
        ended_by="admin",
    )
    hidden = MentorFactory(program=program, goals=GOALS)
    Suggestion.objects.create(
        program=program, mentee=mentee, mentor=hidden, score=90, status="dismissed"
    )
    found = pairs.best_available(mentee=mentee, reveal_background=False)
    assert [m for m, _ in found] == [best, half]
    assert found[0][1].score > found[1][1].score
