from datetime import timedelta

from django.core import mail
from django.utils import timezone

from matching import suggestions
from matching.models import Suggestion
from mentorships.models import Mentorship


def suggestion_for(mentee, mentor) -> Suggestion:
    return Suggestion.objects.get(mentee=mentee, mentor=mentor)


def ask(mentee, mentor, message="Hello!") -> Mentorship:
    return suggestions.request_mentor(suggestion=suggestion_for(mentee, mentor), message=message)


def sent_to(profile) -> list[str]:
    return [m.subject for m in mail.outbox if m.to == [profile.user.email]]


def aged(m: Mentorship, age: timedelta) -> Mentorship:
    Mentorship.objects.filter(pk=m.pk).update(requested_at=timezone.now() - age)
    return m
