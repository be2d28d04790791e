from datetime import timedelta

from django.core import mail
from django.utils import timezone

from matching import suggestions
from matching.models import Suggestion
from mentorships.models import Mentorship
from profiles.models import Profile


def suggestion_for(mentee, mentor) -> Suggestion:
    return Suggestion.objects.get(mentee=mentee, mentor=mentor)


def ask(mentee, mentor, message="Hello!") -> Mentorship:
    return suggestions.request_mentor(suggestion=suggestion_for(mentee, mentor), message=message)


def sent_to(profile) -> list[str]:
    return [m.subject for m in mail.outbox if m.to == [profile.user.email]]


def aged(m: Mentorship, age: timedelta) -> Mentorship:
    Mentorship.objects.filter(pk=m.pk).update(requested_at=timezone.now() - age)
    return m


def outsider(program, who: str):
    """Someone who is not of a pair: "third mentee", "third mentor" or "staff" (a superuser)."""
    from tests.factories import MentorFactory, ProfileFactory, UserFactory

    make = {
        "third mentee": lambda: ProfileFactory(program=program).user,
        "third mentor": lambda: MentorFactory(program=program).user,
        "staff": lambda: UserFactory(is_staff=True, is_superuser=True),
    }
    return make[who]()


OUTSIDERS = ["third mentee", "third mentor", "staff"]


def in_two_zones(m: Mentorship) -> Mentorship:
    """The pair on two sides of the Atlantic: the mentee in Los Angeles, the mentor in London."""
    Profile.objects.filter(pk=m.mentee_id).update(timezone="America/Los_Angeles")
    Profile.objects.filter(pk=m.mentor_id).update(timezone="Europe/London")
    m.refresh_from_db()
    return m


def a_confirmed_meeting(m: Mentorship):
    """A meeting the mentee proposed for two days on and the mentor confirmed."""
    from mentorships import meetings

    start = (timezone.now() + timedelta(days=2)).replace(hour=15, minute=0, second=0, microsecond=0)
    meeting = meetings.propose(
        mentorship=m,
        by=m.mentee,
        times=[start],
        plan=meetings.Plan(video_url="https://meet.example.org/x"),
    )
    return meetings.pick(meeting=meeting, by=m.mentor, option_id=meeting.options.get().pk)
