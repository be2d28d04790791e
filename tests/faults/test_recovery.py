"""Faults against the real services, in the middle of the work: a worker
killed with SIGKILL, Redis restarted with its messages lost, a database
connection dropped. Each time the work finishes with exactly the rows an
undisturbed run of the same data writes, and nothing is half-written.

Every fault lands while a worker is held inside its write transaction
(``stall`` in conftest.py), so it always hits a chunk that has written rows it
has not committed. Recovery times are printed (``pytest -s``) and recorded in
docs/operations.md."""

import time
from dataclasses import dataclass

import pytest
from django.utils import timezone

from matching import rescoring, tasks
from matching.models import MatchingChunk, MatchingRun, Suggestion
from tests.conftest import drained, wait_for
from tests.matching.helpers import rows

pytestmark = [
    pytest.mark.faults,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CHUNK = 200
DONE = MatchingChunk.Status.DONE


def run_to_end(run: MatchingRun, timeout: float = 120, beat=None) -> MatchingRun:
    def finished():
        if beat:
            beat()
        current = MatchingRun.objects.get(pk=run.pk)
        return current if current.is_finished else None

    return wait_for(finished, timeout)


def finished_and_announced(program, redis_url: str) -> MatchingRun:
    """A whole re-score, and then the emails its first lists queued (2,000 of
    them, ten tasks): left in the queue, they would run ahead of the next run's
    chunks, and on a busy machine hold them up past any wait."""
    run = run_to_end(rescoring.start_rescore(program=program, size=CHUNK))
    wait_for(drained(redis_url), timeout=180)
    return run


def undisturbed(program, redis_url: str) -> list[tuple]:
    """What an undisturbed run writes; then a clean slate for the disturbed one."""
    run = finished_and_announced(program, redis_url)
    assert run.status == MatchingRun.Status.SUCCEEDED
    assert run.chunks_total == 10
    expected = rows(program)
    Suggestion.objects.filter(program=program).delete()
    return expected


@dataclass
class Held:
    """A chunk held inside its transaction by the only worker process."""

    chunk: MatchingChunk
    pid: int  # the worker's database backend
    chunks_done: int  # the run's count while it is held: nothing else can move it

    def assert_nothing_committed(self) -> None:
        chunk = MatchingChunk.objects.get(pk=self.chunk.pk)
        assert chunk.status == MatchingChunk.Status.RUNNING
        assert MatchingRun.objects.get(pk=chunk.run_id).chunks_done == self.chunks_done
        assert not Suggestion.objects.filter(
            mentee_id__gte=chunk.first_mentee_id, mentee_id__lte=chunk.last_mentee_id
        ).exists()


def hold_a_chunk(run: MatchingRun, stall, after: int = 3) -> Held:
    """Let a few chunks finish, then hold the next one inside its transaction."""
    wait_for(lambda: MatchingRun.objects.get(pk=run.pk).chunks_done >= after, timeout=60)
    stall.arm()
    pid = stall.wait_held()
    chunk = MatchingChunk.objects.get(run=run, status=MatchingChunk.Status.RUNNING)
    held = Held(chunk, pid, MatchingRun.objects.get(pk=run.pk).chunks_done)
    assert after <= held.chunks_done < run.chunks_total - 1
    return held


def assert_same_as_undisturbed(run: MatchingRun, expected: list[tuple]) -> None:
    run.refresh_from_db()
    assert run.status == MatchingRun.Status.SUCCEEDED, run.error
    assert (run.done, run.chunks_done) == (run.total, run.chunks_total)
    assert not MatchingChunk.objects.filter(run=run).exclude(status=DONE).exists()
    assert rows(run.program) == expected
    written_by = Suggestion.objects.filter(program=run.program).values_list("run_id", flat=True)
    assert set(written_by) == {run.pk}


class Beat:
    """Celery beat's ``requeue_stalled_chunks``, every ``every`` seconds with a
    short stall threshold instead of every minute with 90 seconds."""

    def __init__(self, older_than: float, every: float = 1.0):
        self.older_than, self.every = older_than, every
        self.started = self.last = time.monotonic()
        self.requeued = 0
        self.first_requeue: float | None = None

    def __call__(self) -> None:
        if time.monotonic() - self.last >= self.every:
            self.last = time.monotonic()
            self.requeued += rescoring.requeue_stalled(older_than=self.older_than)
            if self.requeued and self.first_requeue is None:
                self.first_requeue = self.last - self.started


def test_a_run_survives_its_worker_being_killed(seeded_program, workers, stall, redis_server):
    first = workers()
    expected = undisturbed(seeded_program, redis_server.url)
    run = rescoring.start_rescore(program=seeded_program, size=CHUNK)
    held = hold_a_chunk(run, stall)

    processes = first.processes()
    assert len(processes) == 2  # the worker and its pool child
    first.kill()
    killed = time.monotonic()
    stall.disarm()
    wait_for(lambda: not first.processes())

    # A starting worker resumes what has been running longer than
    # RESUME_AFTER_SECONDS (younger chunks may belong to a live worker).
    age = (timezone.now() - held.chunk.started_at).total_seconds()
    time.sleep(max(0.0, rescoring.RESUME_AFTER_SECONDS - age) + 0.5)
    held.assert_nothing_committed()
    workers()
    replaced = time.monotonic() - killed
    run = run_to_end(run)
    print(
        f"\nworker killed: replacement ready after {replaced:.1f}s,"
        f" run finished {time.monotonic() - killed:.1f}s after the kill"
    )

    assert_same_as_undisturbed(run, expected)
    assert MatchingChunk.objects.get(pk=held.chunk.pk).attempts == 2


def test_a_run_survives_a_redis_restart(seeded_program, workers, stall, redis_server):
    workers()
    expected = undisturbed(seeded_program, redis_server.url)
    run = rescoring.start_rescore(program=seeded_program, size=CHUNK)
    held = hold_a_chunk(run, stall)

    # No persistence: the chunks still queued are gone with the server.
    redis_server.kill()
    lost = time.monotonic()
    redis_server.start()
    stall.disarm()
    beat = Beat(older_than=2)
    run = run_to_end(run, beat=beat)
    print(
        f"\nredis restarted: lost chunks re-queued after {beat.first_requeue:.1f}s,"
        f" run finished {time.monotonic() - lost:.1f}s after the restart"
    )

    assert_same_as_undisturbed(run, expected)
    assert beat.requeued >= run.chunks_total - held.chunks_done - 1


def test_a_chunk_whose_database_connection_drops_is_retried(
    seeded_program, workers, stall, redis_server
):
    worker = workers()
    expected = undisturbed(seeded_program, redis_server.url)
    run = rescoring.start_rescore(program=seeded_program, size=CHUNK)
    held = hold_a_chunk(run, stall)

    stall.terminate(held.pid)
    dropped = time.monotonic()
    # Still armed: a retry that starts at once is held too, so this sees
    # exactly what the dropped connection left committed.
    held.assert_nothing_committed()
    stall.disarm()
    run = run_to_end(run)
    print(f"\ndatabase connection dropped: run finished {time.monotonic() - dropped:.1f}s later")

    assert_same_as_undisturbed(run, expected)
    attempts = MatchingChunk.objects.filter(run=run).values_list("index", "attempts")
    assert {i: n for i, n in attempts if n != 1} == {held.chunk.index: 2}
    assert worker.retried("matching.tasks.score_chunk")


def test_a_profile_refresh_whose_database_connection_drops_is_retried(
    seeded_program, workers, stall, redis_server
):
    worker = workers()
    finished_and_announced(seeded_program, redis_server.url)
    mentee_id = Suggestion.objects.filter(program=seeded_program).order_by("mentee_id")[0].mentee_id
    own = Suggestion.objects.filter(mentee_id=mentee_id).order_by("mentor_id")

    def listed():
        return list(
            own.values_list("mentor_id", "score", "rank", "sort_key", "components", "reasons")
        )

    own.delete()
    tasks.refresh_profile_suggestions.delay(mentee_id)
    expected = wait_for(listed)
    own.delete()

    stall.arm()
    tasks.refresh_profile_suggestions.delay(mentee_id)
    stall.terminate(stall.wait_held())
    dropped = time.monotonic()
    assert not own.exists()
    stall.disarm()
    assert wait_for(listed) == expected
    print(f"\ndatabase connection dropped: refresh done {time.monotonic() - dropped:.1f}s later")
    assert worker.retried("matching.tasks.refresh_profile_suggestions")
