"""Reading ahead in a thread, so a file is parsed while the database writes.

An import alternates between Python work (parsing and checking rows) and waiting for the
database. Both SQLite (in process) and the PostgreSQL driver release the GIL while the
database works, so a reader thread that parses the next chunk meanwhile turns the two
halves from taking turns into overlapping. The reader must not touch the database:
Django's connections belong to one thread each.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")
_ITEM, _DONE, _ERROR = "item", "done", "error"


def read_ahead(items: Iterable[T], depth: int = 2) -> Iterator[T]:
    """Yield ``items``, produced up to ``depth`` ahead in a background thread. An error
    in the producer is raised here, in the consumer, where it would have been raised;
    a consumer that stops early stops the producer too."""
    handoff: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(kind: str, value: Any) -> bool:
        while not stop.is_set():
            try:
                handoff.put((kind, value), timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(_ITEM, item):
                    return
            put(_DONE, None)
        except BaseException as exc:  # handed to the consumer, which raises it
            put(_ERROR, exc)

    worker = threading.Thread(target=produce, name="read-ahead", daemon=True)
    worker.start()
    try:
        while True:
            kind, value = handoff.get()
            if kind == _DONE:
                return
            if kind == _ERROR:
                raise value
            yield value
    finally:
        stop.set()
        worker.join(timeout=5)
