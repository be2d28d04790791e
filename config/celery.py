import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Scoring is numpy: one BLAS thread per worker process measured fastest on two
# cores; scale out with processes (--concurrency), not threads.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import functools  # noqa: E402
import logging  # noqa: E402

import kombu.exceptions  # noqa: E402
import redis.exceptions  # noqa: E402
from celery import Celery  # noqa: E402
from celery.contrib.django.task import DjangoTask  # noqa: E402
from django.db import InterfaceError, OperationalError, transaction  # noqa: E402

log = logging.getLogger(__name__)
BROKER_DOWN = (kombu.exceptions.OperationalError, redis.exceptions.RedisError)
# Worth another try: the database or the broker blinked.
TRANSIENT = (
    OperationalError,
    InterfaceError,
    redis.exceptions.ConnectionError,
    kombu.exceptions.OperationalError,
)
# The retry policy of every task that does real work: acknowledged once done,
# retried with backoff on a transient error only (docs/operations.md).
RETRY = {
    "acks_late": True,
    "autoretry_for": TRANSIENT,
    "retry_backoff": True,
    "retry_backoff_max": 60,
    "max_retries": 5,
}


def describe(exc: BaseException) -> str:
    """An exception in a line, for a run's or a job's error column."""
    return f"{type(exc).__name__}: {exc}"[:500]


class Task(DjangoTask):
    """Every task of the project. Queued after the transaction commits; if the
    broker cannot take it then, the request still succeeds (its data is saved)
    and the loss is logged: the clock's reconciling jobs re-queue what matters
    (docs/operations.md)."""

    def delay_on_commit(self, *args, **kwargs) -> None:
        transaction.on_commit(functools.partial(self._delay_or_log, args, kwargs))

    def _delay_or_log(self, args, kwargs) -> None:
        try:
            self.apply_async(args, kwargs)
        except BROKER_DOWN as error:
            log.warning(
                "Could not queue %s: broker unreachable (%s)", self.name, type(error).__name__
            )


app = Celery("kindred", task_cls=Task)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Every email is a task of its own, defined in its app's emails.py (profiles/outbox.py).
app.autodiscover_tasks(related_name="emails")
