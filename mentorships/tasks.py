"""Thin Celery tasks: ids in, a lifecycle call, nothing sensitive in arguments.
The emails are tasks of their own (emails.py)."""

from celery import shared_task

from config.celery import RETRY

from . import clock, close_outs, lifecycle


@shared_task(**RETRY)
def answer_waiting_requests(mentor_id: int) -> None:
    lifecycle.answer_waiting_requests(mentor_id=mentor_id)


@shared_task(**RETRY)
def run_clock() -> dict:
    """Hourly: reminders at 7 days, expiry at 14, check-in prompts at 2 and 8
    weeks, a meeting's reminder the day before and "did you meet?" after it,
    the end of a cycle's term, match-health flags, the mentees' follow-ups 6 and
    12 months after a mentorship closed. Each step is idempotent, so
    a missed or doubled hour changes nothing."""
    return clock.run()


@shared_task(**RETRY)
def ask_close_out(mentorship_id: int) -> None:
    """A mentorship completed or ended: each side is asked how it went, once."""
    close_outs.ask(mentorship_id=mentorship_id)
