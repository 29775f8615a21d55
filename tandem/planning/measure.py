"""The funnel's figures measured from Tandem's own data over a trailing window: each
stage-to-stage conversion rate, the average won deal and each stage-to-stage lag, with
its sample size and a 95 % confidence interval.

Every figure is a few aggregates pushed down to the database, or one column of lags read
as floats into numpy (the converters of one stage, never a Python object per lead):

- lead → MQL: leads whose contact arrived in the window, how many became MQLs; lag from
  the contact's arrival to ``mql_at``.
- MQL → accepted: MQLs of the window (``mql_at``), how many sales accepted; lag to
  ``accepted_at``.
- accepted → SQL: accepted leads of the window, how many were converted to an
  opportunity; lag to the opportunity's creation.
- opportunities from leads: of the opportunities opened in the window, the share that
  came from a marketing lead (the rest sales sourced itself).
- win rate: of the opportunities closed in the window, the share won; lag (the sales
  cycle) from opening to winning.
- deal size: the mean amount of the deals won in the window, in the plan's currency
  (other currencies converted by the rates in force at the window's end).

Rates use the Wilson score interval, which stays inside 0-100 % for small samples;
lags the median with the order-statistic interval; the deal size the mean ± 1.96
standard errors.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
from django.db.models import Count, Exists, F, OuterRef, Q, Sum

from tandem.core import exchange_rates
from tandem.crm.models import Opportunity
from tandem.handoff.models import Lead
from tandem.handoff.scoring import DaysBetween

Z95 = 1.959964
WINDOW_DAYS = 365
MIN_SAMPLE = 20  # fewer than this and the plan uses the stated default instead


@dataclass(frozen=True)
class Measured:
    """One figure as the data give it: ``value`` (a fraction for rates, days for lags,
    money for the deal size) from ``sample`` cases, with its 95 % interval."""

    value: float | None
    sample: int
    low: float | None = None
    high: float | None = None


def wilson(converted: int, sample: int) -> Measured:
    if sample <= 0:
        return Measured(None, 0)
    p = converted / sample
    centre = p + Z95**2 / (2 * sample)
    spread = Z95 * math.sqrt(p * (1 - p) / sample + Z95**2 / (4 * sample**2))
    scale = 1 + Z95**2 / sample
    return Measured(
        p, sample, max(0.0, (centre - spread) / scale), min(1.0, (centre + spread) / scale)
    )


def median_with_interval(days: np.ndarray) -> Measured:
    """The median lag, and the ranks either side that bound it with 95 % confidence."""
    n = int(days.size)
    if n == 0:
        return Measured(None, 0)
    ordered = np.sort(np.maximum(days, 0.0))
    half = Z95 * math.sqrt(n) / 2
    low = ordered[max(0, math.floor(n / 2 - half))]
    high = ordered[min(n - 1, math.ceil(n / 2 + half))]
    return Measured(float(np.median(ordered)), n, float(low), float(high))


def _lags(queryset: Any, end: str, start: str) -> np.ndarray:
    column = queryset.annotate(lag=DaysBetween(F(end), F(start))).values_list("lag", flat=True)
    return np.fromiter((v for v in column.iterator(chunk_size=20_000) if v is not None), float)


def measure(*, as_of: date, currency: str, window_days: int = WINDOW_DAYS) -> dict[str, Measured]:
    """Every figure of the funnel over the ``window_days`` before ``as_of``."""
    from django.utils import timezone

    tz = timezone.get_current_timezone()
    until = timezone.make_aware(datetime.combine(as_of + timedelta(days=1), time.min), tz)
    since = until - timedelta(days=window_days)
    window = (since, until)
    found: dict[str, Measured] = {}

    arrived = Lead.objects.filter(contact__created_at__range=window)
    counts = arrived.aggregate(n=Count("pk"), k=Count("pk", filter=Q(mql_at__isnull=False)))
    found["lead_mql"] = wilson(counts["k"], counts["n"])
    found["lead_mql_days"] = median_with_interval(
        _lags(arrived.filter(mql_at__isnull=False), "mql_at", "contact__created_at")
    )

    mqls = Lead.objects.filter(mql_at__range=window)
    counts = mqls.aggregate(n=Count("pk"), k=Count("pk", filter=Q(accepted_at__isnull=False)))
    found["mql_accepted"] = wilson(counts["k"], counts["n"])
    found["mql_accepted_days"] = median_with_interval(
        _lags(mqls.filter(accepted_at__isnull=False), "accepted_at", "mql_at")
    )

    accepted = Lead.objects.filter(accepted_at__range=window)
    counts = accepted.aggregate(n=Count("pk"), k=Count("pk", filter=Q(opportunity__isnull=False)))
    found["accepted_sql"] = wilson(counts["k"], counts["n"])
    found["accepted_sql_days"] = median_with_interval(
        _lags(accepted.filter(opportunity__isnull=False), "opportunity__created_at", "accepted_at")
    )

    from_leads = Exists(Lead.objects.filter(opportunity=OuterRef("pk")))
    opened = Opportunity.objects.filter(created_at__range=window)
    counts = opened.aggregate(n=Count("pk"), k=Count("pk", filter=Q(from_leads)))
    found["lead_share"] = wilson(counts["k"], counts["n"])

    closed = Opportunity.objects.filter(closed_at__range=window, stage__in=("won", "lost"))
    counts = closed.aggregate(n=Count("pk"), k=Count("pk", filter=Q(stage="won")))
    found["win_rate"] = wilson(counts["k"], counts["n"])
    won = closed.filter(stage="won")
    found["sql_won_days"] = median_with_interval(_lags(won, "closed_at", "created_at"))
    found["deal_size"] = _deal_size(won, currency, as_of)
    return found


def _deal_size(won: Any, currency: str, as_of: date) -> Measured:
    """Mean won amount in ``currency``: per-currency count, sum and sum of squares from
    the database, each converted (a rate scales a sum by r and squares by r²)."""
    rows = (
        won.order_by()
        .values("currency")
        .annotate(n=Count("pk"), total=Sum("amount"), squares=Sum(F("amount") * F("amount")))
    )
    rates = exchange_rates.rates_on(as_of)
    n, total, squares = 0, 0.0, 0.0
    for row in rows:
        converted = rates.convert(Decimal(1), row["currency"], currency)
        if converted is None:
            continue  # no rate: left out, as every converted figure does
        rate = float(converted)
        n += row["n"]
        total += float(row["total"] or 0) * rate
        squares += float(row["squares"] or 0) * rate * rate
    if n == 0:
        return Measured(None, 0)
    mean = total / n
    spread = 0.0
    if n > 1:
        variance = max(0.0, (squares - n * mean * mean) / (n - 1))
        spread = Z95 * math.sqrt(variance / n)
    return Measured(mean, n, max(0.0, mean - spread), mean + spread)
