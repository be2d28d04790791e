"""The programs a person takes part in, for the switcher on their home: each
program and role, where they stand in it, and where the program's round is.

Each entry reads only its own profile's requests and mentorships, so nothing
of one program shows under another."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils import timezone

from mentorships.models import Mentorship
from profiles import cycles
from profiles.models import Cycle, Profile, Program, User
from profiles.taxonomy import Role

State = Cycle.State


@dataclass(frozen=True)
class Place:
    """One of a person's profiles, as the switcher shows it."""

    profile: Profile
    standing: str  # "Matched", "Questionnaire unfinished"… (no one's name: that is the home's)
    tone: str  # the badge's colour: ok, info, warn, neutral
    cycle_line: str  # "Spring 2027 · running until 30 June · registration closed"
    current: bool  # the home being looked at


def of(user: User, viewing: Profile | None = None) -> list[Place]:
    """``user``'s places, in the order of their profiles; none for a person with a
    single profile (there is nothing to switch to)."""
    profiles = list(Profile.objects.owned_by(user).select_related("cycle"))
    if len(profiles) < 2:
        return []
    ids = [p.pk for p in profiles]
    counts: Counter[tuple[int, str]] = Counter()
    open_ones = Mentorship.objects.filter(
        Q(mentee_id__in=ids) | Q(mentor_id__in=ids), status__in=Mentorship.OPEN
    )
    for mentee_id, mentor_id, status in open_ones.values_list("mentee_id", "mentor_id", "status"):
        kind = "paired" if status in Mentorship.PAIRED else "requested"
        for side in {mentee_id, mentor_id} & set(ids):
            counts[(side, kind)] += 1
    rounds: dict[int, str] = {}
    places = []
    for p in profiles:
        if p.program_id not in rounds:
            rounds[p.program_id] = round_in_words(p.program)
        standing, tone = _standing(p, counts)
        places.append(
            Place(
                profile=p,
                standing=standing,
                tone=tone,
                cycle_line=rounds[p.program_id],
                current=viewing is not None and p.pk == viewing.pk,
            )
        )
    return places


def _standing(p: Profile, counts: Counter) -> tuple[str, str]:
    paired, requested = counts[(p.pk, "paired")], counts[(p.pk, "requested")]
    if p.role == Role.MENTEE:
        if paired:
            return "Matched", "ok"
        if not p.is_ready:
            return "Questionnaire unfinished", "warn"
        if p.cycle is not None and p.cycle.state == State.CLOSED:
            return f"Took part in {p.cycle.name}", "neutral"
        if requested:
            return f"Waiting: {_count(requested, 'request')} sent", "info"
        return "Waiting for a mentor", "neutral"
    if not p.is_ready:
        return "Questionnaire unfinished", "warn"
    parts = []
    if paired:
        parts.append(f"Matched with {_count(paired, 'mentee')}")
    if requested:
        parts.append(f"{_count(requested, 'request')} waiting for you")
    if parts:
        return " · ".join(parts), "ok" if paired else "info"
    if p.cycle is not None and p.cycle.state == State.CLOSED:
        return f"Took part in {p.cycle.name}", "neutral"
    if p.is_paused:
        return "Paused", "neutral"
    return "Waiting for requests", "neutral"


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def day(d: date, today: date) -> str:
    """A date as people read it: the year only when it is not this one."""
    return f"{d:%-d %B}" if d.year == today.year else f"{d:%-d %B %Y}"


def round_in_words(program: Program, today: date | None = None) -> str:
    """Where ``program`` is: its current cycle and its phase, and whether registration
    is open ("Spring 2027 · running until 30 June · registration closed")."""
    today = today or timezone.localdate()
    registration = cycles.registration(program, today)
    cycle = cycles.current(program)
    if registration.open:
        closing = "registration open"
    elif registration.next_cycle is not None and registration.next_cycle.registration_opens:
        nxt = registration.next_cycle
        closing = f"registration closed until {day(nxt.registration_opens, today)} ({nxt.name})"
    else:
        closing = "registration closed"
    if cycle is None:
        if not program.cycles.exists():  # a program without rounds, as before cycles
            return closing[0].upper() + closing[1:]
        return f"No round running now · {closing}"
    if cycle.state == State.REGISTRATION:
        if registration.open and cycle.registration_closes:
            closing = f"registration open until {day(cycle.registration_closes, today)}"
        return f"{cycle.name} · {closing}"
    if cycle.state == State.MATCHING:
        phase = (
            f"matching on {day(cycle.matching_on, today)}"
            if cycle.matching_on and cycle.matching_on >= today
            else "matching under way"
        )
    else:
        phase = f"running until {day(cycle.ends_on, today)}" if cycle.ends_on else "running"
    return f"{cycle.name} · {phase} · {closing}"
