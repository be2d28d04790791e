"""A mentorship's term: the cycle it was made in (``Mentorship.cycle``) runs until its
``ends_on``. On that day the clock asks each pair under way to close: it will end
as *completed* ``Program.term_grace_days`` later, unless both sides choose to keep
going, in which case it goes on without a term (docs/mentorships.md, "At the end
of a cycle's term").

The clock reads the cycle's dates, not its state: a cycle an admin closes by hand
early leaves its mentorships their term, and one whose ``ends_on`` is empty
(open-ended, or a program without cycles) never asks."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from profiles.models import Profile

from . import emails, lifecycle
from .exceptions import Refused
from .models import Mentorship


def close_terms(*, now: datetime | None = None) -> int:
    """The clock's step: ask the pairs whose term ended, then close (or carry on)
    those whose day to close has come. Each once, however often it runs: what it
    did, counted."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    return _ask_to_close(today) + _close_due(today)


def _ask_to_close(today: date) -> int:
    """Under way in a cycle whose term has ended, and not asked yet: set the day it
    closes and tell both sides, once. A pair that went on after an earlier term
    (both chose to, ``closing_on`` cleared since) is not asked again, nor is a
    pair made after its cycle's term ended (an admin's late match): the term was
    never theirs."""
    due = (
        Mentorship.objects.filter(
            status__in=Mentorship.PAIRED,
            closing_on__isnull=True,
            cycle__ends_on__lte=today,
        )
        .exclude(mentor_extends_at__isnull=False, mentee_extends_at__isnull=False)
        .select_related("program", "cycle")
        .order_by("pk")
    )
    count = 0
    for m in due:
        if m.started_at and timezone.localdate(m.started_at) > m.cycle.ends_on:
            continue
        # The full grace from the day they are told, even if the clock was down
        # on the day the term ended: nobody closes without the time to choose.
        closing_on = max(m.cycle.ends_on, today) + timedelta(days=m.program.term_grace_days)
        claimed = Mentorship.objects.filter(
            pk=m.pk, status__in=Mentorship.PAIRED, closing_on__isnull=True
        ).update(closing_on=closing_on)
        if claimed:
            # Not yet the close-out survey: the pair may still choose to keep going. Each
            # side is asked how it went when it completes (lifecycle.end_term), as after
            # any end (mentorships/close_outs.py).
            emails.term_ended.delay_on_commit(m.pk)
            count += 1
    return count


def _close_due(today: date) -> int:
    due = Mentorship.objects.filter(status__in=Mentorship.PAIRED, closing_on__lte=today)
    count = 0
    for pk in due.order_by("pk").values_list("pk", flat=True):
        try:
            lifecycle.end_term(mentorship=Mentorship(pk=pk), today=today)
        except Refused:  # ended by one side, or closed by another run, meanwhile
            continue
        count += 1
    return count


# --- each side's choice, on the mentorship page ---------------------------------------


def may_choose(m: Mentorship, today: date | None = None) -> bool:
    """Whether the pair can still say whether to keep going: asked to close, under
    way, and the day it closes still to come."""
    today = today or timezone.localdate()
    return m.status in Mentorship.PAIRED and m.closing_on is not None and today < m.closing_on


def _column(m: Mentorship, by: Profile) -> str:
    if by.pk not in (m.mentee_id, m.mentor_id):
        raise Refused(gettext("Only the two people of this mentorship choose whether it goes on."))
    return f"{m.side_of(by)}_extends_at"


def why_not_choose(m: Mentorship, today: date | None = None) -> str | None:
    """Why the pair cannot choose now, in words for them; None if they can."""
    if m.status not in Mentorship.PAIRED:
        return gettext("This mentorship is not under way.")
    if m.closing_on is None:
        return gettext(
            "Your mentorship is not closing at the end of a term: there is nothing to choose."
        )
    if not may_choose(m, today):
        return gettext("The time to choose ended: your mentorship closes on %(date)s.") % {
            "date": date_format(m.closing_on, "DATE_FORMAT")
        }
    return None


def _locked_for_choice(m: Mentorship) -> Mentorship:
    m = Mentorship.objects.select_for_update().get(pk=m.pk)
    if refusal := why_not_choose(m):
        raise Refused(refusal)
    return m


@transaction.atomic
def keep_going(*, mentorship: Mentorship, by: Profile) -> Mentorship:
    """``by`` chooses to keep going after the term. Once both have, the other side
    hears it (their choice made first; they were waiting for this one). Choosing
    twice changes nothing."""
    m = _locked_for_choice(mentorship)
    mine = _column(m, by)
    if getattr(m, mine) is not None:
        return m
    now = timezone.now()
    setattr(m, mine, now)
    m.save(update_fields=[mine])
    if m.mentor_extends_at and m.mentee_extends_at:
        emails.term_choice.delay_on_commit(m.pk, m.side_of(by), True, now.isoformat())
    return m


@transaction.atomic
def take_back(*, mentorship: Mentorship, by: Profile) -> Mentorship:
    """``by`` takes back their choice to keep going, before the day it closes. If
    both had chosen, the other side was told so: they hear that it closes after
    all."""
    m = _locked_for_choice(mentorship)
    mine = _column(m, by)
    if getattr(m, mine) is None:
        return m
    both = m.mentor_extends_at and m.mentee_extends_at
    setattr(m, mine, None)
    m.save(update_fields=[mine])
    if both:
        emails.term_choice.delay_on_commit(m.pk, m.side_of(by), False, timezone.now().isoformat())
    return m
