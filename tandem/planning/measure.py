"""The funnel's figures measured from Tandem's own data over a trailing window: each
stage-to-stage conversion rate, the average won deal and each stage-to-stage lag, with
its sample size and a 95 % confidence interval.

Each stage is one grouped query pushed down to the database: its cohort grouped by the
lag to the next stage in buckets of a tenth of a day (no bucket for those that did
not convert), so the count, the converters and the lags' histogram come back together
as a few thousand rows at most, never a Python object per lead:

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
lags the median with the order-statistic interval, read off the histogram; the deal
size the mean ± 1.96 standard errors.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Sum, When
from django.db.models.functions import Cast

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


# Lags are counted by the database in buckets of this many days (2.4 hours; the plan
# rounds lags to whole days): a stage's converters come back as at most a few thousand
# (bucket, count) rows, whatever their number, and the median and its interval are read
# off the counts.
BUCKET_DAYS = 0.1


@dataclass(frozen=True)
class Stage:
    """One stage's cohort in one grouped query: how many, how many converted, and the
    converters' lags as a histogram."""

    sample: int
    converted: int
    lags: Measured


def cohort(queryset: Any, end: str, start: str, converted: Q) -> Stage:
    """``queryset``'s rows grouped by the lag from ``start`` to ``end`` in buckets (no
    bucket for those not converted): the cohort, its converters and their lags at once."""
    rows = (
        queryset.order_by()
        .annotate(
            bucket=Case(
                When(
                    converted,
                    then=Cast(DaysBetween(F(end), F(start)) / BUCKET_DAYS, IntegerField()),
                ),
                default=None,
                output_field=IntegerField(),
            )
        )
        .values("bucket")
        .annotate(n=Count("*"))  # not the key: a lead's (contact_id) is not SQLite's rowid
        .values_list("bucket", "n")
    )
    sample = converters = 0
    buckets, counts = [], []
    for bucket, n in rows:
        sample += n
        if bucket is not None:
            converters += n
            buckets.append(bucket)
            counts.append(n)
    lags = histogram_median(np.array(buckets, float) * BUCKET_DAYS, np.array(counts, int))
    return Stage(sample, converters, lags)


def histogram_median(days: np.ndarray, counts: np.ndarray) -> Measured:
    """The median lag and its order-statistic interval from (lag, how many) pairs."""
    n = int(counts.sum())
    if n == 0:
        return Measured(None, 0)
    order = np.argsort(days)
    days, cumulative = np.maximum(days[order], 0.0), np.cumsum(counts[order])

    def rank(k: int) -> float:  # the k-th smallest lag (0-based)
        return float(days[np.searchsorted(cumulative, k + 1)])

    half = Z95 * math.sqrt(n) / 2
    low = rank(max(0, math.floor(n / 2 - half)))
    high = rank(min(n - 1, math.ceil(n / 2 + half)))
    middle = (rank((n - 1) // 2) + rank(n // 2)) / 2
    return Measured(middle, n, low, high)


def measure(*, as_of: date, currency: str, window_days: int = WINDOW_DAYS) -> dict[str, Measured]:
    """Every figure of the funnel over the ``window_days`` before ``as_of``."""
    from django.utils import timezone

    tz = timezone.get_current_timezone()
    until = timezone.make_aware(datetime.combine(as_of + timedelta(days=1), time.min), tz)
    since = until - timedelta(days=window_days)
    window = (since, until)
    found: dict[str, Measured] = {}
    for key, queryset, end, start, converted in (
        ("lead_mql", Lead.objects.filter(contact__created_at__range=window), "mql_at",
         "contact__created_at", Q(mql_at__isnull=False)),
        ("mql_accepted", Lead.objects.filter(mql_at__range=window), "accepted_at", "mql_at",
         Q(accepted_at__isnull=False)),
        ("accepted_sql", Lead.objects.filter(accepted_at__range=window),
         "opportunity__created_at", "accepted_at", Q(opportunity__isnull=False)),
    ):  # fmt: skip
        stage = cohort(queryset, end, start, converted)
        found[key] = wilson(stage.converted, stage.sample)
        found[f"{key}_days"] = stage.lags

    from_leads = Exists(Lead.objects.filter(opportunity=OuterRef("pk")))
    opened = Opportunity.objects.filter(created_at__range=window)
    counts = opened.aggregate(n=Count("pk"), k=Count("pk", filter=Q(from_leads)))
    found["lead_share"] = wilson(counts["k"], counts["n"])

    closed = Opportunity.objects.filter(closed_at__range=window, stage__in=("won", "lost"))
    stage = cohort(closed, "closed_at", "created_at", Q(stage="won"))
    found["win_rate"] = wilson(stage.converted, stage.sample)
    found["sql_won_days"] = stage.lags
    found["deal_size"] = _deal_size(closed.filter(stage="won"), currency, as_of)
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
