"""The cycles' clock and an admin's moves by hand (profiles/cycles.py): a cycle goes
draft → registration → matching → running → closed on its dates, each move once
however often the clock runs (and however many run at once), a missing date stops
it, and the people of a cycle that opens or closes enter or leave the matching pool."""

import threading
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.db.models.signals import post_save
from django.utils import timezone

from matching import features
from matching.models import Suggestion
from profiles import cycles
from profiles.exceptions import CycleMoveRefused
from profiles.models import AuditEntry, Cycle
from profiles.signals import cycle_moved
from tests.factories import CycleFactory, MentorFactory, ProfileFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db

State = Cycle.State
GOALS = ["networking", "leadership"]


@pytest.fixture
def moves():
    """Every ``cycle_moved`` sent: (cycle id, from, to, by)."""
    heard = []

    def hear(sender, cycle, from_state, to_state, by=None, **kwargs):
        heard.append((cycle.pk, from_state, to_state, by))

    cycle_moved.connect(hear, dispatch_uid="tests.cycle_moves")
    yield heard
    cycle_moved.disconnect(dispatch_uid="tests.cycle_moves")


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


@pytest.fixture
def today(time_machine) -> date:
    """Just after midnight of a fixed day, held still."""
    time_machine.move_to(datetime(2027, 3, 1, 0, 30, tzinfo=UTC), tick=False)
    return timezone.localdate()


def planned(program=None, start: date | None = None, **dates) -> Cycle:
    """A draft cycle with all five dates from ``start`` (2 days on, then 10, 12, 15, 100)."""
    start = start or timezone.localdate()
    days = {
        "registration_opens": 2,
        "registration_closes": 10,
        "matching_on": 12,
        "starts_on": 15,
        "ends_on": 100,
    }
    values = {name: start + timedelta(days=n) for name, n in days.items()} | dates
    return CycleFactory(program=program or ProgramFactory(), **values)


def state_of(cycle: Cycle) -> str:
    cycle.refresh_from_db()
    return cycle.state


# --- the clock ---------------------------------------------------------------------------


def test_a_cycle_moves_through_its_states_on_its_dates_each_once(
    today, time_machine, on_commit, moves
):
    cycle = planned()
    seen = {}
    for day in range(0, 102):
        first = on_commit(cycles.advance)
        assert on_commit(cycles.advance) == []  # a second run the same hour changes nothing
        if first:
            ((_, start, to),) = first
            seen[day] = (start, to)
        time_machine.shift(timedelta(days=1))
    assert seen == {
        2: (State.DRAFT, State.REGISTRATION),
        10: (State.REGISTRATION, State.MATCHING),
        15: (State.MATCHING, State.RUNNING),
        100: (State.RUNNING, State.CLOSED),
    }
    assert [(f, t) for _, f, t, _ in moves] == list(seen.values())
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.CYCLE).order_by("at", "pk")
    assert [e.details["to"] for e in entries] == [
        State.REGISTRATION,
        State.MATCHING,
        State.RUNNING,
        State.CLOSED,
    ]
    assert all(e.actor is None and e.program == cycle.program for e in entries)
    assert (
        entries.first().summary
        == f"{cycle.name} moved by the clock from “Draft” to “Registration open”."
    )
    cycle.refresh_from_db()
    assert cycle.state == State.CLOSED
    assert cycle.state_changed_at == datetime(2027, 6, 9, 0, 30, tzinfo=UTC)


def test_a_missing_date_stops_the_clock(today, time_machine, on_commit, moves):
    cycle = planned(registration_closes=None, matching_on=None)
    time_machine.shift(timedelta(days=200))  # every date left is long past
    on_commit(cycles.advance)
    assert state_of(cycle) == State.REGISTRATION
    time_machine.shift(timedelta(days=1))
    assert on_commit(cycles.advance) == []
    assert state_of(cycle) == State.REGISTRATION
    assert [(f, t) for _, f, t, _ in moves] == [(State.DRAFT, State.REGISTRATION)]


def test_a_cycle_without_dates_never_moves(today, on_commit):
    cycle = CycleFactory(program=ProgramFactory())
    assert on_commit(cycles.advance) == []
    assert state_of(cycle) == State.DRAFT


