"""What erasing a contact also removes in the apps above crm.

``crm.services.erase_contact`` owns the erasure and its transaction; an app above crm
that keeps personal data about a contact (campaigns: touch visitor ids; handoff: what
sales wrote about the lead) registers an eraser in its ``AppConfig.ready``. Each is
called inside that transaction with the contact's id and the text that replaces any
sentence that named them, so a failure in one leaves nothing half-erased.
"""

from __future__ import annotations

from collections.abc import Callable

Eraser = Callable[[int, str], None]  # (contact_id, replacement text)

_ERASERS: list[Eraser] = []


def register_eraser(eraser: Eraser) -> None:
    if eraser not in _ERASERS:
        _ERASERS.append(eraser)


def erase_elsewhere(contact_id: int, text: str) -> None:
    for eraser in _ERASERS:
        eraser(contact_id, text)
