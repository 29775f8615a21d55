"""Who hears that touches arrived for contacts (web form, bulk API, file import).

campaigns stores the touches; an app above it that acts on them (handoff: queue the
contacts to be scored and handed off) registers a listener in its ``AppConfig.ready``.
Listeners are called inside the transaction that wrote the touches, so what they write
commits, or rolls back, with them.
"""

from __future__ import annotations

from typing import Protocol


class ArrivalListener(Protocol):
    def __call__(self, contact_ids: list[int], *, source: str) -> None: ...


_LISTENERS: list[ArrivalListener] = []


def register_arrival_listener(listener: ArrivalListener) -> None:
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)


def touches_arrived(contact_ids: list[int], *, source: str) -> None:
    """``contact_ids``: the contacts that have new touches; ``source``: "api", "web form"."""
    for listener in _LISTENERS:
        listener(contact_ids, source=source)