def test_a_clock_that_was_down_moves_a_cycle_on_in_one_move(today, time_machine, on_commit, moves):
    cycle = planned()
    time_machine.shift(timedelta(days=16))
    on_commit(cycles.advance)
    assert state_of(cycle) == State.RUNNING
    ((_, start, to, by),) = moves
    assert (start, to, by) == (State.DRAFT, State.RUNNING, None)
    assert cycles.passed(start, to, State.REGISTRATION)
    assert cycles.passed(start, to, State.RUNNING)
    assert not cycles.passed(start, to, State.CLOSED)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CYCLE).count() == 1


def test_the_beat_schedule_runs_the_cycle_clock_hourly(today, time_machine):
    from profiles.tasks import advance_cycles

    entry = settings.CELERY_BEAT_SCHEDULE["cycle-clock"]
    assert entry == {"task": "profiles.tasks.advance_cycles", "schedule": 3600.0}
    cycle = planned()
    time_machine.shift(timedelta(days=2))
    assert advance_cycles.delay().get() == 1
    assert advance_cycles.delay().get() == 0
    assert state_of(cycle) == State.REGISTRATION


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_clocks_at_once_move_a_cycle_once(moves):
    """Two workers' runs, each on its own connection, meet on the cycle's row: the
    first holds its transaction open a moment after moving it (a slow audit write),
    the second waits for the row, then finds it already moved."""
    cycle = planned(start=timezone.localdate() - timedelta(days=3))
    start = threading.Barrier(2)
    results, errors = [], []

    def slow_audit(sender, instance, created, **kwargs):
        if created and instance.action == AuditEntry.Action.CYCLE:
            time.sleep(0.5)

    def run():
        try:
            start.wait()
            results.append(cycles.advance())
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    post_save.connect(slow_audit, sender=AuditEntry, dispatch_uid="tests.slow_audit")
    try:
        threads = [threading.Thread(target=run) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        post_save.disconnect(sender=AuditEntry, dispatch_uid="tests.slow_audit")
    assert errors == []
    assert sorted(len(r) for r in results) == [0, 1]
    assert state_of(cycle) == State.REGISTRATION
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CYCLE).count() == 1
    assert [(f, t) for _, f, t, _ in moves] == [(State.DRAFT, State.REGISTRATION)]


def test_a_failing_receiver_leaves_the_move_and_the_other_receivers(today, on_commit, moves):
    def broken(sender, **kwargs):
        raise RuntimeError("a receiver above broke")

    cycle_moved.connect(broken, dispatch_uid="tests.broken")
    try:
        cycle = planned(start=today - timedelta(days=3))
        on_commit(cycles.advance)
    finally:
        cycle_moved.disconnect(dispatch_uid="tests.broken")
    assert state_of(cycle) == State.REGISTRATION
    assert len(moves) == 1


# --- the matching pool -------------------------------------------------------------------


def listed(mentee) -> set[int]:
    return set(
        Suggestion.objects.filter(mentee=mentee, status__in=Suggestion.LISTED).values_list(
            "mentor_id", flat=True
        )
    )


def test_a_closed_cycles_people_drop_out_of_suggestions(today, time_machine, on_commit):
    from matching import suggestions

    program = ProgramFactory()
    old = CycleFactory(
        program=program,
        state=State.RUNNING,
        registration_opens=today - timedelta(days=90),
        ends_on=today,
    )
    new = CycleFactory(program=program, state=State.REGISTRATION, registration_opens=today)
    old_mentee, new_mentee = (ProfileFactory(program=program, goals=GOALS) for _ in range(2))
    old_mentor, new_mentor = (MentorFactory(program=program, goals=GOALS) for _ in range(2))
    for profile, cycle in [
        (old_mentee, old),
        (old_mentor, old),
        (new_mentee, new),
        (new_mentor, new),
    ]:
        cycles.enrol(profile=profile, cycle=cycle)
    for mentee in (old_mentee, new_mentee):
        suggestions.refresh_profile(profile_id=mentee.pk, announce=False)
    assert listed(new_mentee) == listed(old_mentee) == {old_mentor.pk, new_mentor.pk}
    warm = features.current(program.pk)  # this process has the program's arrays cached
    assert old_mentor.pk in warm.mentors.ids
    time_machine.shift(timedelta(minutes=1))  # the clock's hourly run, a moment later

    on_commit(cycles.advance)

    assert state_of(old) == State.CLOSED
    assert listed(old_mentee) == set()
    assert listed(new_mentee) == {new_mentor.pk}
    fresh = features.current(program.pk)
    assert old_mentor.pk not in fresh.mentors.ids and old_mentee.pk not in fresh.mentees.ids
    assert new_mentor.pk in fresh.mentors.ids


