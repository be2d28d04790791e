"""A program's rounds: which cycle is current, whether registration is open,
and taking part in a cycle. The clock that moves cycles along their dates and
an admin's moves by hand (``advance``, ``move``) are at the end.

A program with no cycles behaves as before cycles existed: registration follows
its ``signup_open`` switch and everyone is in the matching pool."""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext

from .exceptions import CycleMoveRefused
from .models import AuditEntry, Cycle, Enrolment, Profile, Program
from .signals import cycle_moved, profile_changed

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
            return gettext(
                "Registration for %(program)s is closed. The next round, %(cycle)s, "
                "opens on %(date)s."
            ) % {
                "program": program.name,
                "cycle": nxt.name,
                "date": date_format(nxt.registration_opens, "DATE_FORMAT"),
            }
        return gettext(
            "Registration for %(program)s is closed. No next round is planned yet: "
            "the program's admins will announce it."
        ) % {"program": program.name}


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


# --- moving a cycle on -----------------------------------------------------------------
#
# The clock (``advance``, hourly from beat: profiles/tasks.py) moves each cycle to the
# state its dates say; an admin moves one by hand (``move``). Either way one move is
# one transaction on the cycle's locked row, so two workers at once, or a worker and
# an admin, move it once: the second finds it already there. After the commit
# ``cycle_moved`` tells the apps above (docs/architecture.md).

log = logging.getLogger(__name__)


def passed(from_state: str, to_state: str, state: str) -> bool:
    """Whether a move from ``from_state`` to ``to_state`` entered ``state`` on its
    way (a clock that was down may move a cycle on by more than one state)."""
    return ORDER.index(from_state) < ORDER.index(state) <= ORDER.index(to_state)


def _due(today: date) -> Q:
    """Cycles whose next state's date has come."""
    due = Q()
    for before, after in itertools.pairwise(ORDER):
        due |= Q(state=before, **{f"{ENTERED_ON[after]}__lte": today})
    return due


def advance(*, now: datetime | None = None) -> list[tuple[Cycle, str, str]]:
    """Move every cycle whose dates have come to the state they put it in, each
    once; what moved, as (cycle, from, to)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    moved = []
    for pk in Cycle.objects.filter(_due(today)).order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            cycle = Cycle.objects.select_for_update().select_related("program").get(pk=pk)
            to = due_state(cycle, today)
            if to == cycle.state:
                continue  # moved meanwhile, by another run or by hand
            start = cycle.state
            _record_move(cycle, to, by=None, reason="", now=now)
        moved.append((cycle, start, to))
    return moved


def _back_refusal(cycle: Cycle, to: str, today: date) -> str | None:
    """Why ``cycle`` may not go back to ``to``, or None when it may."""
    if cycle.state == State.CLOSED:
        return gettext(
            "%(cycle)s is closed, and a closed cycle stays closed: what closing it "
            "started (its mentorships asked to close, its people invited to the next round) "
            "is not undone. Plan a new cycle instead."
        ) % {"cycle": cycle.name}
    if to == State.DRAFT and (n := cycle.enrolments.count()):
        return ngettext(
            "%(count)s person has joined %(cycle)s: back in draft they would leave matching. "
            "It can go back to registration at the earliest.",
            "%(count)s people have joined %(cycle)s: back in draft they would leave matching. "
            "It can go back to registration at the earliest.",
            n,
        ) % {"count": n, "cycle": cycle.name}
    after = ORDER[ORDER.index(to) + 1]
    day = getattr(cycle, ENTERED_ON[after])
    if day is not None and day <= today:
        label = capfirst(Cycle._meta.get_field(ENTERED_ON[after]).verbose_name)
        return gettext(
            "The clock would move %(cycle)s straight on again: its “%(label)s” date, "
            "%(date)s, has come. Move that date later first (Edit), then move it back."
        ) % {"cycle": cycle.name, "label": label, "date": date_format(day, "DATE_FORMAT")}
    return None


@transaction.atomic
def move(
    *,
    cycle: Cycle,
    to: str,
    by,
    reason: str = "",
    from_state: str | None = None,
    now: datetime | None = None,
) -> Cycle:
    """An admin moves ``cycle`` to ``to`` by hand: on by one state or more at any
    time; back only while it is safe (``_back_refusal``: never out of closed, never
    to draft once people joined, never where the dates would move it on again at
    once). ``from_state``, the state the admin saw: if it moved meanwhile, nothing
    changes. Refusals are ``CycleMoveRefused``, in words."""
    now = now or timezone.now()
    if to not in ORDER:
        raise CycleMoveRefused(
            gettext("“%(state)s” is not a state a cycle can be in.") % {"state": to}
        )
    cycle = Cycle.objects.select_for_update().select_related("program").get(pk=cycle.pk)
    if from_state is not None and cycle.state != from_state:
        raise CycleMoveRefused(
            gettext(
                "%(cycle)s moved meanwhile: it is now “%(state)s”. "
                "Nothing was changed; look again before moving it."
            )
            % {"cycle": cycle.name, "state": cycle.get_state_display()}
        )
    if to == cycle.state:
        raise CycleMoveRefused(
            gettext("%(cycle)s is already “%(state)s”.")
            % {"cycle": cycle.name, "state": cycle.get_state_display()}
        )
    if ORDER.index(to) < ORDER.index(cycle.state):
        refusal = _back_refusal(cycle, to, timezone.localdate(now))
        if refusal is not None:
            raise CycleMoveRefused(refusal)
    _record_move(cycle, to, by=by, reason=reason, now=now)
    return cycle


def _record_move(cycle: Cycle, to: str, *, by, reason: str, now: datetime) -> None:
    """Inside the caller's transaction, on the locked row: the new state, the audit
    entry, the pool's change; ``cycle_moved`` once it commits."""
    start = cycle.state
    cycle.state = to
    cycle.state_changed_at = now
    cycle.save(update_fields=["state", "state_changed_at"])
    label = dict(State.choices)
    how = "by hand" if by is not None else "by the clock"
    AuditEntry.record(
        program=cycle.program,
        actor=by,
        action=AuditEntry.Action.CYCLE,
        summary=f"{cycle.name} moved {how} from “{label[start]}” to “{label[to]}”.",
        reason=reason,
        details={"cycle": cycle.pk, "from": start, "to": to, "by_clock": by is None},
    )
    if (start in Cycle.TAKING_PART) != (to in Cycle.TAKING_PART):
        _pool_changed(cycle)
    transaction.on_commit(lambda: _announce_move(cycle, start, to, by))


def _pool_changed(cycle: Cycle) -> None:
    """The cycle's people entered or left the matching pool: their rows are touched
    (matching's cached arrays re-read profiles by ``updated_at``) and each ready one
    is announced, so matching re-scores them and the lists they are in."""
    people = Profile.objects.filter(cycle=cycle)
    people.update(updated_at=timezone.now())
    for pk in people.filter(is_ready=True).values_list("pk", flat=True).iterator():
        profile_changed.send(sender=Profile, profile_id=pk, program_id=cycle.program_id)


def _announce_move(cycle: Cycle, start: str, to: str, by) -> None:
    # One receiver failing must not keep the others (or the clock's next cycle)
    # from hearing: it is logged, and the move stands.
    for receiver, result in cycle_moved.send_robust(
        sender=Cycle, cycle=cycle, from_state=start, to_state=to, by=by
    ):
        if isinstance(result, Exception):
            log.error(
                "cycle_moved receiver %s failed for cycle %s (%s → %s)",
                getattr(receiver, "__qualname__", receiver),
                cycle.pk,
                start,
                to,
                exc_info=result,
            )
