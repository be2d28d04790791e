"""The mentee's follow-ups 6 and 12 months after a mentorship closed, with a moving
clock: each made and sent once, however often the hourly clock runs; only the
latest when more than one is due; never to the mentor, nor about a mentorship
that never started, nor to someone who has left."""

from datetime import UTC, date, datetime

import pytest
from django.core import mail

from mentorships import clock, follow_ups, lifecycle
from mentorships.models import Mentorship
from mentorships.outcome_models import FollowUp
from privacy import services
from tests.mentorships.helpers import ask, sent_to

pytestmark = pytest.mark.django_db

Status = Mentorship.Status
CLOSED_AT = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
SIX = "Six months since your mentorship"
TWELVE = "Twelve months since your mentorship"


@pytest.fixture
def start(time_machine):
    """The day the mentorship closes, held still: the clock moves only when a test moves it."""
    time_machine.move_to(CLOSED_AT, tick=False)
    return CLOSED_AT


@pytest.fixture
def closed(start, paired, on_commit) -> Mentorship:
    """A mentorship under way, ended by its mentee on 10 March 2026 (goals met)."""
    on_commit(lifecycle.end, mentorship=paired, by=paired.mentee, reason="goals_met")
    paired.refresh_from_db()
    mail.outbox.clear()
    return paired


def at(on_commit, time_machine, when: datetime) -> int:
    """Move the clock to ``when`` and run the hourly clock twice: what the first run
    sent (the second sends nothing)."""
    time_machine.move_to(when, tick=False)
    first = on_commit(clock.run)
    second = on_commit(clock.run)
    assert second["follow_ups"] == 0
    return first["follow_ups"]


def follow_ups_to(profile) -> list[str]:
    return [s for s in sent_to(profile) if s.startswith((SIX, TWELVE))]


def test_the_day_due_is_counted_in_calendar_months():
    ended = datetime(2026, 8, 31, 10, 0, tzinfo=UTC)
    assert follow_ups.due_on(ended, 6) == date(2027, 2, 28)
    assert follow_ups.due_on(ended, 12) == date(2027, 8, 31)
    assert follow_ups.due_on(datetime(2027, 8, 31, tzinfo=UTC), 6) == date(2028, 2, 29)


def test_nothing_is_sent_at_five_months_and_twenty_nine_days(closed, on_commit, time_machine):
    assert at(on_commit, time_machine, datetime(2026, 9, 9, 23, 0, tzinfo=UTC)) == 0
    assert not FollowUp.objects.exists()
    assert not follow_ups_to(closed.mentee)


def test_the_six_month_follow_up_goes_once_at_six_months(closed, on_commit, time_machine):
    assert at(on_commit, time_machine, datetime(2026, 9, 10, 0, 0, tzinfo=UTC)) == 1
    assert at(on_commit, time_machine, datetime(2026, 9, 10, 1, 0, tzinfo=UTC)) == 0
    f = FollowUp.objects.get()
    assert (f.mentorship, f.profile, f.months, f.due_on) == (
        closed,
        closed.mentee,
        6,
        date(2026, 9, 10),
    )
    assert f.sent_at == datetime(2026, 9, 10, 0, 0, tzinfo=UTC) and f.answered_at is None
    assert follow_ups_to(closed.mentee) == [f"{SIX} with {closed.mentor.name}: how are things?"]


def test_the_twelve_month_follow_up_goes_once_six_months_later(closed, on_commit, time_machine):
    at(on_commit, time_machine, datetime(2026, 9, 10, 9, 0, tzinfo=UTC))
    assert at(on_commit, time_machine, datetime(2027, 3, 9, 23, 0, tzinfo=UTC)) == 0
    assert at(on_commit, time_machine, datetime(2027, 3, 10, 0, 0, tzinfo=UTC)) == 1
    assert at(on_commit, time_machine, datetime(2027, 6, 1, 0, 0, tzinfo=UTC)) == 0
    assert sorted(FollowUp.objects.values_list("months", "due_on")) == [
        (6, date(2026, 9, 10)),
        (12, date(2027, 3, 10)),
    ]
    assert [s.split(" with ")[0] for s in follow_ups_to(closed.mentee)] == [SIX, TWELVE]


