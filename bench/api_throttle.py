"""What the API's allowance costs each call: N authenticated GETs of a cheap
endpoint (a person's own profiles, none) through Django's test client, in one
process, with the allowance checked four ways, interleaved; and the same
number of checks alone, without the rest of the call:

- ``none``: no allowance checked (the floor);
- ``locmem``: DRF's cache throttle on this process's LocMemCache (before, without REDIS_URL);
- ``redis``: DRF's cache throttle on Redis (before, with REDIS_URL);
- ``database``: api/allowances.py, a locked row per caller (after).

Each repetition uses a fresh token, so a caller's history grows from 0 to N
calls as under the production 300 a minute (N ≤ 300). The database is
PostgreSQL with the server's own commit settings (no PGOPTIONS).

    .venv/bin/python bench/api_throttle.py --calls 200 --repeats 7
"""

import argparse
import time
from types import SimpleNamespace

import common

common.setup_django()

from django.core.cache import caches  # noqa: E402
from django.core.cache.backends.locmem import LocMemCache  # noqa: E402
from django.test import Client  # noqa: E402
from rest_framework.throttling import SimpleRateThrottle  # noqa: E402

from api.auth import CallerRateThrottle  # noqa: E402
from api.models import Allowance, Token  # noqa: E402
from profiles.models import User  # noqa: E402

EMAIL = "api-throttle@bench.kindred.test"
DATABASE = CallerRateThrottle.allow_request


def before(self, request, view) -> bool:
    """The allowance as it was (commit db70365): DRF's, on ``self.cache``."""
    self.rate = self.get_rate()
    self.num_requests, self.duration = self.parse_rate(self.rate)
    return SimpleRateThrottle.allow_request(self, request, view)


WAYS = {
    "none": (lambda self, request, view: True, None),
    "locmem": (before, LocMemCache("bench-api-throttle", {})),
    "redis": (before, caches["default"]),
    "database": (DATABASE, None),
}


def calls(user, way: str, n: int) -> float:
    """Seconds per call, over ``n`` GETs with a fresh token."""
    allow, cache = WAYS[way]
    CallerRateThrottle.allow_request = allow
    CallerRateThrottle.cache = cache
    _, raw = Token.issue(user=user, name=f"bench {way}")
    client = Client(SERVER_NAME="localhost", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert (
        client.get("/api/v1/profiles/").status_code == 200
    )  # the token touched, out of the timing
    t0 = time.perf_counter()
    for _ in range(n - 1):
        response = client.get("/api/v1/profiles/")
    seconds = time.perf_counter() - t0
    assert response.status_code == 200, response.status_code
    return seconds / (n - 1)


def checks(user, way: str, n: int) -> float:
    """Seconds per allowance check alone, ``n`` of them for a fresh token."""
    allow, cache = WAYS[way]
    CallerRateThrottle.allow_request = allow
    CallerRateThrottle.cache = cache
    token, _ = Token.issue(user=user, name=f"bench {way} alone")
    request = SimpleNamespace(auth=token, user=user)
    t0 = time.perf_counter()
    for _ in range(n):
        assert CallerRateThrottle().allow_request(request, None)
    return (time.perf_counter() - t0) / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--wait", type=float, default=1800, help="for a quiet machine, at most")
    args = parser.parse_args()
    assert args.calls <= 300, "more than the production allowance a minute"
    user, _ = User.objects.get_or_create(email=EMAIL)
    user.api_tokens.all().delete()
    Allowance.objects.all().delete()
    caches["default"].clear()
    for way in WAYS:  # warm: URLs, templates, connections
        calls(user, way, 20)
    common.wait_for_quiet(timeout=args.wait)
    per_call = {way: [] for way in WAYS}
    alone = {way: [] for way in WAYS}
    with common.OtherLoad() as other:
        for _ in range(args.repeats):
            for way in WAYS:
                per_call[way].append(calls(user, way, args.calls))
                alone[way].append(checks(user, way, args.calls))
    CallerRateThrottle.allow_request = DATABASE
    floor = common.spread(per_call["none"])["median"]
    rows, results = [], {"calls": args.calls, "other_cores": other.cores, "ways": {}}
    for way, seconds in per_call.items():
        spread = common.spread(seconds)
        results["ways"][way] = {"call": spread, "check alone": common.spread(alone[way])}
        rows.append(
            {
                "allowance": way,
                "ms per call (median)": spread["median"] * 1000,
                "min": spread["min"] * 1000,
                "max": spread["max"] * 1000,
                "added ms": (spread["median"] - floor) * 1000,
                "check alone ms (median)": common.spread(alone[way])["median"] * 1000,
            }
        )
    common.print_table(rows)
    print(f"other processes used {other.cores:.2f} cores meanwhile")
    common.save("api_throttle", results)


if __name__ == "__main__":
    main()
