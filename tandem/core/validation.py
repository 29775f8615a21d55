"""Input arriving from outside (a JSON body, a form): one rule each, the field named.

Money has its own rule in ``tandem.core.money``, dates and times in ``tandem.core.dates``.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from tandem.core.errors import invalid


def decimal_number(value: Any, field: str, low: str, high: str) -> Decimal:
    """``value`` as a finite number from ``low`` to ``high``, or INVALID naming ``field``."""
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise invalid(field, "Enter a number.") from None
    if not number.is_finite() or not Decimal(low) <= number <= Decimal(high):
        raise invalid(field, f"Enter a number from {low} to {high}.")
    return number


def whole_number(value: Any, field: str, low: int, high: int, *, message: str = "") -> int:
    """``value`` as a whole number from ``low`` to ``high``, or INVALID naming ``field``
    (with ``message``, when given, whether it is no number or out of range)."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise invalid(field, message or "Enter a whole number.") from None
    if not low <= number <= high:
        raise invalid(field, message or f"Enter a whole number from {low} to {high}.")
    return number


def required_text(value: str | None, field: str, limit: int, *, message: str) -> str:
    """``value`` without surrounding spaces, or INVALID naming ``field`` with ``message``
    when that leaves nothing or more than ``limit`` characters (a name, a label)."""
    text = (value or "").strip()
    if not text or len(text) > limit:
        raise invalid(field, message)
    return text


def optional_text(value: Any, field: str, limit: int) -> str:
    """``value`` without surrounding spaces ("" for nothing), or INVALID naming ``field``
    when it is longer than ``limit`` characters (a note, a comment)."""
    text = str(value or "").strip()
    if len(text) > limit:
        raise invalid(field, f"Keep it to {limit:,} characters.")
    return text
