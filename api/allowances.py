"""API rate limits counted in the database: every web process shares the
count, and a row lock makes concurrent calls take the last place one at a time.

The rule is DRF's sliding log: at most ``limit`` calls in any trailing
``window`` seconds. The throttles in api/auth.py call ``take``."""

from __future__ import annotations

import hashlib

from django.db import connection, transaction
from django.db.models import F

from .models import Allowance

# A caller quiet for longer than this has no call inside any window DRF can
# express (its longest is a day): the row says nothing and is deleted.
FORGET_AFTER = 24 * 60 * 60
KEY_LENGTH = Allowance._meta.get_field("key").max_length


def take(*, key: str, limit: int, window: float, now: float) -> float | None:
    """Count a call at ``now`` against ``key`` if fewer than ``limit`` were
    counted in the ``window`` seconds before it: None. Otherwise nothing is
    counted, and the answer is the seconds until enough of them leave the
    window for the next call to fit (the call's Retry-After)."""
    key = stored_key(key)
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            # Waiting for the commit to reach the disk doubled an API call's time
            # (bench/api_throttle.py). Without the wait, a crash of PostgreSQL
            # itself forgets the calls of its last fraction of a second: a rate
            # limit can afford that. Only this transaction is concerned.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
        allowance, created = locked(key, now)
        kept = [t for t in allowance.history if t > now - window]
        if len(kept) >= limit:
            # The next call fits once the oldest len(kept) - limit + 1 have left.
            leaves = kept[len(kept) - limit] if limit > 0 else now
            return leaves + window - now
        allowance.history = [*kept, now]
        allowance.last_at = now
        allowance.save(update_fields=["history", "last_at"])
    if created:
        # Rows are only ever added here, so sweeping here too keeps the table
        # to the callers of the last day, with no periodic task to schedule.
        forget_quiet(now=now)
    return None


def locked(key: str, now: float) -> tuple[Allowance, bool]:
    """The row for ``key``, locked until the transaction ends, made if missing."""
    if connection.vendor == "sqlite":
        # SQLite ignores FOR UPDATE. Taking its write lock before reading makes a
        # concurrent call wait for this one (up to the busy timeout), where two
        # readers that both went on to write would have one of them refused.
        # (An UPDATE takes it even when no row matches.)
        Allowance.objects.filter(key=key).update(key=F("key"))
    # Two first calls at once: get_or_create's insert of the second fails on the
    # unique key once the first commits, and it reads (and locks) that row.
    return Allowance.objects.select_for_update().get_or_create(key=key, defaults={"last_at": now})


def forget_quiet(*, now: float) -> int:
    """Delete the rows of callers with no call in the last day; how many."""
    deleted, _ = Allowance.objects.filter(last_at__lt=now - FORGET_AFTER).delete()
    return deleted


def stored_key(key: str) -> str:
    # An anonymous caller's key holds the X-Forwarded-For it sent, of any length.
    if len(key) <= KEY_LENGTH:
        return key
    return f"{key[:100]}…{hashlib.sha256(key.encode()).hexdigest()}"
