"""Matching's emails to a mentee about their suggestions (profiles/outbox.py).

A mentee hears once each time they go back to the pool through no doing of
their own (a decline, a request left unanswered, a mentorship ended by the
other side or the program, a mentor who left), and that one email says why
and what is new: their fresh suggestions, or honestly that none fit yet. What
they did themselves (withdrawing, ending) sends nothing. "Suggestions ready"
is for the rest: their first suggestions, and suggestions that appear after
an email that said none fitted yet. Both are keyed by the mentee's entry into
the pool, so however many events and refreshes arrive at once, one email goes.
"""

from datetime import timedelta

from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy

from mentorships.models import Mentorship
from profiles import outbox
from profiles.models import Profile, SentEmail

from . import sentences
from .models import Suggestion

Status = Mentorship.Status
# Closes that send a mentee back to the pool without their doing.
RETURNED = (
    Q(status__in=[Status.DECLINED, Status.EXPIRED])
    | Q(status__in=[Status.ENDED, Status.COMPLETED], ended_by__in=["mentor", "admin"])
    | Q(status=Status.WITHDRAWN, ended_by="mentor")  # their mentor left Kindred
)
SHOWN = 3


def entries(mentee: Profile) -> int:
    """How many times the mentee has entered the pool: once, plus each return."""
    return 1 + Mentorship.objects.filter(RETURNED, mentee=mentee).count()


def _mentee(mentee_id: int) -> Profile | None:
    return Profile.objects.select_related("user", "program").filter(pk=mentee_id).first()


def _listed(mentee: Profile) -> list[Suggestion]:
    return list(Suggestion.objects.for_mentee(mentee).listed().select_related("mentor"))


def _names(shown: list[Suggestion]):
    """The mentors' names as one list ("A, B and C"), worded when the email is
    written, in its recipient's language."""
    return lazy(sentences.and_listed, str)([s.mentor.name for s in shown])


def _home(mentee: Profile) -> str:
    return reverse("matching:profile_home", args=[mentee.pk])


# A return whose own email has not gone this long after it is presumed lost (its
# task with the broker): "suggestions ready" then speaks instead.
RETURN_TOLD_WITHIN = timedelta(hours=1)
# A close is news for a week: older ones are never told (after an upgrade, say,
# the first email does not recount a mentee's whole history).
RETURN_NEWS_FOR = timedelta(days=7)


def told_key(pk: int) -> str:
    """The key that marks one close as told to its mentee (in their "back in the
    pool" email)."""
    return f"told:{pk}"


def _untold(mentee: Profile, within: timedelta) -> list[Mentorship]:
    """Closes that sent the mentee back to the pool in the last ``within``, not yet told."""
    recent = (
        Mentorship.objects.filter(RETURNED, mentee=mentee)
        .annotate(closed_at=Coalesce("ended_at", "decided_at"))
        .filter(closed_at__gte=timezone.now() - within)
        .select_related("mentor")
        .order_by("pk")
    )
    closes = list(recent)
    told = set(
        SentEmail.objects.filter(key__in=[told_key(m.pk) for m in closes]).values_list(
            "key", flat=True
        )
    )
    return [m for m in closes if told_key(m.pk) not in told]


@outbox.email
def suggestions_ready(mentee_id: int) -> bool:
    """Once per entry into the pool, when suggestions are there and no other
    email of this entry has shown them yet (nor is about to)."""
    mentee = _mentee(mentee_id)
    if mentee is None or not (listed := _listed(mentee)):
        return False
    if _untold(mentee, RETURN_TOLD_WITHIN):
        return False  # the return's own email is on its way, and shows them
    entry = entries(mentee)
    return outbox.send_once(
        key=f"suggestions-ready:{mentee_id}:{entry}",
        to=mentee.user,
        template="matching/email/suggestions_ready",
        context={
            "mentee": mentee,
            "shown": listed[:SHOWN],
            "names": _names(listed[:SHOWN]),
            "link": _home(mentee),
        },
        tz=mentee.timezone,
    )


@outbox.email
def suggestions_ready_for(mentee_ids: list[int]) -> bool:
    """``suggestions_ready`` for each of these mentees: a re-score's chunk queues
    one task for its lists that were empty, not one per mentee."""
    return any([suggestions_ready(mentee_id) for mentee_id in mentee_ids])


@outbox.email
def returned(mentee_id: int) -> bool:
    """Back in the pool: why (every close not yet told, so three requests
    expiring together are one email) and what is new. Sent by
    ``tasks.back_in_pool`` once the mentee's list is refreshed. Each close is
    claimed before the email goes, so two runs never tell it twice; a mentee
    matched meanwhile is told nothing (the news is old)."""
    mentee = _mentee(mentee_id)
    if mentee is None:
        return False
    why = [
        m
        for m in _untold(mentee, RETURN_NEWS_FOR)
        if outbox.claim(key=told_key(m.pk), to=mentee.user)
    ]
    if not why:
        return False
    try:
        if Mentorship.objects.filter(mentee=mentee, status__in=Mentorship.PAIRED).exists():
            return False
        listed = _listed(mentee)
        sent = outbox.send_once(
            key=f"returned:{mentee_id}:{why[0].pk}",
            to=mentee.user,
            template="matching/email/returned",
            context={
                "mentee": mentee,
                "why": why,
                # A list only when there are several: "- " before each.
                "bullet": "- " if len(why) > 1 else "",
                "turned_down": any(m.status in (Status.DECLINED, Status.EXPIRED) for m in why),
                "shown": listed[:SHOWN],
                "names": _names(listed[:SHOWN]),
                "count": len(listed),
                "link": _home(mentee),
            },
            tz=mentee.timezone,
        )
    except Exception:
        # Not told after all: the retry claims them again.
        SentEmail.objects.filter(key__in=[told_key(m.pk) for m in why]).delete()
        raise
    if sent and listed:
        # This email showed them: no separate "suggestions ready" for this entry.
        outbox.claim(key=f"suggestions-ready:{mentee_id}:{entries(mentee)}", to=mentee.user)
    return sent
