"""Matching's one email: a mentee's suggestions are ready (profiles/outbox.py)."""

from django.urls import reverse

from mentorships.models import Mentorship
from profiles import outbox
from profiles.models import Profile

from .models import Suggestion


@outbox.email
def suggestions_ready(mentee_id: int) -> bool:
    """Once when a mentee first has suggestions, and once per return to the pool."""
    mentee = Profile.objects.select_related("user", "program").filter(pk=mentee_id).first()
    if mentee is None or not Suggestion.objects.for_mentee(mentee).listed().exists():
        return False
    returns = Mentorship.objects.filter(mentee=mentee, status__in=Mentorship.CLOSED).count()
    return outbox.send_once(
        key=f"suggestions-ready:{mentee_id}:{returns}",
        to=mentee.user,
        template="matching/email/suggestions_ready",
        context={"mentee": mentee, "link": reverse("matching:profile_home", args=[mentee.pk])},
    )
