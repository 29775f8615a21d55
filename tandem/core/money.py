"""Amounts of money arriving from outside (a JSON body, a form, a file cell): one rule.

An amount is a finite, non-negative number of at most 999,999,999,999.99, kept to the
penny. ``Decimal("NaN")`` passes ``quantize`` and then compares false with everything,
so a NaN was told it "cannot be negative": each way of being wrong gets its own message.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from tandem.core.errors import invalid

PENNY = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999999.99")  # what a 14-digit, 2-place column holds


def parse_amount(value: Any, field: str) -> Decimal:
    """``value`` as an amount to the penny, or a DomainError naming ``field``."""
    if isinstance(value, bool):  # a JSON true is not 1.00
        raise invalid(field, f"{field} must be a number such as 1500.00.")
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise invalid(field, f"{field} must be a number such as 1500.00.") from None
    if amount.is_nan():
        raise invalid(field, f"{field} is not a number ({str(value)[:20]!r} given).")
    if amount.is_infinite():
        raise invalid(field, f"{field} must be a finite amount, not infinity.")
    if amount < 0:
        raise invalid(field, f"{field} cannot be negative.")
    if amount > MAX_AMOUNT:  # before rounding, which fails past 28 digits
        raise invalid(field, f"{field} is too large (at most {MAX_AMOUNT:,}).")
    rounded = amount.quantize(PENNY)
    if rounded > MAX_AMOUNT:  # 999999999999.999 rounds up past what the column holds
        raise invalid(field, f"{field} is too large (at most {MAX_AMOUNT:,}).")
    return rounded


def to_penny(amount: float | Decimal) -> Decimal:
    """An amount summed in floating point, as money: rounded to the penny."""
    return Decimal(str(round(float(amount), 2))).quantize(PENNY)
