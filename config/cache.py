"""Django's Redis cache, failing open.

The cache holds nothing durable (rate-limit counters, scoring flags, the
features generation), so when Redis is unreachable a read misses and a write
is dropped, with a warning, instead of turning the request into a server
error. Rate limits pause until Redis is back: a deliberate trade for keeping
sign-in and saving working during an outage (docs/operations.md)."""

import functools
import logging

import redis.exceptions
from django.core.cache.backends.redis import RedisCache

log = logging.getLogger(__name__)
UNREACHABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
# What each operation answers when Redis cannot be asked.
# "add" answers True, as if it had stored the key: allauth takes its rate-limit
# lock with add, and a lock that can never be taken would refuse every sign-in.
FALLBACK = {
    "add": True,
    "get": None,
    "set": None,
    "touch": False,
    "delete": False,
    "get_many": {},
    "has_key": False,
    "incr": None,
    "set_many": [],
    "delete_many": None,
    "clear": None,
}


def _failing_open(name: str, method):
    @functools.wraps(method)
    def wrapped(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except UNREACHABLE as error:
            log.warning("Cache %s skipped: Redis unreachable (%s)", name, type(error).__name__)
            if name == "get":
                return kwargs.get("default", args[1] if len(args) > 1 else None)
            return FALLBACK[name]

    return wrapped


class ResilientRedisCache(RedisCache):
    pass


for _name in FALLBACK:
    setattr(ResilientRedisCache, _name, _failing_open(_name, getattr(RedisCache, _name)))
