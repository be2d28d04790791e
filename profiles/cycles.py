"""A program's rounds: which cycle is current, whether registration is open,
and taking part in a cycle. The clock that moves cycles along their dates and
an admin's moves by hand build on these (``due_state``, ``move``).

A program with no cycles behaves as before cycles existed: registration follows
its ``signup_open`` switch and everyone is in the matching pool."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from .models import Cycle, Enrolment, Profile, Program

State = Cycle.State
ORDER = [State.DRAFT, State.REGISTRATION, State.MATCHING, State.RUNNING, State.CLOSED]
# The date that moves a cycle into each state (none into draft).
ENTERED_ON = {
    State.REGISTRATION: "registration_opens",
    State.MATCHING: "registration_closes",
    State.RUNNING: "starts_on",
    State.CLOSED: "ends_on",
}


def current(program: Program) -> Cycle | None:
    """The program's current cycle: the newest one people take part in now."""
    return program.cycles.taking_part().order_by("-registration_opens", "-pk").first()


def next_opening(program: Program, today: date | None = None) -> Cycle | None:
    """The next cycle whose registration opens after ``today``, if one is planned."""
    today = today or timezone.localdate()
    return (
        program.cycles.filter(state=State.DRAFT, registration_opens__gt=today)
        .order_by("registration_opens", "pk")
        .first()
    )


@dataclass(frozen=True)
class Registration:
    """Whether people can join a program now, and the cycle they would join."""

    open: bool
    cycle: Cycle | None  # the cycle joining now enrols into (None without cycles)
    next_cycle: Cycle | None  # when closed: the next one planned, if any

    def refusal(self, program: Program) -> str:
        """Why joining is refused, in words, with when to come back."""
        nxt = self.next_cycle
        if nxt is not None and nxt.registration_opens:
            return (
                f"Registration for {program.name} is closed. The next round, {nxt.name}, "
                f"opens on {nxt.registration_opens:%-d %B %Y}."
            )
        return (
            f"Registration for {program.name} is closed. No next round is planned yet: "
            "the program's admins will announce it."
        )


def registration(program: Program, today: date | None = None) -> Registration:
    if not program.cycles.exists():
        return Registration(open=program.signup_open, cycle=None, next_cycle=None)
    cycle = (
        program.cycles.filter(state=State.REGISTRATION)
        .order_by("-registration_opens", "-pk")
        .first()
    )
    if program.signup_open and cycle is not None:
        return Registration(open=True, cycle=cycle, next_cycle=None)
    return Registration(open=False, cycle=None, next_cycle=next_opening(program, today))


@transaction.atomic
def enrol(*, profile: Profile, cycle: Cycle, carried_over: bool = False) -> Enrolment:
    """``profile`` takes part in ``cycle`` (once: a second call changes nothing),
    which becomes its current cycle."""
    enrolment, _ = Enrolment.objects.get_or_create(
        profile=profile, cycle=cycle, defaults={"carried_over": carried_over}
    )
    if profile.cycle_id != cycle.pk:
        profile.cycle = cycle
        profile.save(update_fields=["cycle", "updated_at"])
    return enrolment


def due_state(cycle: Cycle, today: date) -> str:
    """The state ``cycle``'s dates put it in on ``today``: the furthest state whose
    date has come, and never behind the state it is in (the clock only moves on)."""
    due = cycle.state
    for state in ORDER[ORDER.index(cycle.state) + 1 :]:
        day = getattr(cycle, ENTERED_ON[state])
        if day is None or day > today:
            break
        due = state
    return due
