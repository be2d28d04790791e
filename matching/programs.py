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
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext, pgettext

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
            return pgettext("a person's standing in a program", "Matched"), "ok"
        if not p.is_ready:
            return gettext("Questionnaire unfinished"), "warn"
        if p.cycle is not None and p.cycle.state == State.CLOSED:
            return gettext("Took part in %(cycle)s") % {"cycle": p.cycle.name}, "neutral"
        if requested:
            return gettext("Waiting: %(requests)s sent") % {
                "requests": _requests(requested)
            }, "info"
        return gettext("Waiting for a mentor"), "neutral"
    if not p.is_ready:
        return gettext("Questionnaire unfinished"), "warn"
    if paired and requested:
        return gettext("Matched with %(mentees)s · %(requests)s waiting for you") % {
            "mentees": _mentees(paired),
            "requests": _requests(requested),
        }, "ok"
    if paired:
        return gettext("Matched with %(mentees)s") % {"mentees": _mentees(paired)}, "ok"
    if requested:
        return gettext("%(requests)s waiting for you") % {"requests": _requests(requested)}, "info"
    if p.cycle is not None and p.cycle.state == State.CLOSED:
        return gettext("Took part in %(cycle)s") % {"cycle": p.cycle.name}, "neutral"
    if p.is_paused:
        return pgettext("a mentor's standing in a program", "Paused"), "neutral"
    return gettext("Waiting for requests"), "neutral"


def _requests(n: int) -> str:
    return ngettext("%(count)s request", "%(count)s requests", n) % {"count": n}


def _mentees(n: int) -> str:
    return ngettext("%(count)s mentee", "%(count)s mentees", n) % {"count": n}


def day(d: date, today: date) -> str:
    """A date as people read it: the year only when it is not this one."""
    return date_format(d, "MONTH_DAY_FORMAT" if d.year == today.year else "DATE_FORMAT")


def _registration(registration, today: date, *, first: bool = False) -> str:
    """Whether registration is open, as the last part of the line (or the whole
    line, ``first``, for a program without rounds)."""
    nxt = registration.next_cycle
    if registration.open:
        return gettext("Registration open") if first else gettext("registration open")
    if nxt is not None and nxt.registration_opens:
        values = {"date": day(nxt.registration_opens, today), "cycle": nxt.name}
        if first:
            return gettext("Registration closed until %(date)s (%(cycle)s)") % values
        return gettext("registration closed until %(date)s (%(cycle)s)") % values
    return gettext("Registration closed") if first else gettext("registration closed")


def round_in_words(program: Program, today: date | None = None) -> str:
    """Where ``program`` is: its current cycle and its phase, and whether registration
    is open ("Spring 2027 · running until 30 June · registration closed")."""
    today = today or timezone.localdate()
    registration = cycles.registration(program, today)
    cycle = cycles.current(program)
    if cycle is None:
        if not program.cycles.exists():  # a program without rounds, as before cycles
            return _registration(registration, today, first=True)
        return gettext("No round running now · %(registration)s") % {
            "registration": _registration(registration, today)
        }
    closing = _registration(registration, today)
    if cycle.state == State.REGISTRATION:
        if registration.open and cycle.registration_closes:
            closing = gettext("registration open until %(date)s") % {
                "date": day(cycle.registration_closes, today)
            }
        # Translators: a round's line: "Spring 2027 · registration open until 30 June".
        return gettext("%(cycle)s · %(registration)s") % {
            "cycle": cycle.name,
            "registration": closing,
        }
    if cycle.state == State.MATCHING:
        phase = (
            gettext("matching on %(date)s") % {"date": day(cycle.matching_on, today)}
            if cycle.matching_on and cycle.matching_on >= today
            else gettext("matching under way")
        )
    elif cycle.ends_on:
        phase = gettext("running until %(date)s") % {"date": day(cycle.ends_on, today)}
    else:
        phase = pgettext("a round of a program", "running")
    # Translators: a round's line: "Spring 2027 · running until 30 June · registration closed".
    return gettext("%(cycle)s · %(phase)s · %(registration)s") % {
        "cycle": cycle.name,
        "phase": phase,
        "registration": closing,
    }
