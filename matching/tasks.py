"""Thin Celery tasks: ids in, a service call, nothing sensitive in arguments."""

import smtplib

import kombu.exceptions
import redis.exceptions
from celery import shared_task
from django.db import InterfaceError, OperationalError

from config.celery import Task

from . import assigning, emails, lifecycle, services

# Worth another try: the database or the broker blinked.
TRANSIENT = (
    OperationalError,
    InterfaceError,
    redis.exceptions.ConnectionError,
    kombu.exceptions.OperationalError,
)
RETRY = {
    "acks_late": True,
    "autoretry_for": TRANSIENT,
    "retry_backoff": True,
    "retry_backoff_max": 60,
    "max_retries": 5,
}


def describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


class RunTask(Task):
    """A run's chunk: when it finally fails, the run says so."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        run_id = args[0] if args else kwargs.get("run_id")
        services.fail_run(run_id=run_id, error=describe(exc))


@shared_task(soft_time_limit=60, time_limit=90, **RETRY)
def refresh_profile_suggestions(profile_id: int) -> None:
    services.refresh_profile(profile_id=profile_id)


# A worker child killed mid-chunk hands the message back (reject_on_worker_lost);
# a whole worker lost is caught by requeue_stalled_chunks.
@shared_task(base=RunTask, reject_on_worker_lost=True, soft_time_limit=240, time_limit=300, **RETRY)
def score_chunk(run_id: int, index: int) -> None:
    services.score_chunk(run_id=run_id, index=index)


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


@shared_task(acks_late=True)
def requeue_stalled_chunks() -> int:
    return services.requeue_stalled()


@shared_task(**{**RETRY, "autoretry_for": (*TRANSIENT, OSError, smtplib.SMTPException)})
def send_notice(kind: str, *ids: int) -> None:
    emails.send(kind, *ids)


@shared_task(**RETRY)
def answer_waiting_requests(mentor_id: int) -> None:
    lifecycle.answer_waiting_requests(mentor_id=mentor_id)


@shared_task(**RETRY)
def run_clock() -> dict:
    """Hourly: reminders at 7 days, expiry at 14, check-in prompts at 2 and 8
    weeks, match-health flags. Each step is idempotent, so a missed or doubled
    hour changes nothing."""
    return {
        "reminded": lifecycle.send_reminders(),
        "expired": lifecycle.expire_requests(),
        "prompted": lifecycle.prompt_check_ins(),
        "flagged": lifecycle.flag_unhealthy(),
        "rescored": services.rescore_forgotten(),
    }
