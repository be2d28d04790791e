"""Taking part again: when a program's new cycle opens its registration, the
people of its previous cycle are invited back by email, and one click on their
"take part again" page enrols them with everything they answered (and the
consent they gave) as it stands on their profile: nothing is copied or reset.

The invitations go out when ``cycle_moved`` says a cycle entered registration
(receivers.py), each once per person and cycle (emails.take_part_again)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, Q
from django.utils.formats import date_format
from django.utils.translation import gettext

from . import cycles, emails
from .exceptions import RegistrationClosed
from .models import Cycle, Enrolment, Profile
from .services import announce_change
from .signals import took_part_again

State = Cycle.State


def previous_cycle(cycle: Cycle) -> Cycle | None:
    """The program's cycle before ``cycle``: the latest other one that has opened
    (not a draft), by the day its registration opened."""
    others = cycle.program.cycles.exclude(pk=cycle.pk).exclude(state=State.DRAFT)
    if cycle.registration_opens is not None:
        others = others.filter(
            Q(registration_opens__lte=cycle.registration_opens) | Q(registration_opens__isnull=True)
        )
    return others.order_by(F("registration_opens").desc(nulls_last=True), "-pk").first()


def invitees(cycle: Cycle) -> list[int]:
    """Ids of the profiles enrolled in the previous cycle and not yet in ``cycle``."""
    before = previous_cycle(cycle)
    if before is None:
        return []
    already = Enrolment.objects.filter(cycle=cycle).values("profile_id")
    return list(
        Enrolment.objects.filter(cycle=before)
        .exclude(profile_id__in=already)
        .order_by("profile_id")
        .values_list("profile_id", flat=True)
    )


def invite_back(*, cycle: Cycle) -> int:
    """Queue the "take part again" email to each of the previous cycle's people
    not yet in ``cycle`` (each sent once: its key names the cycle); how many."""
    if cycle.state != State.REGISTRATION:
        return 0
    people = invitees(cycle)
    for profile_id in people:
        emails.take_part_again.delay_on_commit(profile_id, cycle.pk)
    return len(people)


def invitation_for(profile: Profile) -> Cycle | None:
    """The cycle ``profile`` is invited to take part in now, for their home page: the
    program's cycle open for registration, if they took part in the one before it
    and not yet in this one."""
    now = cycles.registration(profile.program)
    if now.cycle is None or profile.enrolments.filter(cycle=now.cycle).exists():
        return None
    before = previous_cycle(now.cycle)
    if before is None or not profile.enrolments.filter(cycle=before).exists():
        return None
    return now.cycle


def registration_open(cycle: Cycle) -> bool:
    """Whether people can take part in ``cycle`` now: its registration is open
    and its program takes sign-ups."""
    return cycle.state == State.REGISTRATION and cycle.program.signup_open


def refusal(cycle: Cycle) -> str:
    """Why taking part in ``cycle`` is refused, in words, with what to expect."""
    if cycle.state == State.DRAFT:
        if cycle.registration_opens:
            return gettext(
                "Registration for %(cycle)s has not opened yet. It opens on %(date)s."
            ) % {"cycle": cycle.name, "date": date_format(cycle.registration_opens, "DATE_FORMAT")}
        return gettext(
            "Registration for %(cycle)s has not opened yet. "
            "The program's admins will say when it opens."
        ) % {"cycle": cycle.name}
    if cycle.state == State.REGISTRATION:  # the program's sign-up switch is off
        return gettext("Registration for %(cycle)s is paused by the program's admins for now.") % {
            "cycle": cycle.name
        }
    nxt = cycles.next_opening(cycle.program)
    if nxt is not None and nxt.registration_opens:
        return gettext(
            "Registration for %(cycle)s is closed. The next round, %(next)s, opens on %(date)s."
        ) % {
            "cycle": cycle.name,
            "next": nxt.name,
            "date": date_format(nxt.registration_opens, "DATE_FORMAT"),
        }
    return gettext("Registration for %(cycle)s is closed.") % {"cycle": cycle.name}


@transaction.atomic
def take_part(*, profile: Profile, cycle: Cycle) -> Enrolment:
    """``profile`` takes part in ``cycle`` with its answers and consent as they are
    (once: a second call changes nothing). Refused (``RegistrationClosed``) unless
    the cycle's registration is open."""
    cycle = Cycle.objects.select_related("program").get(pk=cycle.pk)
    if cycle.program_id != profile.program_id:
        raise RegistrationClosed(
            gettext("%(cycle)s is a round of another program.") % {"cycle": cycle.name}
        )
    existing = Enrolment.objects.filter(profile=profile, cycle=cycle).first()
    if existing is not None:
        return existing
    if not registration_open(cycle):
        raise RegistrationClosed(refusal(cycle))
    enrolment = cycles.enrol(profile=profile, cycle=cycle, carried_over=True)
    announce_change(profile)  # back in the matching pool: re-scored after the commit
    took_part_again.send(sender=Profile, profile=profile, cycle=cycle)
    return enrolment