def test_the_mentor_is_never_sent_a_follow_up(closed, on_commit, time_machine):
    at(on_commit, time_machine, datetime(2026, 9, 10, 9, 0, tzinfo=UTC))
    at(on_commit, time_machine, datetime(2027, 3, 10, 9, 0, tzinfo=UTC))
    assert len(follow_ups_to(closed.mentee)) == 2
    assert not [s for s in sent_to(closed.mentor) if "months since" in s]
    assert not FollowUp.objects.filter(profile=closed.mentor).exists()


def test_after_months_without_a_clock_only_the_latest_due_is_sent(closed, on_commit, time_machine):
    """Down from before the 6-month day until after the 12-month one: one email,
    the 12-month follow-up; the 6-month one is never made, nor sent later."""
    assert at(on_commit, time_machine, datetime(2027, 3, 20, 9, 0, tzinfo=UTC)) == 1
    assert at(on_commit, time_machine, datetime(2027, 3, 21, 9, 0, tzinfo=UTC)) == 0
    assert list(FollowUp.objects.values_list("months", flat=True)) == [12]
    assert [s.split(" with ")[0] for s in follow_ups_to(closed.mentee)] == [TWELVE]


def test_an_unsent_six_month_follow_up_gives_way_to_the_twelve_month_one(
    closed, on_commit, time_machine
):
    """A 6-month row made but never sent (a run that failed between the two) is
    not sent beside the 12-month one."""
    FollowUp.objects.create(
        mentorship=closed, profile=closed.mentee, months=6, due_on=date(2026, 9, 10)
    )
    assert at(on_commit, time_machine, datetime(2027, 3, 10, 9, 0, tzinfo=UTC)) == 1
    sent = dict(FollowUp.objects.values_list("months", "sent_at"))
    assert sent[6] is None and sent[12] is not None
    assert [s.split(" with ")[0] for s in follow_ups_to(closed.mentee)] == [TWELVE]


def test_a_six_month_follow_up_left_unsent_is_sent_when_it_is_the_latest(
    closed, on_commit, time_machine
):
    FollowUp.objects.create(
        mentorship=closed, profile=closed.mentee, months=6, due_on=date(2026, 9, 10)
    )
    assert at(on_commit, time_machine, datetime(2026, 10, 1, 9, 0, tzinfo=UTC)) == 1
    assert FollowUp.objects.get().sent_at is not None


def test_a_mentorship_that_closed_before_follow_ups_began_gets_the_latest_due(
    closed, on_commit, time_machine
):
    """At the upgrade, a mentorship closed 12 months and 3 weeks ago: its 12-month
    follow-up, three weeks late, and nothing else."""
    assert at(on_commit, time_machine, datetime(2027, 3, 31, 9, 0, tzinfo=UTC)) == 1
    assert list(FollowUp.objects.values_list("months", flat=True)) == [12]


def test_a_mentorship_that_closed_over_thirteen_months_ago_is_not_followed_up(
    closed, on_commit, time_machine
):
    assert at(on_commit, time_machine, datetime(2027, 4, 11, 9, 0, tzinfo=UTC)) == 0
    assert not FollowUp.objects.exists()


def test_a_request_that_never_started_is_not_followed_up(start, pool, on_commit, time_machine):
    mentee, mentors = pool
    declined = ask(mentee, mentors[0])
    on_commit(lifecycle.decline, mentorship=declined, reason="other")
    ask(mentee, mentors[1])  # withdrawn, then expires: never started either
    # Closed as ended without having started (as an admin's fix might leave it).
    Mentorship.objects.create(
        program=mentee.program,
        mentee=mentee,
        mentor=mentors[2],
        status=Status.ENDED,
        end_reason="other",
        ended_at=CLOSED_AT,
    )
    assert at(on_commit, time_machine, datetime(2026, 9, 20, 9, 0, tzinfo=UTC)) == 0
    assert not FollowUp.objects.exists()


