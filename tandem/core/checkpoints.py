"""SQLite: checkpoints moved off a bulk writer's path.

In WAL mode every commit appends the pages it changed to the WAL, and the committing
connection then copies them back into the database file (a checkpoint) once the WAL
holds 1,000 pages. An import that commits every 1,000 rows, so that web-form posts get
the write lock between its chunks, changes a few thousand index pages a chunk (phone
and account indexes take rows all over), so each of its commits was followed by a
checkpoint: on the large demo that was about 60 % of writing 85,000 contacts in
1,000-row commits (5.5-6.8 s against 1.9-2.1 s without; bench/README.md).

``checkpoints_apart`` turns the writer's own checkpoints off and has a thread, on its
own connection, checkpoint after each commit the writer signals. The copying then
runs beside the writer's next chunk, outside the write lock, and when commits come
faster than checkpoints, one checkpoint covers several (a page changed by each is
copied once). A web form that commits meanwhile checkpoints as it always did, or skips
it while the thread is at it (a passive checkpoint never waits), so it has no more to
copy than before. PostgreSQL, an in-memory database and a caller's transaction: no-op.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, cast

from django.db import connection

log = logging.getLogger(__name__)


@contextmanager
def checkpoints_apart() -> Iterator[Callable[[], None]]:
    """Yields ``committed()``, to call after each commit of the block's bulk writes."""
    sqlite = cast(Any, connection)  # is_in_memory_db() is the SQLite wrapper's
    if connection.vendor != "sqlite" or connection.in_atomic_block or sqlite.is_in_memory_db():
        yield lambda: None
        return
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        before = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA wal_autocheckpoint = 0")
    wake, stop = threading.Event(), threading.Event()
    worker = threading.Thread(
        target=_checkpointer,
        args=(str(connection.settings_dict["NAME"]), wake, stop),
        name="wal-checkpoints",
        daemon=True,
    )
    worker.start()
    try:
        yield wake.set
    finally:
        stop.set()
        wake.set()
        worker.join()
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA wal_autocheckpoint = {before:d}")


def _checkpointer(path: str, wake: threading.Event, stop: threading.Event) -> None:
    try:
        own = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    except sqlite3.Error:
        log.exception("no connection for WAL checkpoints; SQLite's own will run later")
        return
    try:
        while True:
            wake.wait()
            wake.clear()
            finishing = stop.is_set()
            try:
                own.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            except sqlite3.Error:
                log.exception("a WAL checkpoint failed; the next one will copy its pages")
            if finishing:
                return
    finally:
        own.close()
