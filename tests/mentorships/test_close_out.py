"""The close-out survey: asked once of each side still on Kindred when a mentorship
that had started completes or ends, however it closes; its goals are the agreement's,
each beside the rating it started from; answered once, every answer optional."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from matching import suggestions
from mentorships import agreements, close_outs, lifecycle, tasks, terms
from mentorships.agreements import GoalTerms, Terms
from mentorships.exceptions import Invalid, Refused
from mentorships.models import Continuation, Mentorship
from mentorships.outcome_models import CloseOut, CloseOutGoal
from profiles import cycles
from profiles.models import Cycle, Profile
from tests.factories import CycleFactory, MentorFactory, ProfileFactory, program_admin
from tests.mentorships.helpers import ask, sent_to

pytestmark = pytest.mark.django_db

SUBJECT = "How did your mentorship with {} go?"


def a_pair(program) -> tuple[Profile, Profile]:
    mentee = ProfileFactory(
        program=program, display_name="Ji-woo Park", goals=["networking", "leadership"]
    )
    mentor = MentorFactory(
        program=program, display_name="Grace Lee", goals=["networking", "leadership"]
    )
    suggestions.refresh_profile(profile_id=mentee.pk)
    return mentee, mentor


def started(pair, on_commit) -> Mentorship:
    """The mentee asked, the mentor accepted; the emails of it read and cleared."""
    m = on_commit(ask, *pair)
    on_commit(lifecycle.accept, mentorship=m)
    m.refresh_from_db()
    mail.outbox.clear()
    return m


@pytest.fixture
def pair(program):
    return a_pair(program)


@pytest.fixture
def under_way(pair, on_commit):
    return started(pair, on_commit)


def agree(m: Mentorship, on_commit) -> None:
    """The pair agree on two goals: networking from 2, leadership from 1."""
    goals = [GoalTerms("networking", "Five people who know my work.", 2)]
    goals.append(GoalTerms("leadership", "I run our planning day.", 1))
    on_commit(agreements.propose, mentorship=m, by=m.mentee, terms=Terms(goals, 2, 6, ""))
    on_commit(agreements.confirm, mentorship=m, by=m.mentor)
    mail.outbox.clear()


def asked(m: Mentorship) -> dict[str, int]:
    return dict(CloseOut.objects.filter(mentorship=m).values_list("side", "respondent_id"))


# --- when it is asked -----------------------------------------------------------------


@pytest.mark.parametrize(("reason", "status"), [("goals_met", "completed"), ("no_time", "ended")])
def test_ending_asks_each_side_once_by_email(under_way, on_commit, reason, status):
    on_commit(lifecycle.end, mentorship=under_way, by=under_way.mentee, reason=reason)
    assert Mentorship.objects.get(pk=under_way.pk).status == status
    assert asked(under_way) == {"mentee": under_way.mentee_id, "mentor": under_way.mentor_id}
    assert sent_to(under_way.mentee).count(SUBJECT.format("Grace Lee")) == 1
    assert sent_to(under_way.mentor).count(SUBJECT.format("Ji-woo Park")) == 1


def test_the_email_links_to_each_sides_own_survey(under_way, on_commit):
    on_commit(lifecycle.end, mentorship=under_way, by=under_way.mentor, reason="no_time")
    bodies = {e.to[0]: e.body for e in mail.outbox if e.subject.startswith("How did")}
    assert f"/m/{under_way.pk}/close-out/mentee/" in bodies[under_way.mentee.user.email]
    assert f"/m/{under_way.pk}/close-out/mentor/" in bodies[under_way.mentor.user.email]


def test_an_admins_end_asks_both(under_way, on_commit, program):
    admin = program_admin(program)
    on_commit(lifecycle.end_by_admin, mentorship=under_way, by=admin, reason="They asked us to")
    assert set(asked(under_way)) == {"mentee", "mentor"}


def test_a_match_turned_down_asks_nobody(pair, on_commit):
    """A match made for them that one side said did not work never went: no survey."""
    mentee, mentor = pair
    m = on_commit(lifecycle.match, mentee=mentee, mentor=mentor, source="admin")
    on_commit(lifecycle.turn_down_match, mentorship=m, by=mentor, reason="Our hours never meet")
    assert Mentorship.objects.get(pk=m.pk).end_reason == Mentorship.EndReason.NOT_FOR_ME
    assert asked(m) == {}
    assert not [e for e in mail.outbox if e.subject.startswith("How did")]


def test_a_term_asks_when_it_completes_not_when_it_is_asked_to_close(pair, on_commit, program):
    """The clock, moving: the term's end asks the pair to close (no survey: they may keep
    going); the day it closes, it completes and both are asked; a later run asks nothing more."""
    mentee, mentor = pair
    cycle = CycleFactory(program=program, ends_on=timezone.localdate() - timedelta(days=1))
    Profile.objects.filter(pk=mentee.pk).update(cycle=cycle)
    m = on_commit(ask, Profile.objects.get(pk=mentee.pk), mentor)
    on_commit(lifecycle.accept, mentorship=m)
    Mentorship.objects.filter(pk=m.pk).update(started_at=timezone.now() - timedelta(days=60))
    now = timezone.now()
    on_commit(terms.close_terms, now=now)
    assert Mentorship.objects.get(pk=m.pk).closing_on is not None
    assert not asked(m)
    later = now + timedelta(days=program.term_grace_days + 1)
    for _ in range(2):
        on_commit(terms.close_terms, now=later)
    assert Mentorship.objects.get(pk=m.pk).status == "completed"
    assert set(asked(m)) == {"mentee", "mentor"}
    assert sent_to(mentee).count(SUBJECT.format("Grace Lee")) == 1


def test_a_pair_going_on_together_is_asked_when_the_last_mentorship_closes(
    under_way, on_commit, program
):
    """Going on into a new cycle closes the old mentorship, but the pair has not
    finished: they are asked when the new one ends, about the goals they agreed."""
    agree(under_way, on_commit)
    cycle = CycleFactory(program=program, name="Autumn", state=Cycle.State.REGISTRATION)
    for person in (under_way.mentee, under_way.mentor):
        cycles.enrol(profile=person, cycle=cycle)
    c = Continuation.objects.create(
        cycle=cycle, mentor=under_way.mentor, mentee=under_way.mentee, mentee_agrees=True
    )
    new = on_commit(lifecycle.continue_pair, continuation=c)
    assert Mentorship.objects.get(pk=under_way.pk).status == "completed"
    assert close_outs.ask(mentorship_id=under_way.pk) == []
    assert not CloseOut.objects.exists()
    on_commit(lifecycle.end, mentorship=new, by=new.mentee, reason="goals_met")
    assert set(asked(new)) == {"mentee", "mentor"}
    assert not asked(under_way)
    goals = CloseOutGoal.objects.filter(close_out__mentorship=new, close_out__side="mentee")
    assert [(g.goal.slug, g.start_rating) for g in goals] == [("networking", 2), ("leadership", 1)]


def test_a_side_who_left_kindred_is_not_asked(under_way, on_commit):
    mentor_id = under_way.mentor_id
    on_commit(Profile.objects.get(pk=under_way.mentee_id).delete)
    m = Mentorship.objects.get(pk=under_way.pk)
    assert m.status == "ended" and m.mentee is None
    assert asked(m) == {"mentor": mentor_id}


def test_a_side_whose_account_is_switched_off_is_not_asked(under_way, on_commit):
    under_way.mentor.user.is_active = False
    under_way.mentor.user.save(update_fields=["is_active"])
    on_commit(lifecycle.end, mentorship=under_way, by=under_way.mentee, reason="no_time")
    assert asked(under_way) == {"mentee": under_way.mentee_id}
    assert SUBJECT.format("Ji-woo Park") not in sent_to(under_way.mentor)


@pytest.mark.parametrize("close", ["withdraw", "decline", "expire"])
def test_a_request_that_never_started_asks_nobody(pair, on_commit, close):
    mentee, mentor = pair
    m = on_commit(ask, mentee, mentor)
    mail.outbox.clear()
    if close == "withdraw":
        on_commit(lifecycle.withdraw, mentorship=m)
    elif close == "decline":
        on_commit(lifecycle.decline, mentorship=m, reason="timing")
    else:
        on_commit(lifecycle.expire, mentorship_id=m.pk)
    assert close_outs.ask(mentorship_id=m.pk) == []
    assert not CloseOut.objects.exists()
    assert not [e for e in mail.outbox if e.subject.startswith("How did")]


def test_a_mentorship_still_under_way_is_not_asked(under_way):
    assert close_outs.ask(mentorship_id=under_way.pk) == []
    assert not CloseOut.objects.exists()


def test_asked_twice_asks_once(under_way, on_commit):
    on_commit(lifecycle.end, mentorship=under_way, by=under_way.mentee, reason="no_time")
    for _ in range(2):
        on_commit(close_outs.ask, mentorship_id=under_way.pk)
        on_commit(tasks.ask_close_out.delay, under_way.pk)
    assert CloseOut.objects.filter(mentorship=under_way).count() == 2
    assert len([e for e in mail.outbox if e.subject.startswith("How did")]) == 2


# --- the goals ------------------------------------------------------------------------


def test_each_side_rates_the_agreed_goals_beside_where_they_started(under_way, on_commit):
    agree(under_way, on_commit)
    # Progress rated since: the survey's start is still the rating at agreement.
    agreements.rate_goal(mentorship=under_way, by=under_way.mentee, goal="networking", rating=4)
    on_commit(lifecycle.end, mentorship=under_way, by=under_way.mentor, reason="goals_met")
    for close_out in CloseOut.objects.filter(mentorship=under_way):
        rows = [(g.goal.slug, g.start_rating, g.end_rating) for g in close_out.goals.all()]
        assert rows == [("networking", 2, None), ("leadership", 1, None)]


def test_without_an_agreed_agreement_the_survey_has_no_goals(under_way, on_commit):
    goals = [GoalTerms("networking", "Five people who know my work.", 2)]
    on_commit(
        agreements.propose, mentorship=under_way, by=under_way.mentee, terms=Terms(goals, 2, 6, "")
    )
    on_commit(lifecycle.end, mentorship=under_way, by=under_way.mentee, reason="no_time")
    assert CloseOut.objects.filter(mentorship=under_way).count() == 2
    assert not CloseOutGoal.objects.exists()


# --- answering --------------------------------------------------------------------------


@pytest.fixture
def closed(under_way, on_commit):
    agree(under_way, on_commit)
    on_commit(lifecycle.end, mentorship=under_way, by=under_way.mentee, reason="goals_met")
    return under_way


def mine(m: Mentorship, side: str) -> CloseOut:
    return CloseOut.objects.get(mentorship=m, side=side)


def test_answers_are_kept_once(closed):
    c = mine(closed, "mentee")
    answers = close_outs.Answers(
        rating=5,
        goals={"networking": 4},
        helped_most="Being introduced to Sam.",
        recommend="yes",
        testimonial="Grace changed how I see my work.",
        testimonial_shared=True,
    )
    close_outs.answer(close_out=c, by=closed.mentee, data=answers)
    c.refresh_from_db()
    assert (c.rating, c.recommend, c.testimonial_shared) == (5, "yes", True)
    assert c.answered_at is not None
    assert [(g.goal.slug, g.end_rating) for g in c.goals.all()] == [
        ("networking", 4),
        ("leadership", None),
    ]
    with pytest.raises(Refused, match="You answered on"):
        close_outs.answer(
            close_out=c, by=closed.mentee, data=close_outs.Answers(rating=1, recommend="no")
        )
    c.refresh_from_db()
    assert (c.rating, c.recommend) == (5, "yes")


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        (close_outs.Answers(rating=9), "rating"),
        (close_outs.Answers(rating=0), "rating"),
        (close_outs.Answers(goals={"networking": 6}), "goal_networking"),
        (close_outs.Answers(goals={"cooking": 3}), "goal_cooking"),
        (close_outs.Answers(recommend="maybe"), "recommend"),
        (close_outs.Answers(helped_most="x" * 1001), "helped_most"),
        (close_outs.Answers(rating=4, testimonial_shared=True), "testimonial_shared"),
        (
            close_outs.Answers(rating=4, testimonial="  ", testimonial_shared=True),
            "testimonial_shared",
        ),
        (close_outs.Answers(), "__all__"),
    ],
)
def test_bad_answers_are_refused_by_field_and_nothing_is_saved(closed, answers, field):
    c = mine(closed, "mentee")
    with pytest.raises(Invalid) as refused:
        close_outs.answer(close_out=c, by=closed.mentee, data=answers)
    assert field in refused.value.errors
    c.refresh_from_db()
    assert c.answered_at is None and c.rating is None
    assert not c.goals.exclude(end_rating=None).exists()


def test_only_the_respondent_answers(closed):
    with pytest.raises(Refused):
        close_outs.answer(
            close_out=mine(closed, "mentee"), by=closed.mentor, data=close_outs.Answers(rating=5)
        )
    assert mine(closed, "mentee").answered_at is None


def test_the_testimonial_is_shown_or_taken_back_after_answering(closed):
    c = mine(closed, "mentor")
    with pytest.raises(Refused, match="Answer the survey first"):
        close_outs.share_testimonial(close_out=c, by=closed.mentor, shared=True)
    close_outs.answer(
        close_out=c, by=closed.mentor, data=close_outs.Answers(testimonial="A joy to mentor.")
    )
    assert not mine(closed, "mentor").testimonial_shared
    close_outs.share_testimonial(close_out=c, by=closed.mentor, shared=True)
    assert mine(closed, "mentor").testimonial_shared
    close_outs.share_testimonial(close_out=c, by=closed.mentor, shared=False)
    assert not mine(closed, "mentor").testimonial_shared
    with pytest.raises(Refused):
        close_outs.share_testimonial(close_out=c, by=closed.mentee, shared=True)


def test_without_a_testimonial_there_is_nothing_to_show(closed):
    c = mine(closed, "mentee")
    close_outs.answer(close_out=c, by=closed.mentee, data=close_outs.Answers(rating=3))
    with pytest.raises(Refused, match="nothing to show"):
        close_outs.share_testimonial(close_out=c, by=closed.mentee, shared=True)
    assert not mine(closed, "mentee").testimonial_shared


def test_a_survey_goes_with_its_respondents_account(closed):
    mentor_id = closed.mentor_id
    Profile.objects.get(pk=mentor_id).delete()
    assert list(CloseOut.objects.values_list("side", flat=True)) == ["mentee"]
