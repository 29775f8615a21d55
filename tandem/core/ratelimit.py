"""Rate limits: atomic counters in a fixed window, shared by every process and host.

The one primitive behind every limit Tandem keeps (web-form submissions per address, API
calls per token, failed log-ins per address, reset e-mails per address). A subject's
window opens at its first hit and lasts exactly ``window`` seconds; hits refused inside
it are counted but never move its end, so a flood is refused until then and no longer.

Where the counts live:

- **Redis**, when ``TANDEM_REDIS_URL`` is set: ``INCR``, plus ``PEXPIRE`` on the hit that
  created the key, in one Lua script, which Redis runs atomically; its clock ends windows.
- **The database** otherwise: one ``INSERT … ON CONFLICT DO UPDATE … RETURNING``
  statement, atomic in SQLite and PostgreSQL alike. The file cache of the embedded setup
  cannot do this: its ``incr`` is a read and then a write, so concurrent workers lose
  counts (673 of 800 requests passed a limit of 600), and each write resets the expiry to
  the cache's default (a one-minute window became five, and refused attempts extended
  it). The database is shared by every process here and, on PostgreSQL, by every host.

Subjects are hashed into the key, so no address or e-mail is stored in a counter.
"""

from __future__ import annotations

import hashlib
import math
import re
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

if TYPE_CHECKING:
    import redis

PERIODS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}
KEY_PREFIX = "tandem:rate:"

# KEYS[1] the counter, ARGV[1] the window in ms. Returns the count and the ms left.
_REDIS_HIT = """
local hits = redis.call('INCR', KEYS[1])
local left = redis.call('PTTL', KEYS[1])
if hits == 1 or left < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  left = tonumber(ARGV[1])
end
return {hits, left}
"""


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    hits: int  # counted in this window, this hit included
    limit: int
    retry_after: float  # seconds until the window ends

    @property
    def retry_after_seconds(self) -> int:
        """Whole seconds, rounded up, as ``Retry-After`` wants them (at least 1)."""
        return max(1, math.ceil(self.retry_after))


def parse_rate(rate: str) -> tuple[int, int]:
    """``"600/m"`` → (600, 60). Periods: s, m, h, d (or sec, min, hour, day)."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*([a-z]+)\s*", rate or "")
    if not match or match.group(2) not in PERIODS:
        raise ImproperlyConfigured(f"A rate is N/s, N/m, N/h or N/d, not {rate!r}.")
    return int(match.group(1)), PERIODS[match.group(2)]


def hit(scope: str, subject: str, *, limit: int, window: int) -> Verdict:
    """Count one attempt of ``subject`` under ``scope``; allowed while within ``limit``."""
    key = _key(scope, subject)
    if settings.REDIS_URL:
        hits, left_ms = _redis_hit(key, window)
    else:
        hits, left_ms = _database_hit(key, window)
    return Verdict(allowed=hits <= limit, hits=hits, limit=limit, retry_after=left_ms / 1000)


def count(scope: str, subject: str) -> int:
    """Attempts of ``subject`` counted in its current window, without counting one."""
    key = _key(scope, subject)
    if settings.REDIS_URL:
        value = _redis(settings.REDIS_URL).get(key)
        return int(value or 0)
    from tandem.core.models import RateCounter

    found = (
        RateCounter.objects.filter(key=key, window_ends_ms__gt=now_ms())
        .values_list("hits", flat=True)
        .first()
    )
    return found or 0


def purge_expired() -> int:
    """Drop database counters whose window has ended (Redis expires its own)."""
    from tandem.core.models import RateCounter

    deleted, _ = RateCounter.objects.filter(window_ends_ms__lte=now_ms()).delete()
    return deleted


def now_ms() -> int:
    """The clock of database counters (tests move it to cross a window's end)."""
    return int(time.time() * 1000)


def _key(scope: str, subject: str) -> str:
    digest = hashlib.sha256(subject.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"{KEY_PREFIX}{scope}:{digest}"


def _database_hit(key: str, window: int) -> tuple[int, int]:
    from tandem.core.models import RateCounter

    now = now_ms()
    quote = connection.ops.quote_name
    table = quote(RateCounter._meta.db_table)
    key_col, hits, ends = quote("key"), quote("hits"), quote("window_ends_ms")
    # SET expressions read the row as it was, so both CASEs see the old window end.
    sql = (
        f"INSERT INTO {table} ({key_col}, {hits}, {ends}) VALUES (%s, 1, %s) "  # noqa: S608
        f"ON CONFLICT ({key_col}) DO UPDATE SET "
        f"{hits} = CASE WHEN {table}.{ends} <= %s THEN 1 ELSE {table}.{hits} + 1 END, "
        f"{ends} = CASE WHEN {table}.{ends} <= %s THEN EXCLUDED.{ends} ELSE {table}.{ends} END "
        f"RETURNING {hits}, {ends}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, now + window * 1000, now, now])
        row = cursor.fetchone()
    return int(row[0]), max(0, int(row[1]) - now)


def _redis_hit(key: str, window: int) -> tuple[int, int]:
    client = _redis(settings.REDIS_URL)
    hits, left = _script(settings.REDIS_URL)(keys=[key], args=[window * 1000], client=client)
    return int(hits), int(left)


@lru_cache(maxsize=4)
def _redis(url: str) -> redis.Redis:
    import redis

    return redis.Redis.from_url(url)


@lru_cache(maxsize=4)
def _script(url: str) -> Any:
    return _redis(url).register_script(_REDIS_HIT)
