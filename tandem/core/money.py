"""Money: amounts arriving from outside parsed by one rule, and shown one way.

An amount is a finite, non-negative number of at most 999,999,999,999.99, kept to the
penny. ``Decimal("NaN")`` passes ``quantize`` and then compares false with everything,
so a NaN was told it "cannot be negative": each way of being wrong gets its own message.

Shown, an amount is written by Babel from the Unicode CLDR data: the currency's symbol,
thousands separators and the currency's own decimals (£310,000.00, JP¥1,200), the same
on every page, e-mail and chart, where pages once said "310000 GBP" beside
"878,700.00 GBP".
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from babel import Locale
from babel.numbers import format_compact_currency, format_currency
from django.conf import settings

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


def _locale() -> Locale:
    return Locale.parse(settings.LANGUAGE_CODE, sep="-")  # "en-gb" → en_GB


def format_money(amount: Decimal | float | int | None, currency: str) -> str:
    """``amount`` in ``currency`` as people read it: "£310,000.00", "-€5.50", "JP¥1,200".
    None (no amount yet) is an em dash. A code Babel does not know is written before the
    number ("XYZ 310,000.00") rather than failing the page."""
    if amount is None or amount == "":
        return "—"
    try:
        return str(format_currency(Decimal(str(amount)), currency, locale=_locale()))
    except (ValueError, InvalidOperation, KeyError):
        return f"{currency} {Decimal(str(amount)):,.2f}"


def format_money_short(amount: Decimal | float | int | None, currency: str) -> str:
    """A rounded figure for a chart label or a card: "£310K", "£1.2M"."""
    if amount is None:
        return "—"
    try:
        return str(
            format_compact_currency(
                Decimal(str(amount)), currency, locale=_locale(), fraction_digits=1
            )
        )
    except (ValueError, InvalidOperation, KeyError):
        return format_money(amount, currency)
