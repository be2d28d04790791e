"""Meetings: every step and every refusal (mentorships/meetings.py)."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from mentorships import agreements, lifecycle, meetings
from mentorships.agreements import GoalTerms, Terms
from mentorships.exceptions import Refused
from mentorships.meetings import Plan
from mentorships.models import Meeting, MeetingOption, Mentorship
from profiles.models import Tag
from tests.factories import ProfileFactory
from tests.mentorships.helpers import in_two_zones, sent_to

pytestmark = pytest.mark.django_db

Status = Meeting.Status
VIDEO = "https://meet.example.org/abc-defg-hij"


def soon(days: int = 2, hour: int = 17) -> datetime:
    base = timezone.now() + timedelta(days=days)
    return base.replace(hour=hour, minute=0, second=0, microsecond=0)


def plan(**changes) -> Plan:
    return Plan(**{"minutes": 60, "video_url": VIDEO, **changes})


@pytest.fixture
def pair(paired, on_commit):
    """The paired mentee (Los Angeles) and mentor (London), and a way to act
    with the emails sent once the step commits."""
    mail.outbox.clear()
    return in_two_zones(paired)


def propose(m, by, times=None, run=None, **changes) -> Meeting:
    return meetings.propose(
        mentorship=m, by=by, times=times or [soon(2), soon(3)], plan=plan(**changes)
    )


def first_option(meeting: Meeting) -> MeetingOption:
    return meeting.options.order_by("starts_at").first()


def confirmed(m, proposer, picker, when=None) -> Meeting:
    meeting = propose(m, proposer, times=[when or soon(2)])
    return meetings.pick(meeting=meeting, by=picker, option_id=first_option(meeting).pk)


# --- proposing ----------------------------------------------------------------------------


def test_either_side_proposes_one_to_three_times(pair, on_commit):
    meeting = on_commit(propose, pair, pair.mentor, times=[soon(3), soon(2), soon(4)])
    assert meeting.status == Status.PROPOSED and meeting.proposed_by == pair.mentor
    assert [o.starts_at for o in meeting.options.all()] == [soon(2), soon(3), soon(4)]
    (subject,) = sent_to(pair.mentee)
    assert subject == f"{pair.mentor.name} proposed a meeting: pick a time"
    assert sent_to(pair.mentor) == []
    mine = on_commit(propose, pair, pair.mentee, times=[soon(5)])
    assert mine.proposed_by == pair.mentee
    assert sent_to(pair.mentor) == [f"{pair.mentee.name} proposed a meeting: pick a time"]


def test_the_proposal_email_shows_each_time_in_both_zones(pair, on_commit):
    instant = datetime(2027, 3, 16, 17, 0, tzinfo=UTC)  # 10:00 in Los Angeles, 17:00 in London
    on_commit(meetings.propose, mentorship=pair, by=pair.mentor, times=[instant], plan=plan())
    (email,) = mail.outbox
    assert "Tue 16 Mar 2027 10:00 your time · 17:00 for " in email.body
    assert f"17:00 for {pair.mentor.name} (Europe/London)" in email.body


@pytest.mark.parametrize(
    ("times", "changes", "why"),
    [
        ("none", {}, "one to 3"),
        ("four", {}, "one to 3"),
        ("past", {}, "in the future"),
        ("now", {}, "in the future"),
        (None, {"minutes": 10}, "15 to 180"),
        (None, {"minutes": 181}, "15 to 180"),
        (None, {"video_url": "", "place": "  "}, "a place, or a video link"),
        (None, {"video_url": "ftp://files.example.org/x"}, "https://"),
        (None, {"video_url": "javascript:alert(1)"}, "https://"),
        (None, {"video_url": "meet me there"}, "https://"),
    ],
)
def test_a_bad_proposal_is_refused_and_nothing_is_saved(pair, times, changes, why):
    now = timezone.now()
    chosen = {
        "none": [],
        "four": [soon(d) for d in (2, 3, 4, 5)],
        "past": [soon(2), now - timedelta(minutes=1)],
        "now": [now],
    }.get(times, [soon(2)])
    with pytest.raises(Refused, match=why):
        meetings.propose(
            mentorship=pair, by=pair.mentee, times=chosen, plan=plan(**changes), now=now
        )
    assert not Meeting.objects.exists() and not mail.outbox


def test_the_agenda_is_drawn_from_the_goals(pair):
    goals = list(meetings.agenda_goals(pair))
    assert {g.slug for g in goals} == {"networking", "leadership"}
    meeting = propose(pair, pair.mentee, agenda=goals[:1], agenda_note="My first talk")
    assert list(meeting.agenda.all()) == goals[:1] and meeting.agenda_note == "My first talk"
    other = Tag.objects.filter(kind="goal").exclude(pk__in=[g.pk for g in goals]).first()
    with pytest.raises(Refused, match="goals you work on together"):
        propose(pair, pair.mentee, agenda=[other])


def test_once_agreed_the_agenda_is_drawn_from_the_agreed_goals(pair):
    agreements.propose(
        mentorship=pair,
        by=pair.mentee,
        terms=Terms(
            goals=[GoalTerms(goal="leadership", success="Lead a project", rating=2)],
            cadence_weeks=2,
            duration_months=6,
            confidentiality="",
        ),
    )
    assert {g.slug for g in meetings.agenda_goals(pair)} == {"networking", "leadership"}
    agreements.confirm(mentorship=pair, by=pair.mentor)
    assert [g.slug for g in meetings.agenda_goals(pair)] == ["leadership"]
    networking = Tag.objects.get(kind="goal", slug="networking")
    with pytest.raises(Refused, match="goals you work on together"):
        propose(pair, pair.mentee, agenda=[networking])


def test_a_request_or_an_ended_mentorship_has_no_meetings(pool):
    mentee, mentors = pool
    from tests.mentorships.helpers import ask

    m = ask(mentee, mentors[0])
    with pytest.raises(Refused, match="under way"):
        propose(m, mentee)
    lifecycle.accept(mentorship=m)
    lifecycle.end(mentorship=m, by=mentee, reason="no_time")
    with pytest.raises(Refused, match="under way"):
        propose(m, mentee)


def test_a_third_person_cannot_propose(pair, program):
    stranger = ProfileFactory(program=program)
    with pytest.raises(Refused, match="two people"):
        propose(pair, stranger)


def test_at_most_three_meetings_wait_at_once(pair):
    for _ in range(meetings.MAX_OPEN):
        propose(pair, pair.mentee)
    with pytest.raises(Refused, match="settle one of them first"):
        propose(pair, pair.mentor)


# --- picking --------------------------------------------------------------------------------


def test_the_other_side_picks_a_time_and_both_get_the_invite(pair, on_commit):
    meeting = propose(pair, pair.mentee)
    option = meeting.options.order_by("-starts_at").first()
    on_commit(meetings.pick, meeting=meeting, by=pair.mentor, option_id=option.pk)
    meeting.refresh_from_db()
    assert meeting.status == Status.CONFIRMED and meeting.sequence == 0
    assert (meeting.starts_at, meeting.ends_at) == (soon(3), soon(3) + timedelta(hours=1))
    assert not meeting.options.exists()
    for side, other in ((pair.mentee, pair.mentor), (pair.mentor, pair.mentee)):
        (email,) = [e for e in mail.outbox if e.to == [side.user.email]]
        assert email.subject.startswith(f"Confirmed: your meeting with {other.name} on ")
        (part,) = email.attachments
        assert part.get_content_type() == "text/calendar"
        assert part.get_param("method") == "REQUEST"


def test_the_proposer_cannot_pick_their_own_times(pair):
    meeting = propose(pair, pair.mentee)
    with pytest.raises(Refused, match=f"{pair.mentor.name} picks one"):
        meetings.pick(meeting=meeting, by=pair.mentee, option_id=first_option(meeting).pk)


def test_a_time_past_cannot_be_picked(pair):
    meeting = propose(pair, pair.mentee, times=[soon(2), soon(5)])
    later = soon(3)
    with pytest.raises(Refused, match="has passed"):
        meetings.pick(
            meeting=meeting, by=pair.mentor, option_id=first_option(meeting).pk, now=later
        )
    assert Meeting.objects.get(pk=meeting.pk).status == Status.PROPOSED


def test_only_a_time_of_this_meeting_can_be_picked(pair):
    one, two = propose(pair, pair.mentee), propose(pair, pair.mentee)
    with pytest.raises(Refused, match="no longer on offer"):
        meetings.pick(meeting=one, by=pair.mentor, option_id=first_option(two).pk)


def test_a_confirmed_meeting_cannot_be_picked_again(pair):
    meeting = confirmed(pair, pair.mentee, pair.mentor)
    with pytest.raises(Refused, match="already confirmed"):
        meetings.pick(meeting=meeting, by=pair.mentor, option_id=1)


def test_a_time_overlapping_a_confirmed_meeting_is_refused(pair):
    confirmed(pair, pair.mentee, pair.mentor, when=soon(2))
    with pytest.raises(Refused, match="overlaps a meeting the two of you have confirmed"):
        propose(pair, pair.mentor, times=[soon(2) + timedelta(minutes=30)])
    waiting = propose(pair, pair.mentor, times=[soon(2) + timedelta(minutes=60)])  # just after
    clashing = propose(pair, pair.mentor, times=[soon(3)])
    Meeting.objects.filter(pk=clashing.pk).update(minutes=60)
    clashing.options.update(starts_at=soon(2) - timedelta(minutes=30))  # made to clash since
    with pytest.raises(Refused, match="overlaps"):
        meetings.pick(meeting=clashing, by=pair.mentee, option_id=first_option(clashing).pk)
    meetings.pick(meeting=waiting, by=pair.mentee, option_id=first_option(waiting).pk)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_picks_at_once_confirm_one_time(paired):
    """A double submit picking the two times: the meeting's row is locked, the
    second pick waits, then finds it confirmed and is refused."""
    meeting = propose(paired, paired.mentee, times=[soon(2), soon(3)])
    options = list(meeting.options.values_list("pk", flat=True))
    start = threading.Barrier(2)
    outcomes = []

    def pick(option_id):
        try:
            start.wait()
            meetings.pick(meeting=meeting, by=paired.mentor, option_id=option_id)
            outcomes.append("confirmed")
        except Refused as refused:
            outcomes.append(str(refused))
        finally:
            connection.close()

    threads = [threading.Thread(target=pick, args=[pk]) for pk in options]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == [
        "This meeting is already confirmed: see its time below.",
        "confirmed",
    ]
    meeting.refresh_from_db()
    assert meeting.status == Status.CONFIRMED and meeting.sequence == 0


# --- other times, moves and cancellations ---------------------------------------------------


def test_none_of_the_times_suits_so_the_other_side_proposes_others(pair, on_commit):
    meeting = propose(pair, pair.mentee)
    on_commit(meetings.propose_times, meeting=meeting, by=pair.mentor, times=[soon(6)], plan=plan())
    meeting.refresh_from_db()
    assert (meeting.status, meeting.proposed_by, meeting.rounds) == (
        Status.PROPOSED,
        pair.mentor,
        2,
    )
    assert [o.starts_at for o in meeting.options.all()] == [soon(6)]
    assert sent_to(pair.mentee) == [f"{pair.mentor.name} proposed a meeting: pick a time"]
    meetings.pick(meeting=meeting, by=pair.mentee, option_id=first_option(meeting).pk)
    meeting.refresh_from_db()
    assert meeting.sequence == 0  # the first invite


def test_a_confirmed_meeting_moves_as_the_same_meeting(pair, on_commit):
    meeting = confirmed(pair, pair.mentee, pair.mentor)
    uid = meeting.uid
    on_commit(meetings.propose_times, meeting=meeting, by=pair.mentor, times=[soon(8)], plan=plan())
    meeting.refresh_from_db()
    assert meeting.status == Status.PROPOSED and meeting.starts_at == soon(2)  # kept till picked
    assert sent_to(pair.mentee) == [f"{pair.mentor.name} proposed new times for your meeting"]
    mail.outbox.clear()
    on_commit(meetings.pick, meeting=meeting, by=pair.mentee, option_id=first_option(meeting).pk)
    meeting.refresh_from_db()
    assert (meeting.uid, meeting.sequence, meeting.starts_at) == (uid, 1, soon(8))
    for side in (pair.mentee, pair.mentor):
        (subject,) = sent_to(side)
        assert subject.startswith("Moved: your meeting with")


def test_a_meeting_waiting_for_a_time_is_cancelled_for_the_other_side(pair, on_commit):
    meeting = propose(pair, pair.mentee)
    mail.outbox.clear()
    on_commit(meetings.cancel, meeting=meeting, by=pair.mentee)
    meeting.refresh_from_db()
    assert (meeting.status, meeting.cancelled_by, meeting.sequence) == (
        Status.CANCELLED,
        pair.mentee,
        0,
    )
    assert sent_to(pair.mentee) == []
    (email,) = mail.outbox
    assert email.subject == f"Cancelled: your meeting with {pair.mentee.name}"
    assert not email.attachments  # it was never in a calendar


def test_a_confirmed_meeting_cancelled_leaves_both_calendars(pair, on_commit):
    meeting = confirmed(pair, pair.mentee, pair.mentor)
    mail.outbox.clear()
    on_commit(meetings.cancel, meeting=meeting, by=pair.mentor)
    meeting.refresh_from_db()
    assert meeting.status == Status.CANCELLED and meeting.sequence == 1
    assert len(mail.outbox) == 2
    for email in mail.outbox:
        assert email.subject.startswith("Cancelled: your meeting with")
        (part,) = email.attachments
        assert part.get_param("method") == "CANCEL"


@pytest.mark.parametrize("status", [Status.CANCELLED, Status.HELD, Status.MISSED])
def test_a_settled_meeting_cannot_be_cancelled_or_moved(pair, status):
    meeting = confirmed(pair, pair.mentee, pair.mentor)
    Meeting.objects.filter(pk=meeting.pk).update(status=status, held_minutes=30)
    with pytest.raises(Refused):
        meetings.cancel(meeting=meeting, by=pair.mentee)
    with pytest.raises(Refused, match="nothing to move"):
        meetings.propose_times(meeting=meeting, by=pair.mentee, times=[soon(9)], plan=plan())


def test_ending_the_mentorship_cancels_its_meetings_to_come(pair, on_commit):
    waiting = propose(pair, pair.mentor)
    coming = confirmed(pair, pair.mentee, pair.mentor)
    past = confirmed(pair, pair.mentee, pair.mentor, when=soon(4))
    Meeting.objects.filter(pk=past.pk).update(
        starts_at=timezone.now() - timedelta(days=1),
        ends_at=timezone.now() - timedelta(hours=23),
    )
    mail.outbox.clear()
    on_commit(lifecycle.end, mentorship=pair, by=pair.mentee, reason="no_time")
    statuses = dict(Meeting.objects.values_list("pk", "status"))
    assert statuses == {
        waiting.pk: Status.CANCELLED,
        coming.pk: Status.CANCELLED,
        past.pk: Status.CONFIRMED,  # may have happened: left for the log
    }
    cancellations = [e for e in mail.outbox if e.subject.startswith("Cancelled")]
    assert {tuple(e.to) for e in cancellations} >= {
        (pair.mentee.user.email,),
        (pair.mentor.user.email,),
    }
    with_calendar = [e for e in cancellations if e.attachments]
    assert len(with_calendar) == 2  # the confirmed one, to each side


# --- the session log ----------------------------------------------------------------------


def over(meeting: Meeting) -> datetime:
    return meeting.ends_at + timedelta(minutes=1)


def test_a_meeting_held_is_logged_with_its_length_and_goals(pair):
    meeting = confirmed(pair, pair.mentee, pair.mentor)
    goals = list(meetings.agenda_goals(pair))
    meetings.log(
        meeting=meeting, by=pair.mentor, held=True, minutes=50, discussed=goals, now=over(meeting)
    )
    meeting.refresh_from_db()
    assert (meeting.status, meeting.held_minutes, meeting.logged_by) == (
        Status.HELD,
        50,
        pair.mentor,
    )
    assert set(meeting.discussed.all()) == set(goals)
    pair.refresh_from_db()
    assert pair.status == Mentorship.Status.ACTIVE  # mentoring is happening


def test_a_meeting_missed_is_logged(pair):
    meeting = confirmed(pair, pair.mentee, pair.mentor)
    meetings.log(meeting=meeting, by=pair.mentee, held=False, now=over(meeting))
    meeting.refresh_from_db()
    assert meeting.status == Status.MISSED and meeting.held_minutes is None
    pair.refresh_from_db()
    assert pair.status == Mentorship.Status.ACCEPTED


def test_a_meeting_is_logged_once_by_either_side(pair):
    meeting = confirmed(pair, pair.mentee, pair.mentor)
    meetings.log(meeting=meeting, by=pair.mentee, held=True, minutes=60, now=over(meeting))
    with pytest.raises(Refused, match=f"already logged, by {pair.mentee.name}, as held"):
        meetings.log(meeting=meeting, by=pair.mentor, held=False, now=over(meeting))
    with pytest.raises(Refused, match="already logged, by you"):
        meetings.log(meeting=meeting, by=pair.mentee, held=False, now=over(meeting))


def test_a_meeting_is_logged_only_after_its_time(pair):
    meeting = confirmed(pair, pair.mentee, pair.mentor)
    with pytest.raises(Refused, match="once its time is over"):
        meetings.log(
            meeting=meeting,
            by=pair.mentee,
            held=True,
            minutes=60,
            now=meeting.ends_at - timedelta(minutes=1),
        )
    waiting = propose(pair, pair.mentee, times=[soon(5)])
    with pytest.raises(Refused, match="waiting for a time"):
        meetings.log(meeting=waiting, by=pair.mentee, held=False)


@pytest.mark.parametrize(
    ("minutes", "outside", "why"),
    [
        (None, False, "how long"),
        (4, False, "how long"),
        (481, False, "how long"),
        (30, True, "goals you work on together"),
    ],
)
def test_a_bad_log_is_refused(pair, minutes, outside, why):
    meeting = confirmed(pair, pair.mentee, pair.mentor)
    discussed = [Tag.objects.filter(kind="goal", slug="emotional-support").get()] if outside else []
    with pytest.raises(Refused, match=why):
        meetings.log(
            meeting=meeting,
            by=pair.mentee,
            held=True,
            minutes=minutes,
            discussed=discussed,
            now=over(meeting),
        )
    assert Meeting.objects.get(pk=meeting.pk).status == Status.CONFIRMED
