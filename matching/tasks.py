"""Thin Celery tasks: ids in, a service call, nothing sensitive in arguments."""

from celery import shared_task

from config.celery import RETRY, Task, describe

from . import assigning, emails, learned_preview, rescoring, suggestions


class RunTask(Task):
    """A run's chunk: when it finally fails, the run says so."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        run_id = args[0] if args else kwargs.get("run_id")
        rescoring.fail_run(run_id=run_id, error=describe(exc))


@shared_task(soft_time_limit=60, time_limit=90, **RETRY)
def refresh_profile_suggestions(profile_id: int) -> None:
    suggestions.refresh_profile(profile_id=profile_id)


# A worker child killed mid-chunk hands the message back (reject_on_worker_lost);
# a whole worker lost is caught by requeue_stalled_chunks.
@shared_task(base=RunTask, reject_on_worker_lost=True, soft_time_limit=240, time_limit=300, **RETRY)
def score_chunk(run_id: int, index: int) -> None:
    rescoring.score_chunk(run_id=run_id, index=index)


@shared_task(base=RunTask, soft_time_limit=540, time_limit=600, **RETRY)
def propose_assignment(run_id: int) -> None:
    assigning.propose(run_id=run_id)


class CommitTask(Task):
    """A proposal's commit: when it finally fails, the run says why (the
    proposal itself still stands, and can be committed again)."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        run_id = args[0] if args else kwargs.get("run_id")
        assigning.commit_failed(run_id=run_id, error=describe(exc))


@shared_task(base=CommitTask, soft_time_limit=1740, time_limit=1800, **RETRY)
def commit_assignment(run_id: int, user_id: int | None) -> None:
    assigning.commit_requested(run_id=run_id, user_id=user_id)


@shared_task(soft_time_limit=840, time_limit=900, **RETRY)
def learn_weights(program_id: int, cycle_id: int | None, user_id: int | None) -> None:
    learned_preview.learn(program_id=program_id, cycle_id=cycle_id, user_id=user_id)


@shared_task(soft_time_limit=540, time_limit=600, **RETRY)
def preview_learned_weights(proposal_id: int) -> None:
    learned_preview.work_out(proposal_id=proposal_id)


@shared_task(acks_late=True)
def requeue_stalled_chunks() -> int:
    return rescoring.requeue_stalled()


@shared_task(soft_time_limit=60, time_limit=90, **RETRY)
def back_in_pool(mentee_id: int) -> None:
    """A mentee is back in the pool: their list first, then the one email that
    says why and what is new (emails.returned)."""
    suggestions.refresh_profile(profile_id=mentee_id, announce=False)
    # A task of its own, so that a mail server that blinked is retried as any email is.
    emails.returned.delay(mentee_id)


@shared_task(**RETRY)
def rescore_forgotten() -> int:
    """Hourly: queue again the refreshes the broker lost (see suggestions.rescore_forgotten)."""
    return suggestions.rescore_forgotten()


@shared_task(**RETRY)
def refresh_rested_pairs() -> int:
    """Hourly: mentees whose cooling-off from a mentor just ended get a fresh list."""
    return suggestions.refresh_rested_pairs()
