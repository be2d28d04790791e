"""Mentorships belong to the cycle they were made in. When its term ends the pair is
asked to close, once; the mentorship ends as completed after the program's grace
days unless both chose to keep going, then it goes on without a term."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from matching import suggestions
from mentorships import clock, lifecycle, terms
from mentorships.exceptions import Refused
from mentorships.forms import EndForm
from mentorships.models import Mentorship
from profiles import cycles
from profiles.models import Cycle, Profile
from tests.conftest import login
from tests.factories import CycleFactory, MentorFactory, ProfileFactory
from tests.mentorships.helpers import ask, sent_to

pytestmark = pytest.mark.django_db

Status = Mentorship.Status
GOALS = ["networking", "leadership"]
ENDS = date(2027, 6, 30)
CLOSES = date(2027, 7, 14)  # ENDS + the default 14 days to decide
SUBJECT = "Your mentorship's term in Spring 2027 has ended"


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.fixture
def clock_at(on_commit):
    """Move the clock to ``day`` and run the mentorship clock there, as beat would."""
    traveller = time_machine.travel(at(date(2027, 3, 1)), tick=False)
    moved = traveller.start()

    def run(day: date, hour: int = 9) -> dict:
        moved.move_to(at(day, hour))
        return on_commit(clock.run, timezone.now())

    run.move_to = lambda day, hour=9: moved.move_to(at(day, hour))
    yield run
    traveller.stop()


@pytest.fixture
def spring(program) -> Cycle:
    return CycleFactory(
        program=program,
        name="Spring 2027",
        registration_opens=date(2027, 1, 10),
        registration_closes=date(2027, 2, 10),
        matching_on=date(2027, 2, 20),
        starts_on=date(2027, 3, 1),
        ends_on=ENDS,
        state=Cycle.State.RUNNING,
    )


def taking_part(profile: Profile, cycle: Cycle | None) -> Profile:
    Profile.objects.filter(pk=profile.pk).update(cycle=cycle)
    profile.refresh_from_db()
    return profile


@pytest.fixture
def people(program, spring, on_commit):
    mentee = taking_part(ProfileFactory(program=program, goals=GOALS), spring)
    mentor = taking_part(MentorFactory(program=program, goals=GOALS, capacity=2), spring)
    on_commit(suggestions.refresh_profile, profile_id=mentee.pk)
    return mentee, mentor


@pytest.fixture
def pair(people, clock_at, on_commit) -> Mentorship:
    """Asked and accepted on 2 March 2027, in Spring 2027."""
    mentee, mentor = people
    clock_at.move_to(date(2027, 3, 2))
    m = on_commit(ask, mentee, mentor)
    on_commit(lifecycle.accept, mentorship=m)
    m.refresh_from_db()
    mail.outbox.clear()
    return m


def about_terms(side: Profile) -> list[str]:
    """The emails ``side`` got about the term (the clock sends its check-in prompts too)."""
    return [s for s in sent_to(side) if "term" in s or "keep going" in s]


def fresh(m: Mentorship) -> Mentorship:
    m.refresh_from_db()
    return m


# --- the clock: asked once, closed once ------------------------------------------------


def test_nothing_is_asked_before_the_term_ends(pair, clock_at):
    clock_at(ENDS - timedelta(days=1), hour=23)
    assert fresh(pair).closing_on is None
    assert not about_terms(pair.mentee) and not about_terms(pair.mentor)


def test_the_day_the_term_ends_both_are_asked_once(pair, clock_at):
    for hour in (0, 1):  # two runs: asked once
        done = clock_at(ENDS, hour=hour)
    assert done["terms"] == 0
    assert fresh(pair).closing_on == CLOSES
    assert fresh(pair).status == Status.ACCEPTED
    for side in (pair.mentee, pair.mentor):
        assert about_terms(side) == [SUBJECT]
    body = next(e.body for e in mail.outbox if e.to == [pair.mentee.user.email])
    assert "It will close on 14 July 2027 unless you both choose to go on." in body
    assert f"{pair.get_absolute_url()}#term" in body


def test_it_closes_as_completed_on_its_day_once(pair, clock_at):
    clock_at(ENDS)
    clock_at(CLOSES - timedelta(days=1), hour=23)
    assert fresh(pair).status == Status.ACCEPTED
    first = clock_at(CLOSES, hour=0)
    second = clock_at(CLOSES, hour=1)
    assert (first["terms"], second["terms"]) == (1, 0)
    m = fresh(pair)
    assert m.status == Status.COMPLETED
    assert m.end_reason == Mentorship.EndReason.TERM_ENDED
    assert m.ended_by == ""
    assert m.ended_at == at(CLOSES, 0)
    # Told once, on the day the term ended: nothing more at the close.
    for side in (pair.mentee, pair.mentor):
        assert about_terms(side) == [SUBJECT]


def test_a_cycle_closing_on_its_dates_ends_its_mentorships_on_time(
    pair, spring, clock_at, on_commit
):
    """Both hourly clocks, hour by hour: the cycle's (profiles/cycles.py) closes it
    on ``ends_on``; the mentorships' asks them to close that day and completes them
    on their day, each once."""
    day = ENDS - timedelta(days=2)
    while day <= CLOSES + timedelta(days=1):
        for hour in (0, 12):
            clock_at.move_to(day, hour)
            on_commit(cycles.advance, now=timezone.now())
            clock_at(day, hour)
            spring.refresh_from_db()
            assert (spring.state == Cycle.State.CLOSED) == (day >= ENDS)
            m = fresh(pair)
            assert (m.closing_on is not None) == (day >= ENDS)
            assert (m.status == Status.COMPLETED) == (day >= CLOSES)
        day += timedelta(days=1)
    assert fresh(pair).ended_at == at(CLOSES, 0)
    assert about_terms(pair.mentee) == [SUBJECT]


def test_the_program_decides_how_long_the_pair_has(pair, program, clock_at):
    program.term_grace_days = 3
    program.save(update_fields=["term_grace_days"])
    clock_at(ENDS)
    assert fresh(pair).closing_on == ENDS + timedelta(days=3)


def test_a_clock_that_was_down_still_gives_the_pair_their_days(pair, clock_at):
    late = ENDS + timedelta(days=20)
    clock_at(late)
    m = fresh(pair)
    assert m.status == Status.ACCEPTED
    assert m.closing_on == late + timedelta(days=14)


def test_an_open_ended_cycle_never_asks(pair, spring, clock_at):
    Cycle.objects.filter(pk=spring.pk).update(ends_on=None)
    clock_at(date(2028, 1, 1))
    assert fresh(pair).closing_on is None
    assert not about_terms(pair.mentee) and not about_terms(pair.mentor)


def test_a_pair_made_after_the_term_ended_is_not_asked(people, clock_at, on_commit):
    mentee, mentor = people
    clock_at.move_to(ENDS + timedelta(days=2))
    m = on_commit(lifecycle.match, mentee=mentee, mentor=mentor, source=Mentorship.Source.ADMIN)
    mail.outbox.clear()
    clock_at(ENDS + timedelta(days=3))
    assert fresh(m).closing_on is None
    assert not about_terms(m.mentee) and not about_terms(m.mentor)


def test_a_mentorship_ended_meanwhile_is_left_alone(pair, clock_at, on_commit):
    clock_at(ENDS)
    on_commit(lifecycle.end, mentorship=pair, by=pair.mentee, reason="goals_met")
    clock_at(CLOSES)
    m = fresh(pair)
    assert m.status == Status.COMPLETED and m.end_reason == "goals_met"


def test_ending_at_the_term_refuses_before_its_day(pair, clock_at):
    clock_at(ENDS)
    with pytest.raises(Refused):
        lifecycle.end_term(mentorship=pair, today=CLOSES - timedelta(days=1))
    assert fresh(pair).status == Status.ACCEPTED


# --- keeping going ---------------------------------------------------------------------


def test_both_choosing_to_keep_going_carries_it_on_without_a_term(pair, clock_at, on_commit):
    clock_at(ENDS)
    on_commit(terms.keep_going, mentorship=pair, by=pair.mentee)
    on_commit(terms.keep_going, mentorship=pair, by=pair.mentor)
    for hour in (0, 1):
        clock_at(CLOSES, hour)
    m = fresh(pair)
    assert m.status == Status.ACCEPTED
    assert m.closing_on is None
    # Never asked again, however long it goes on.
    clock_at(CLOSES + timedelta(days=60))
    assert fresh(pair).closing_on is None
    assert about_terms(pair.mentee) == [SUBJECT, f"{pair.mentor.name} chose to keep going too"]
    # Either can end it as before.
    on_commit(lifecycle.end, mentorship=pair, by=pair.mentor, reason="no_time")
    assert fresh(pair).status == Status.ENDED


def test_one_side_alone_keeping_going_does_not_stop_the_close(pair, clock_at, on_commit):
    clock_at(ENDS)
    on_commit(terms.keep_going, mentorship=pair, by=pair.mentor)
    clock_at(CLOSES)
    assert fresh(pair).status == Status.COMPLETED


def test_a_choice_taken_back_before_the_day_closes_it(pair, clock_at, on_commit):
    clock_at(ENDS)
    on_commit(terms.keep_going, mentorship=pair, by=pair.mentee)
    on_commit(terms.keep_going, mentorship=pair, by=pair.mentor)
    clock_at.move_to(CLOSES - timedelta(days=1))
    on_commit(terms.take_back, mentorship=pair, by=pair.mentor)
    clock_at(CLOSES)
    m = fresh(pair)
    assert m.status == Status.COMPLETED
    assert m.mentor_extends_at is None and m.mentee_extends_at is not None


def test_the_other_side_hears_once_when_both_have_chosen(pair, clock_at, on_commit):
    clock_at(ENDS)
    mail.outbox.clear()
    on_commit(terms.keep_going, mentorship=pair, by=pair.mentee)
    assert not mail.outbox  # one side alone: the page shows it, no email
    on_commit(terms.keep_going, mentorship=pair, by=pair.mentor)
    on_commit(terms.keep_going, mentorship=pair, by=pair.mentor)  # twice: once
    assert sent_to(pair.mentee) == [f"{pair.mentor.name} chose to keep going too"]
    assert sent_to(pair.mentor) == []
    body = mail.outbox[0].body
    assert "does not close on 14 July 2027" in body


def test_taking_back_after_both_chose_tells_the_other_side(pair, clock_at, on_commit):
    clock_at(ENDS)
    on_commit(terms.keep_going, mentorship=pair, by=pair.mentee)
    on_commit(terms.keep_going, mentorship=pair, by=pair.mentor)
    mail.outbox.clear()
    on_commit(terms.take_back, mentorship=pair, by=pair.mentee)
    assert sent_to(pair.mentor) == [f"{pair.mentee.name} took back their choice to keep going"]
    assert "will close on 14 July 2027 as completed" in mail.outbox[0].body


def test_a_choice_undone_before_its_email_went_tells_nothing(pair, clock_at, on_commit):
    from mentorships import emails

    clock_at(ENDS)
    on_commit(terms.keep_going, mentorship=pair, by=pair.mentee)
    terms.keep_going(mentorship=pair, by=pair.mentor)  # its email not sent yet
    terms.take_back(mentorship=pair, by=pair.mentor)
    assert emails.term_choice(pair.pk, "mentor", True, "2027-06-30T09:00:00") is False


@pytest.mark.parametrize("when", ["before the term ends", "on the closing day"])
def test_there_is_no_choosing_outside_the_time_to_choose(pair, clock_at, on_commit, when):
    if when == "on the closing day":
        clock_at(ENDS)
        clock_at.move_to(CLOSES, hour=0)  # the clock has not closed it yet this hour
    with pytest.raises(Refused):
        terms.keep_going(mentorship=pair, by=pair.mentee)
    assert fresh(pair).mentee_extends_at is None


def test_only_the_pair_chooses(pair, clock_at, program):
    clock_at(ENDS)
    with pytest.raises(Refused):
        terms.keep_going(mentorship=pair, by=MentorFactory(program=program))
    m = fresh(pair)
    assert m.mentee_extends_at is None and m.mentor_extends_at is None


def test_the_end_of_a_term_is_not_a_reason_a_person_gives():
    choices = dict(EndForm().fields["reason"].choices)
    assert Mentorship.EndReason.TERM_ENDED not in choices
    assert not EndForm({"reason": "term_ended"}).is_valid()


# --- the mentorship page ---------------------------------------------------------------


def page(client, m: Mentorship, who: Profile) -> str:
    return login(client, who.user).get(m.get_absolute_url()).content.decode()


def test_the_page_names_the_cycle_and_its_term(client, pair, clock_at):
    assert "Spring 2027 · runs until 30 June 2027" in page(client, pair, pair.mentee)


def test_a_page_of_no_cycle_says_nothing_of_terms(client, program, on_commit):
    mentee = ProfileFactory(program=program, goals=GOALS)
    mentor = MentorFactory(program=program, goals=GOALS)
    on_commit(suggestions.refresh_profile, profile_id=mentee.pk)
    m = on_commit(ask, mentee, mentor)
    html = page(client, m, mentee)
    assert "runs until" not in html and 'id="term"' not in html


def test_keeping_going_from_the_page_asks_first(client, pair, clock_at):
    clock_at(ENDS)
    html = page(client, pair, pair.mentee)
    assert 'id="term"' in html and "Keep going after the term…" in html
    assert "closes on 14 July 2027 as completed, unless you both choose to keep going" in html
    assert "Spring 2027 · its term ended on 30 June 2027" in html
    url = reverse("mentorships:keep_going", args=[pair.pk])
    asked = client.post(url)
    assert asked.status_code == 200
    assert "Keep going after the term?" in asked.content.decode()
    assert fresh(pair).mentee_extends_at is None
    done = client.post(url, {"confirm": "yes"})
    assert done.status_code == 302 and done.url.endswith("#term")
    assert fresh(pair).mentee_extends_at == at(ENDS)
    html = page(client, pair, pair.mentee)
    assert "chose to keep going on 30 June 2027" in html
    assert "Take back my choice…" in html


def test_taking_back_from_the_page_asks_first(client, pair, clock_at, on_commit):
    clock_at(ENDS)
    on_commit(terms.keep_going, mentorship=pair, by=pair.mentor)
    login(client, pair.mentor.user)
    url = reverse("mentorships:take_back", args=[pair.pk])
    assert "Take back your choice to keep going?" in client.get(url).content.decode()
    assert fresh(pair).mentor_extends_at is not None
    client.post(url, {"confirm": "yes"})
    assert fresh(pair).mentor_extends_at is None


def test_the_page_refuses_a_choice_with_nothing_to_choose(client, pair):
    login(client, pair.mentee.user)
    response = client.post(
        reverse("mentorships:keep_going", args=[pair.pk]), {"confirm": "yes"}, follow=True
    )
    assert "not closing at the end of a term" in response.content.decode()
    assert fresh(pair).mentee_extends_at is None


def test_nobody_outside_the_pair_chooses_for_it(client, pair, clock_at, program):
    clock_at(ENDS)
    login(client, MentorFactory(program=program).user)
    for name in ("keep_going", "take_back"):
        response = client.post(reverse(f"mentorships:{name}", args=[pair.pk]), {"confirm": "yes"})
        assert response.status_code == 404
    assert fresh(pair).mentee_extends_at is None and fresh(pair).mentor_extends_at is None


def test_a_completed_mentorship_says_it_ended_with_its_term(client, pair, clock_at):
    clock_at(ENDS)
    clock_at(CLOSES)
    html = page(client, pair, pair.mentor)
    assert "Completed at the end of the term of Spring 2027." in html
    assert "Spring 2027 · ran until 30 June 2027" in html
    assert 'id="term"' not in html
