"""SQLite's write lock taken in turns (``tandem.core.sqlite``): a transaction waiting for
the lock gets it within a millisecond of another writer's commit, even when that writer
begins again almost at once, as an import does between chunks."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from django.db import OperationalError, connection, transaction

from tandem.core.models import DomainEvent
from tandem.core.services import record_event

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's one write lock"),
]


def hold_lock(path: str, spans: list[float], gap: float, holding: threading.Event) -> None:
    """Another process's bulk writer: hold the write lock for each span in turn, leaving
    it free ``gap`` seconds between them."""
    other = sqlite3.connect(path, timeout=20, isolation_level=None)
    try:
        for n, span in enumerate(spans):
            if n:
                time.sleep(gap)
            other.execute("BEGIN IMMEDIATE")
            holding.set()
            time.sleep(span)
            other.execute("COMMIT")
    finally:
        other.close()


def write_one() -> float:
    """Seconds a small transaction of ours took, waiting for the lock included."""
    started = time.monotonic()
    with transaction.atomic():
        record_event("test.turns")
    return time.monotonic() - started


def test_a_waiting_transaction_gets_in_between_two_chunks() -> None:
    connection.ensure_connection()
    holding = threading.Event()
    # The lock is held 0.4 s, free for 15 ms, then held 3 s. SQLite's own waiting tries
    # at 328 ms and 428 ms by then (its sleeps add up so), so it misses the gap and waits
    # the 3 s too. 15 ms, not the import's 1: a thread on a loaded machine (CI runs two
    # suites on two cores) can wait that long to be scheduled, and missed a 2 ms gap.
    writer = threading.Thread(
        target=hold_lock, args=(connection.settings_dict["NAME"], [0.4, 3.0], 0.015, holding)
    )
    writer.start()
    try:
        assert holding.wait(5)
        waited = write_one()
    finally:
        writer.join()
    assert 0.3 < waited < 1.5, waited
    assert DomainEvent.objects.filter(name="test.turns").count() == 1


def test_the_wait_still_ends_at_the_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    connection.ensure_connection()
    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "timeout", 0.2)
    holding = threading.Event()
    writer = threading.Thread(
        target=hold_lock, args=(connection.settings_dict["NAME"], [1.0], 0, holding)
    )
    writer.start()
    try:
        assert holding.wait(5)
        started = time.monotonic()
        with pytest.raises(OperationalError, match="locked"):
            write_one()
        assert time.monotonic() - started < 0.8
    finally:
        writer.join()
    # The connection is usable afterwards, with SQLite's own timeout back for statements.
    assert write_one() < 0.5
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == 200
