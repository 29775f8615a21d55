"""Totals in one currency where amounts are in several: the organisation's exchange rates.

Deals, campaigns and (later) budget lines keep each amount beside its own currency, and
every sum is first taken per currency by the database (one grouped read). A page that
wants one figure then converts those few per-currency sums here, through the rates in
force on one day, into the currency the reader chose. Converting the per-currency sums
is the same arithmetic as converting every amount first (a rate multiplies every amount
of its currency alike), at the cost of a handful of multiplications instead of a join.

A rate says what one unit of a currency is worth in the reporting currency
(``TANDEM_CURRENCY``, "home"), from a date until the currency's next rate, as
Salesforce's dated exchange rates and HubSpot's currency settings do. Between two
foreign currencies the amount goes through home: 100 USD into EUR is
100 x rate(USD) / rate(EUR). An amount in a currency without a rate is never guessed:
it is left out of the converted figure and named beside it, with where to add the rate.

Administrators keep the rates (``set_rate``, ``remove_rate``); everyone who works here
reads them, because every converted figure says which rates it used.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from tandem.core.currencies import currency_code
from tandem.core.errors import CoreError, DomainError, invalid
from tandem.core.models import ExchangeRate
from tandem.core.permissions import ORGANISATION, Action, require
from tandem.core.services import record_event

CENT = Decimal("0.01")
ONE = Decimal(1)
# A rate is kept to eight decimal places (1 JPY = 0.00532100 GBP) and must be sensible:
# a million units of home for one unit, or a millionth, is a typing mistake.
RATE_PLACES = Decimal("0.00000001")
MIN_RATE, MAX_RATE = Decimal("0.000001"), Decimal("1000000")


def home_currency() -> str:
    """The organisation's reporting currency (``TANDEM_CURRENCY``)."""
    return str(settings.TANDEM_CURRENCY)


@dataclass(frozen=True)
class Rates:
    """The rates in force on ``on``: currency -> (value of one unit in ``home``, since)."""

    home: str
    on: date
    per_unit: dict[str, tuple[Decimal, date]] = field(default_factory=dict)

    def value(self, currency: str) -> Decimal | None:
        if currency == self.home:
            return ONE
        found = self.per_unit.get(currency)
        return found[0] if found else None

    def convert(self, amount: Decimal, source: str, target: str) -> Decimal | None:
        """``amount`` of ``source`` in ``target``, unrounded; None without a rate."""
        if source == target:
            return amount
        into_home, target_value = self.value(source), self.value(target)
        if into_home is None or target_value is None:
            return None
        return amount * into_home / target_value

    def targets(self, present: Iterable[str] = ()) -> list[str]:
        """The currencies a total may be shown in: home first, then every currency with a
        rate or with amounts (the latter shows its own amounts alone)."""
        return [self.home, *sorted({*self.per_unit, *present} - {self.home})]


def rates_on(day: date) -> Rates:
    """The rates in force on ``day``."""
    home = home_currency()
    rows = ExchangeRate.objects.in_force(home, day)
    return Rates(home, day, {c: (Decimal(r), since) for c, r, since in rows})


@dataclass
class Converted:
    """Amounts of several currencies added up in ``currency``.

    ``amount`` is the sum of every amount that could be converted, to the cent;
    ``converted`` names the other currencies that went into it, and ``left_out`` keeps,
    per currency, the amounts that could not be (no rate), so a page can say so."""

    currency: str
    amount: Decimal = Decimal("0.00")
    converted: list[str] = field(default_factory=list)
    left_out: dict[str, Decimal] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return not self.left_out


def add_up(amounts: Iterable[tuple[str, Decimal | None]], into: str, rates: Rates) -> Converted:
    """(currency, amount) pairs, any number per currency, as one total in ``into``."""
    result = Converted(into)
    exact = Decimal(0)
    for currency, amount in amounts:
        value = rates.convert(Decimal(amount or 0), currency, into)
        if value is None:
            result.left_out[currency] = result.left_out.get(currency, Decimal(0)) + (amount or 0)
            continue
        exact += value
        if currency != into and currency not in result.converted:
            result.converted.append(currency)
    result.amount = exact.quantize(CENT, rounding=ROUND_HALF_UP)
    result.converted.sort()
    return result


def chosen_currency(value: Any, rates: Rates, present: Iterable[str] = ()) -> str:
    """The "totals in" a reader asked for, if it is one on offer, else home."""
    code = currency_code(value)
    return code if code and code in rates.targets(present) else rates.home


# --- Keeping the rates (administrators) ---------------------------------------------


def parse_rate(value: Any) -> Decimal:
    """A rate as typed ("1.1734", "0,85" is refused), or a DomainError naming it."""
    try:
        rate = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise invalid("rate", "rate must be a number such as 0.8571.") from None
    if not rate.is_finite():
        raise invalid("rate", "rate must be a finite number such as 0.8571.")
    if not MIN_RATE <= rate <= MAX_RATE:
        raise invalid("rate", f"rate must be between {MIN_RATE:f} and {MAX_RATE:,}.")
    return rate.quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def set_rate(
    *, actor: Any, currency: Any, valid_from: date, rate: Any, note: str = ""
) -> ExchangeRate:
    """Record what one unit of ``currency`` is worth in the home currency from
    ``valid_from``; a rate already given for that currency and day is replaced (the
    event keeps the old value)."""
    require(actor, Action.KEEP_RATES, ORGANISATION)
    home = home_currency()
    code = currency_code(currency)
    if code is None:
        shown = str(currency or "").strip()[:12]
        raise invalid("currency", f"{shown!r} is not a currency code we know: use ISO 4217.")
    if code == home:
        raise invalid("currency", f"{code} is the reporting currency: it is worth 1 {home}.")
    value = parse_rate(rate)
    note = str(note or "").strip()
    if len(note) > 200:
        raise invalid("note", "note must be at most 200 characters.")
    try:
        with transaction.atomic():
            found, created = ExchangeRate.objects.select_for_update().get_or_create(
                home=home,
                currency=code,
                valid_from=valid_from,
                defaults={"rate": value, "note": note, "created_by": actor},
            )
            before = None if created else str(found.rate)
            if not created:
                found.rate, found.note, found.created_by = value, note, actor
                found.save(update_fields=["rate", "note", "created_by"])
            record_event(
                "exchange_rate.set",
                subject=found,
                data={
                    "currency": code,
                    "home": home,
                    "valid_from": valid_from.isoformat(),
                    "rate": str(value),
                    "before": before,
                },
            )
    except IntegrityError:  # two administrators entered the same day at once
        raise DomainError(
            CoreError.RATE_CLASH,
            f"A rate for {code} from {valid_from:%d %b %Y} was being saved at the same "
            "moment; reload and check it.",
            field="valid_from",
        ) from None
    return found


def remove_rate(*, actor: Any, rate: ExchangeRate) -> None:
    """Delete a rate entered by mistake; the currency's previous rate applies again."""
    require(actor, Action.KEEP_RATES, ORGANISATION)
    with transaction.atomic():
        record_event(
            "exchange_rate.removed",
            subject=rate,
            data={
                "currency": rate.currency,
                "home": rate.home,
                "valid_from": rate.valid_from.isoformat(),
                "rate": str(rate.rate),
            },
        )
        rate.delete()
