"""``core.checkpoints``: a bulk writer's commits are copied back from the WAL into the
database file by a thread of its own when signalled, never by the writer's commits."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.db import connection, transaction

from tandem.core.checkpoints import checkpoints_apart
from tandem.core.models import DomainEvent
from tandem.core.services import record_event

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's write-ahead log"),
]


def autocheckpoint() -> int:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        return int(cursor.fetchone()[0])


def write_events(count: int) -> None:
    with transaction.atomic():
        for n in range(count):
            record_event("test.checkpoint", data={"n": n})


def test_the_thread_copies_commits_back_when_signalled() -> None:
    connection.ensure_connection()
    database = Path(connection.settings_dict["NAME"])  # a file, in WAL mode
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # start with nothing to copy
    before = autocheckpoint()
    with checkpoints_apart() as committed:
        assert autocheckpoint() == 0  # the writer no longer copies pages itself
        untouched = database.stat().st_mtime_ns
        write_events(300)  # more pages than a commit's own threshold would allow
        time.sleep(0.1)
        # In WAL mode only a checkpoint writes the database file: nobody has.
        assert database.stat().st_mtime_ns == untouched
        committed()
        deadline = time.monotonic() + 5
        while database.stat().st_mtime_ns == untouched and time.monotonic() < deadline:
            time.sleep(0.01)
        assert database.stat().st_mtime_ns != untouched  # the thread copied them back
    assert autocheckpoint() == before  # and the writer's own setting is back
    assert DomainEvent.objects.filter(name="test.checkpoint").count() == 300
