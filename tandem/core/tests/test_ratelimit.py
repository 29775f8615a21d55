"""The rate-limit primitive: exact under concurrency, one fixed window, on both homes
of the counters (the database when there is no Redis, and Redis)."""

import secrets
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from tandem.core import ratelimit
from tandem.core.models import RateCounter


def _scope() -> str:
    return f"test-{secrets.token_hex(4)}"


def _hit_and_close(scope: str, limit: int, window: int) -> ratelimit.Verdict:
    try:
        return ratelimit.hit(scope, "203.0.113.5", limit=limit, window=window)
    finally:
        connection.close()  # each worker thread opened its own


@pytest.mark.django_db(transaction=True)
def test_exactly_the_limit_passes_when_many_threads_hit_at_once(rate_counters):
    scope = _scope()
    with ThreadPoolExecutor(max_workers=16) as pool:
        verdicts = list(pool.map(lambda _: _hit_and_close(scope, 60, 60), range(200)))
    assert sum(v.allowed for v in verdicts) == 60
    # No hit was lost or counted twice: every count from 1 to 200 was handed out once.
    assert sorted(v.hits for v in verdicts) == list(range(1, 201))


@pytest.mark.django_db
def test_refused_hits_do_not_move_the_end_of_the_window(rate_counters):
    scope = _scope()
    started = time.monotonic()
    assert [ratelimit.hit(scope, "a", limit=3, window=2).allowed for _ in range(3)] == [True] * 3
    previous = 2.0
    while time.monotonic() - started < 1.2:
        refused = ratelimit.hit(scope, "a", limit=3, window=2)
        assert not refused.allowed
        assert refused.retry_after <= previous  # counting down, never pushed back
        previous = refused.retry_after
        time.sleep(0.1)
    assert ratelimit.count(scope, "a") > 3
    time.sleep(max(0.0, started + 2.3 - time.monotonic()))
    fresh = ratelimit.hit(scope, "a", limit=3, window=2)
    assert fresh.allowed and fresh.hits == 1
    assert ratelimit.hit(scope, "b", limit=3, window=2).hits == 1  # subjects apart


def test_a_window_lasts_exactly_its_length(db, settings, monkeypatch):
    """Time travel on the database counters: a 60 s window is 60 s to the millisecond."""
    settings.REDIS_URL = ""
    clock = [1_800_000_000_000]
    monkeypatch.setattr(ratelimit, "now_ms", lambda: clock[0])
    scope = _scope()
    assert all(ratelimit.hit(scope, "a", limit=2, window=60).allowed for _ in range(2))
    clock[0] += 30_000
    refused = ratelimit.hit(scope, "a", limit=2, window=60)
    assert not refused.allowed and refused.retry_after == 30
    assert refused.retry_after_seconds == 30
    clock[0] += 29_999
    assert not ratelimit.hit(scope, "a", limit=2, window=60).allowed
    clock[0] += 1
    fresh = ratelimit.hit(scope, "a", limit=2, window=60)
    assert fresh.allowed and fresh.hits == 1 and fresh.retry_after == 60


def test_counters_store_no_address_and_expired_ones_are_purged(db, settings, monkeypatch):
    settings.REDIS_URL = ""
    clock = [1_800_000_000_000]
    monkeypatch.setattr(ratelimit, "now_ms", lambda: clock[0])
    ratelimit.hit("test-purge", "198.51.100.23", limit=5, window=60)
    ratelimit.hit("test-purge", "198.51.100.24", limit=5, window=120)
    assert not RateCounter.objects.filter(key__contains="198.51").exists()
    clock[0] += 60_000
    assert ratelimit.purge_expired() == 1
    assert RateCounter.objects.count() == 1
    assert ratelimit.count("test-purge", "198.51.100.24") == 1


@pytest.mark.parametrize("rate", ["600/m", "5/s", "100/h", "1000/d", " 10 / min "])
def test_rates_parse(rate):
    limit, window = ratelimit.parse_rate(rate)
    assert limit > 0 and window in {1, 60, 3600, 86400}


@pytest.mark.parametrize("rate", ["", "600", "600/week", "-1/m", "x/m"])
def test_a_bad_rate_is_refused_by_name(rate):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="N/s"):
        ratelimit.parse_rate(rate)
