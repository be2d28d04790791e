"""API allowances counted in the database (api/allowances.py): DRF's sliding
log, at most N calls in any trailing window, on a moving clock."""

import time
from datetime import UTC, datetime

import pytest
import time_machine
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory

from api import allowances
from api.auth import CallerRateThrottle, RunRateThrottle
from api.models import Allowance, Token
from tests.api.conftest import API, bearer, call

pytestmark = pytest.mark.django_db

START = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def rates(settings):
    def set_rates(caller: str, runs: str = "100/hour") -> None:
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"caller": caller, "runs": runs},
        }

    return set_rates


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def at(clock, seconds: float) -> None:
    clock.move_to(START.timestamp() + seconds)


def test_no_more_than_the_rate_in_any_trailing_window(rates, clock, user):
    rates("3/minute")
    client = bearer(user)
    answers = {}
    for second in [0, 10, 20, 30, 59.9, 60.1, 61, 70.1, 80.1, 80.2]:
        at(clock, second)
        answers[second] = client.get(f"{API}/profiles/").status_code
    assert answers == {
        0: 200,
        10: 200,
        20: 200,
        30: 429,  # three in the minute before
        59.9: 429,
        60.1: 200,  # the call at 0 has left the window
        61: 429,  # 10, 20 and 60.1 are inside it
        70.1: 200,
        80.1: 200,
        80.2: 429,
    }


def test_retry_after_is_the_time_until_the_oldest_call_leaves_the_window(rates, clock, user):
    rates("2/minute")
    client = bearer(user)
    for second in [0, 25]:
        at(clock, second)
        assert client.get(f"{API}/profiles/").status_code == 200
    at(clock, 40.5)
    refused = client.get(f"{API}/profiles/")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "20"  # 19.5 s, rounded up
    at(clock, 60 + 0.01)
    assert client.get(f"{API}/profiles/").status_code == 200


def test_a_refused_call_is_not_counted(rates, clock, user):
    rates("1/minute")
    client = bearer(user)
    assert client.get(f"{API}/profiles/").status_code == 200
    for second in range(1, 60, 5):
        at(clock, second)
        assert client.get(f"{API}/profiles/").status_code == 429
    at(clock, 60.01)
    assert client.get(f"{API}/profiles/").status_code == 200


def test_each_token_and_each_session_person_has_an_allowance_of_its_own(rates, user):
    rates("2/minute")
    token_client = bearer(user)
    session = APIClient()
    session.force_login(user)
    for client in [token_client, token_client, session, session]:
        assert client.get(f"{API}/profiles/").status_code == 200
    token = Token.objects.get(user=user)
    assert set(Allowance.objects.values_list("key", flat=True)) == {
        f"throttle_caller_token-{token.pk}",
        f"throttle_caller_user-{user.pk}",
    }
    assert token_client.get(f"{API}/profiles/").status_code == 429
    assert session.get(f"{API}/profiles/").status_code == 429


def test_anonymous_callers_are_counted_per_address():
    factory = APIRequestFactory()
    keys = {
        CallerRateThrottle().get_cache_key(
            Request(factory.get("/", REMOTE_ADDR=address)), view=None
        )
        for address in ["198.51.100.7", "198.51.100.7", "203.0.113.5"]
    }
    assert keys == {"throttle_caller_anon-198.51.100.7", "throttle_caller_anon-203.0.113.5"}


def test_run_starts_are_counted_apart_from_other_calls(rates, staff, program):
    rates("100/minute", runs="1/hour")
    client = bearer(staff)
    rescore = f"/admin/programs/{program.slug}/rescore/"
    assert call(client, "post", rescore).status_code == 202
    assert call(client, "post", rescore).status_code == 429
    token = Token.objects.get(user=staff)
    runs = Allowance.objects.get(key=f"throttle_runs_token-{token.pk}")
    callers = Allowance.objects.get(key=f"throttle_caller_token-{token.pk}")
    assert (len(runs.history), len(callers.history)) == (1, 2)
    assert RunRateThrottle.scope == "runs"


def test_callers_quiet_for_a_day_are_forgotten_when_a_new_one_arrives(clock):
    allowances.take(key="quiet", limit=5, window=3600, now=time.time())
    at(clock, 3600)
    allowances.take(key="recent", limit=5, window=3600, now=time.time())
    at(clock, 24 * 3600 + 1)
    allowances.take(key="recent", limit=5, window=3600, now=time.time())  # an old caller
    assert set(Allowance.objects.values_list("key", flat=True)) == {"quiet", "recent"}
    allowances.take(key="new", limit=5, window=3600, now=time.time())
    assert set(Allowance.objects.values_list("key", flat=True)) == {"recent", "new"}
    # Once gone, gone: the next newcomer finds nothing more to delete.
    assert allowances.forget_quiet(now=time.time()) == 0
    allowances.take(key="newer", limit=5, window=3600, now=time.time())
    assert Allowance.objects.count() == 3


def test_a_caller_counted_just_under_a_day_ago_is_kept(clock):
    allowances.take(key="yesterday", limit=5, window=86400, now=time.time())
    at(clock, 24 * 3600 - 1)
    allowances.take(key="new", limit=5, window=86400, now=time.time())
    assert allowances.take(key="yesterday", limit=2, window=86400, now=time.time()) is None
    assert allowances.take(key="yesterday", limit=2, window=86400, now=time.time()) == 1


def test_a_key_longer_than_the_column_is_kept_as_a_digest():
    long = "throttle_caller_anon-" + "203.0.113.5," * 100
    for _ in range(2):
        assert allowances.take(key=long, limit=2, window=60, now=0) is None
    assert allowances.take(key=long, limit=2, window=60, now=1) == 59
    assert allowances.take(key=long[:-1], limit=2, window=60, now=1) is None
    assert all(len(key) <= 200 for key in Allowance.objects.values_list("key", flat=True))


def test_a_rate_of_nought_refuses_every_call_for_a_whole_window():
    assert allowances.take(key="closed", limit=0, window=60, now=0) == 60
    assert allowances.take(key="closed", limit=0, window=60, now=30) == 60


def test_a_lowered_rate_waits_until_enough_calls_have_left():
    for second in [0, 10, 20, 30]:
        assert allowances.take(key="lowered", limit=4, window=60, now=second) is None
    # Now two an hour: the calls at 0, 10 and 20 must leave first.
    assert allowances.take(key="lowered", limit=2, window=60, now=40) == 40