def test_a_match_turned_down_is_not_followed_up(start, pool, on_commit, time_machine):
    mentee, mentors = pool
    m = on_commit(lifecycle.match, mentee=mentee, mentor=mentors[0], source="admin")
    on_commit(lifecycle.turn_down_match, mentorship=m, by=mentee, reason="We never clicked")
    assert Mentorship.objects.get(pk=m.pk).status in (Status.COMPLETED, Status.ENDED)
    assert at(on_commit, time_machine, datetime(2026, 9, 20, 9, 0, tzinfo=UTC)) == 0
    assert not FollowUp.objects.exists()


def test_a_mentee_who_deleted_their_account_is_not_followed_up(closed, on_commit, time_machine):
    services.delete_account(user=closed.mentee.user)
    closed.refresh_from_db()
    assert closed.mentee is None and closed.status == Status.COMPLETED
    assert at(on_commit, time_machine, datetime(2026, 9, 20, 9, 0, tzinfo=UTC)) == 0
    assert not FollowUp.objects.exists()


def test_a_mentee_paired_again_since_is_still_asked_about_the_closed_mentorship(
    closed, pool, on_commit, time_machine
):
    _, mentors = pool
    again = ask(closed.mentee, mentors[1])
    lifecycle.accept(mentorship=again)
    assert at(on_commit, time_machine, datetime(2026, 9, 10, 9, 0, tzinfo=UTC)) == 1
    assert FollowUp.objects.get().mentorship == closed


def test_a_pair_that_went_on_together_is_asked_from_the_last_close_only(
    closed, on_commit, time_machine
):
    """Closed at the term's end, then continued in the next cycle (as
    lifecycle.continue_pair makes it): nothing about the first mentorship; the
    follow-ups count from the day the continuation closes."""
    Mentorship.objects.filter(pk=closed.pk).update(
        status=Status.COMPLETED, end_reason=Mentorship.EndReason.TERM_ENDED
    )
    time_machine.move_to(datetime(2026, 4, 1, 9, 0, tzinfo=UTC), tick=False)
    went_on = Mentorship.objects.create(
        program=closed.program,
        mentee=closed.mentee,
        mentor=closed.mentor,
        status=Status.ACTIVE,
        source=Mentorship.Source.CONTINUED,
        started_at=datetime(2026, 4, 1, 9, 0, tzinfo=UTC),
    )
    assert at(on_commit, time_machine, datetime(2026, 9, 20, 9, 0, tzinfo=UTC)) == 0
    time_machine.move_to(datetime(2026, 11, 5, 9, 0, tzinfo=UTC), tick=False)
    on_commit(lifecycle.end, mentorship=went_on, by=went_on.mentor, reason="goals_met")
    assert at(on_commit, time_machine, datetime(2027, 3, 10, 9, 0, tzinfo=UTC)) == 0
    assert at(on_commit, time_machine, datetime(2027, 5, 5, 9, 0, tzinfo=UTC)) == 1
    assert list(FollowUp.objects.values_list("mentorship", "months")) == [(went_on.pk, 6)]


def test_the_email_says_when_it_closed_and_links_to_the_page_only(closed, on_commit, time_machine):
    at(on_commit, time_machine, datetime(2026, 9, 10, 9, 0, tzinfo=UTC))
    (email,) = [e for e in mail.outbox if e.to == [closed.mentee.user.email]]
    f = FollowUp.objects.get()
    assert "closed in March 2026" in email.body
    assert f"/follow-up/{f.pk}/" in email.body
    assert f"{closed.mentor.name} never sees them" in email.body
    assert email.extra_headers["X-Kindred-Email"] == "follow_up"


def test_an_answered_follow_up_is_not_emailed_again(closed, on_commit, time_machine):
    from mentorships import emails

    at(on_commit, time_machine, datetime(2026, 9, 10, 9, 0, tzinfo=UTC))
    f = FollowUp.objects.get()
    follow_ups.answer(follow_up=f, answers=follow_ups.Answers(new_role=True))
    mail.outbox.clear()
    assert emails.follow_up.apply(args=[f.pk]).get() is False
    assert not mail.outbox
