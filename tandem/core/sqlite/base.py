"""Django's SQLite backend, with the write lock taken in turns.

SQLite has one write lock. A writer that finds it taken sleeps between tries, SQLite's
own way (its default busy handler): 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, then 100
ms apart. A bulk writer that commits and begins again within a millisecond, such as a
file import chunk after chunk, therefore took the lock back every time before a waiting
web-form post woke: the post waited seconds, and the import had to leave the lock free
for 25 ms after every chunk so posts got in (a third of its time).

Here ``BEGIN IMMEDIATE``, where every Django transaction on SQLite takes the lock
(``transaction_mode`` in settings), tries again every half millisecond instead, until
the connection's ``timeout`` has passed. A post then gets the lock within a millisecond
of a commit, however long it has waited, and a writer between two chunks needs to leave
it free only that long. Statements outside a transaction keep SQLite's own waiting.
"""

from __future__ import annotations

import time
from typing import Any

from django.db import OperationalError
from django.db.backends.sqlite3 import base

RETRY_SECONDS = 0.0005


class DatabaseWrapper(base.DatabaseWrapper):
    def _start_transaction_under_autocommit(self) -> None:
        if getattr(self, "transaction_mode", None) != "IMMEDIATE" or self.is_in_memory_db():
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
            return
        timeout = float(self.settings_dict["OPTIONS"].get("timeout", 5))
        deadline = time.monotonic() + timeout
        raw: Any = self.connection
        raw.execute("PRAGMA busy_timeout = 0")  # a taken lock answers at once: we wait
        try:
            while True:
                try:
                    # Through Django's cursor, as its own BEGIN: logged, counted, and
                    # seen by execute wrappers (a test that splits transactions by it).
                    self.cursor().execute("BEGIN IMMEDIATE")
                    return
                except OperationalError as exc:
                    if "locked" not in str(exc) or time.monotonic() >= deadline:
                        raise
                    time.sleep(RETRY_SECONDS)
        finally:
            raw.execute(f"PRAGMA busy_timeout = {int(timeout * 1000):d}")
