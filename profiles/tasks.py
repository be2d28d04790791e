"""Thin Celery tasks of the profiles app; its emails are tasks of their own (emails.py)."""

from celery import shared_task

from config.celery import RETRY

from . import cycles


@shared_task(**RETRY)
def advance_cycles() -> int:
    """Hourly: move each cycle whose dates have come to its state (once however
    often it runs); how many moved."""
    return len(cycles.advance())