def test_a_cycle_that_opens_brings_its_people_into_suggestions(today, time_machine, on_commit):
    program = ProgramFactory()
    cycle = planned(program, start=today - timedelta(days=2))
    mentee = ProfileFactory(program=program, goals=GOALS)
    mentor = MentorFactory(program=program, goals=GOALS)
    for profile in (mentee, mentor):
        cycles.enrol(profile=profile, cycle=cycle)
    features.current(program.pk)
    assert listed(mentee) == set()
    stamp = type(mentee).objects.get(pk=mentee.pk).updated_at
    time_machine.shift(timedelta(minutes=1))

    on_commit(cycles.advance)

    assert state_of(cycle) == State.REGISTRATION
    assert listed(mentee) == {mentor.pk}
    assert type(mentee).objects.get(pk=mentee.pk).updated_at > stamp


# --- by hand -----------------------------------------------------------------------------


@pytest.fixture
def admin():
    return UserFactory()


def test_an_admin_moves_a_cycle_on_by_more_than_one_state(today, on_commit, moves, admin):
    cycle = planned()
    on_commit(
        cycles.move, cycle=cycle, to=State.MATCHING, by=admin, reason="Opened late by mistake"
    )
    assert state_of(cycle) == State.MATCHING
    assert moves == [(cycle.pk, State.DRAFT, State.MATCHING, admin)]
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CYCLE)
    assert (entry.actor, entry.reason) == (admin, "Opened late by mistake")
    assert entry.summary == f"{cycle.name} moved by hand from “Draft” to “Matching”."


def test_a_closed_cycle_stays_closed(today, admin):
    cycle = planned(state=State.CLOSED)
    with pytest.raises(CycleMoveRefused, match="a closed cycle stays closed"):
        cycles.move(cycle=cycle, to=State.RUNNING, by=admin)
    assert state_of(cycle) == State.CLOSED


def test_a_cycle_people_joined_does_not_go_back_to_draft(today, admin):
    cycle = planned(state=State.REGISTRATION)
    cycles.enrol(profile=ProfileFactory(program=cycle.program), cycle=cycle)
    with pytest.raises(CycleMoveRefused, match="1 person has joined"):
        cycles.move(cycle=cycle, to=State.DRAFT, by=admin)
    assert state_of(cycle) == State.REGISTRATION


def test_an_empty_cycle_opened_too_early_goes_back_to_draft(today, on_commit, admin):
    cycle = planned(state=State.REGISTRATION)  # opens in two days
    on_commit(cycles.move, cycle=cycle, to=State.DRAFT, by=admin)
    assert state_of(cycle) == State.DRAFT
    assert on_commit(cycles.advance) == []


def test_going_back_where_the_clock_would_move_it_on_again_is_refused(today, admin):
    cycle = planned(start=today - timedelta(days=12), state=State.MATCHING)
    with pytest.raises(
        CycleMoveRefused, match="its “Registration closes” date, 27 February 2027, has come"
    ):
        cycles.move(cycle=cycle, to=State.REGISTRATION, by=admin)
    assert state_of(cycle) == State.MATCHING


def test_registration_reopens_once_its_closing_date_is_moved_later(today, on_commit, admin):
    cycle = planned(start=today - timedelta(days=12), state=State.MATCHING)
    Cycle.objects.filter(pk=cycle.pk).update(
        registration_closes=today + timedelta(days=1), matching_on=today + timedelta(days=2)
    )
    cycle.refresh_from_db()
    on_commit(cycles.move, cycle=cycle, to=State.REGISTRATION, by=admin, reason="Extended")
    assert state_of(cycle) == State.REGISTRATION
    assert on_commit(cycles.advance) == []  # not before its new closing day


def test_a_move_from_a_state_that_changed_meanwhile_changes_nothing(today, admin):
    cycle = planned(state=State.MATCHING)
    with pytest.raises(CycleMoveRefused, match="moved meanwhile: it is now “Matching”"):
        cycles.move(cycle=cycle, to=State.RUNNING, by=admin, from_state=State.REGISTRATION)
    assert state_of(cycle) == State.MATCHING


def test_moving_to_the_state_it_is_in_is_refused(today, admin):
    cycle = planned(state=State.RUNNING)
    with pytest.raises(CycleMoveRefused, match="already “Running”"):
        cycles.move(cycle=cycle, to=State.RUNNING, by=admin)
    with pytest.raises(CycleMoveRefused, match="not a state"):
        cycles.move(cycle=cycle, to="paused", by=admin)
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.CYCLE).exists()
