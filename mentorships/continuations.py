"""Same mentee again: on their "take part again" page, a mentor asks to go on in a
new cycle with mentees they mentored in the previous one; each mentee is told by
email and says yes or no thanks. When the mentee says yes and both take part in
the new cycle, the pair goes on (``lifecycle.continue_pair``), whichever of those
happens last."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from profiles import reenrolment
from profiles.models import Cycle, Profile

from . import emails, lifecycle
from .exceptions import Refused
from .models import Continuation, Mentorship

log = logging.getLogger(__name__)

# A mentorship of the previous cycle that a mentor may ask to go on with.
MENTORED = (Mentorship.Status.ACTIVE, Mentorship.Status.COMPLETED)


def former_mentees(*, mentor: Profile, cycle: Cycle) -> list[Profile]:
    """The mentees ``mentor`` mentored in the cycle before ``cycle``."""
    before = reenrolment.previous_cycle(cycle)
    if before is None or not mentor.is_mentor:
        return []
    mentored = Mentorship.objects.filter(mentor=mentor, cycle=before, status__in=MENTORED)
    return list(
        Profile.objects.filter(pk__in=mentored.values("mentee_id")).order_by("display_name", "pk")
    )


@transaction.atomic
def ask(*, mentor: Profile, cycle: Cycle, mentee_ids: list[int]) -> list[Continuation]:
    """``mentor`` would like to mentor these former mentees again in ``cycle``;
    each is asked once (asking again changes nothing) and told by email."""
    if not mentee_ids:
        raise Refused(gettext("Tick the mentees you would like to mentor again."))
    if not reenrolment.registration_open(cycle):
        raise Refused(reenrolment.refusal(cycle))
    theirs = {p.pk for p in former_mentees(mentor=mentor, cycle=cycle)}
    if not set(mentee_ids) <= theirs:
        raise Refused(
            gettext("You can ask only the mentees you mentored in the round before %(cycle)s.")
            % {"cycle": cycle.name}
        )
    asked = set(
        Continuation.objects.filter(cycle=cycle, mentor=mentor).values_list("mentee_id", flat=True)
    )
    new = Continuation.objects.bulk_create(
        [
            Continuation(cycle=cycle, mentor=mentor, mentee_id=pk)
            for pk in sorted(set(mentee_ids) - asked)
        ],
        ignore_conflicts=True,
    )
    fresh = list(
        Continuation.objects.filter(
            cycle=cycle, mentor=mentor, mentee_id__in=[c.mentee_id for c in new]
        )
    )
    for continuation in fresh:
        emails.continuation_asked.delay_on_commit(continuation.pk)
    return fresh


@transaction.atomic
def answer(*, continuation: Continuation, agrees: bool) -> Mentorship | None:
    """The mentee's yes or no thanks. A yes when both take part in the cycle starts
    the pair at once (refused, and nothing kept, if the mentor is full); before
    that, it starts when the second of them takes part (``go_on``). An answer can
    change until the pair has gone on."""
    lifecycle.lock_for_pairing(
        mentee_ids=[continuation.mentee_id], mentor_ids=[continuation.mentor_id]
    )
    c = Continuation.objects.select_for_update().select_related("cycle").get(pk=continuation.pk)
    if c.mentorship_id is not None:
        return c.mentorship
    if c.cycle.state not in Cycle.TAKING_PART:
        # Translators: the state is a cycle's ("closed", "finished"…).
        raise Refused(
            gettext("%(cycle)s is %(state)s: too late to answer.")
            % {"cycle": c.cycle.name, "state": c.cycle.get_state_display().lower()}
        )
    c.mentee_agrees, c.answered_at = agrees, timezone.now()
    c.save(update_fields=["mentee_agrees", "answered_at"])
    if agrees and _both_take_part(c):
        return lifecycle.continue_pair(continuation=c)
    return None


def _both_take_part(c: Continuation) -> bool:
    return c.cycle.enrolments.filter(profile_id__in=[c.mentee_id, c.mentor_id]).count() == 2


def go_on(*, profile: Profile, cycle: Cycle) -> int:
    """``profile`` has just taken part in ``cycle``: every pair of theirs both sides
    agreed to continue, now both taking part, goes on; how many. A pair the rules
    refuse (the mentor is full) waits, and each side's page says so."""
    agreed = Continuation.objects.filter(
        Q(mentor=profile) | Q(mentee=profile),
        cycle=cycle,
        mentee_agrees=True,
        mentorship__isnull=True,
    ).select_related("cycle")
    count = 0
    for c in list(agreed.order_by("pk")):
        if not _both_take_part(c):
            continue
        try:
            lifecycle.continue_pair(continuation=c)
        except Refused as refused:
            log.info("Continuation %s waits: %s", c.pk, refused)
            continue
        count += 1
    return count


def page_part(*, profile: Profile, cycle: Cycle) -> dict | None:
    """What the "take part again" page shows of going on together, or None."""
    if profile.is_mentor:
        mentees = former_mentees(mentor=profile, cycle=cycle)
        if not mentees:
            return None
        asked = {
            c.mentee_id: c
            for c in Continuation.objects.filter(cycle=cycle, mentor=profile).select_related(
                "mentorship"
            )
        }
        return {
            "side": "mentor",
            "former": [(m, asked.get(m.pk)) for m in mentees],
            # Anyone left to ask, while the cycle's registration is open.
            "can_ask": reenrolment.registration_open(cycle)
            and any(m.pk not in asked for m in mentees),
            "full": lifecycle.places_taken(profile) >= profile.capacity,
        }
    asks = asks_for(profile, cycle=cycle)
    for c in asks:
        # A yes that could not go on when the last of them took part (the mentor was
        # full then): the mentee may try again, from the page.
        c.stuck = c.mentee_agrees and c.mentorship_id is None and _both_take_part(c)
    return {"side": "mentee", "asks": asks} if asks else None


def asks_for(mentee: Profile, *, cycle: Cycle | None = None) -> list[Continuation]:
    """The mentors asking to mentor ``mentee`` again, in cycles still taking part
    (``cycle`` alone if given), answered or not."""
    found = Continuation.objects.filter(
        mentee=mentee, cycle__state__in=Cycle.TAKING_PART
    ).select_related("mentor", "cycle", "mentorship")
    if cycle is not None:
        found = found.filter(cycle=cycle)
    return list(found.order_by("-asked_at", "-pk"))


def asked_by(mentor: Profile) -> list[Continuation]:
    """What ``mentor`` asked in cycles still taking part, not yet gone on: each
    with the mentee's answer so far, for their home."""
    return list(
        Continuation.objects.filter(
            mentor=mentor, cycle__state__in=Cycle.TAKING_PART, mentorship__isnull=True
        )
        .select_related("mentee", "cycle")
        .order_by("cycle_id", "mentee__display_name", "pk")
    )
