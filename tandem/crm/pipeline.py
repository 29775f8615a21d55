"""The pipeline as the board and the forecast show it, assembled from a handful of
aggregate queries (``OpportunityQuerySet.stage_totals``, ``forecast``, ``slipped``),
whatever the number of deals.

The database sums per currency; a total the reader wants in one currency ("totals in")
converts those per-currency sums through the exchange rates in force today
(``core.exchange_rates``). An amount in a currency without a rate is left out of that
total and named beside it, never guessed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import F, Q

from tandem.core.exchange_rates import Rates, add_up, chosen_currency
from tandem.crm.models import Opportunity
from tandem.crm.probability import CLOSED_STAGES, OPEN_STAGES, STAGE_PROBABILITY

# Cards shown per open column, soonest close date first; the column's count and totals
# cover all its deals, and a link opens the rest in the opportunity list. A column of
# 5,000 deals is read as 20 rows, not 5,000.
CARDS_PER_COLUMN = 20
# Won and lost come last, narrower: the latest few closed in the period.
CLOSED_CARDS = 5
FORECAST_MONTHS = 6
CENT = Decimal("0.01")
ONE = Decimal(1)


@dataclass
class Total:
    currency: str
    amount: Decimal
    weighted: Decimal


@dataclass
class OneTotal:
    """Per-currency totals as one: ``amount`` and ``weighted`` in ``currency``, with the
    currencies converted into it and the totals left out for want of a rate."""

    currency: str
    amount: Decimal
    weighted: Decimal
    converted: list[str] = field(default_factory=list)
    left_out: list[Total] = field(default_factory=list)


def in_currency(totals: list[Total], into: str, rates: Rates) -> OneTotal:
    amount = add_up(((t.currency, t.amount) for t in totals), into, rates)
    weighted_ = add_up(((t.currency, t.weighted) for t in totals), into, rates)
    left_out = [t for t in totals if t.currency in amount.left_out]
    return OneTotal(into, amount.amount, weighted_.amount, amount.converted, left_out)


@dataclass
class Column:
    stage: str
    label: str
    percent: int
    closed: bool
    count: int = 0
    totals: list[Total] = field(default_factory=list)
    cards: list[Opportunity] = field(default_factory=list)
    shown: OneTotal | None = None  # the totals in the reader's currency (``convert``)

    @property
    def more(self) -> int:
        return self.count - len(self.cards)


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def parse_month(text: str) -> date | None:
    """'2026-05' -> 1 May 2026; anything else (or a year outside 1900-2200) -> None."""
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        return date(year, month, 1) if 1900 <= year <= 2200 else None
    except (TypeError, ValueError):
        return None


def stage_probabilities() -> list[tuple[str, int]]:
    """(stage label, percent) in the board's order, for the page that explains them."""
    labels = dict(Opportunity.Stage.choices)
    return [(str(labels[s]), STAGE_PROBABILITY[s]) for s in (*OPEN_STAGES, *CLOSED_STAGES)]


def weighted(x100: Decimal | None) -> Decimal:
    return ((x100 or Decimal(0)) / 100).quantize(CENT)


def cents(amount: Decimal | None) -> Decimal:
    """A sum as money (SQLite gives 5000 where PostgreSQL gives 5000.00)."""
    return Decimal(amount or 0).quantize(CENT)


def _totals(rows: list[dict[str, Any]]) -> dict[str, tuple[int, list[Total]]]:
    """stage -> (count, totals per currency) from ``stage_totals`` rows."""
    by_stage: dict[str, tuple[int, list[Total]]] = {}
    for row in sorted(rows, key=lambda r: (r["stage"], r["currency"])):
        count, totals = by_stage.get(row["stage"], (0, []))
        totals.append(Total(row["currency"], cents(row["total"]), weighted(row["weighted_x100"])))
        by_stage[row["stage"]] = (count + row["count"], totals)
    return by_stage


def board_columns(
    found: Any, *, month: date | None, today: date, cards: bool = True
) -> list[Column]:
    """A column per open stage (the deals closing in ``month``, or every open deal),
    then won and lost (those whose close date is in ``month``, or this month); the
    counts and totals in one query, then (``cards``) the first cards of each column."""
    first = month or first_of_month(today)
    in_period = Q(close_date__gte=first, close_date__lt=add_months(first, 1))
    open_ = Q(stage__in=OPEN_STAGES) & (in_period if month else Q())
    shown = found.filter(open_ | (Q(stage__in=CLOSED_STAGES) & in_period))
    totals = _totals(list(shown.stage_totals()))
    labels = dict(Opportunity.Stage.choices)
    columns = []
    for stage in (*OPEN_STAGES, *CLOSED_STAGES):
        closed = stage in CLOSED_STAGES
        order = ("-closed_at", "-id") if closed else (F("close_date").asc(nulls_last=True), "id")
        count, stage_totals = totals.get(stage, (0, []))
        column = Column(
            stage=stage,
            label=str(labels[stage]),
            percent=STAGE_PROBABILITY[stage],
            closed=closed,
            count=count,
            totals=stage_totals,
        )
        if cards and count:
            column.cards = list(
                shown.filter(stage=stage)
                .select_related("account", "owner")
                .order_by(*order)[: CLOSED_CARDS if closed else CARDS_PER_COLUMN]
            )
        columns.append(column)
    return columns


def open_pipeline(columns: list[Column]) -> list[Total]:
    """The open columns' totals added up per currency."""
    sums: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal("0.00"), Decimal("0.00")])
    for column in columns:
        if column.closed:
            continue
        for total in column.totals:
            sums[total.currency][0] += total.amount
            sums[total.currency][1] += total.weighted
    return [Total(c, amount, w) for c, (amount, w) in sorted(sums.items())]


def currencies_of(columns: list[Column]) -> list[str]:
    return sorted({t.currency for c in columns for t in c.totals})


def convert_board(columns: list[Column], into: str, rates: Rates) -> OneTotal:
    """Each column's totals in ``into`` (``Column.shown``), and the open pipeline's."""
    for column in columns:
        column.shown = in_currency(column.totals, into, rates)
    return in_currency(open_pipeline(columns), into, rates)


@dataclass
class ForecastRow:
    month: date
    pipeline: Decimal = Decimal("0.00")
    weighted: Decimal = Decimal("0.00")
    won: Decimal = Decimal("0.00")
    open_count: int = 0
    won_count: int = 0


@dataclass
class Forecast:
    currency: str
    currencies: list[str]  # every currency with deals in the period or slipped
    rows: list[ForecastRow]
    rates_on: date | None = None
    converted: list[str] = field(default_factory=list)  # into ``currency`` at those rates
    # Open pipeline (in the months, overdue or undated) in currencies without a rate.
    left_out: dict[str, Decimal] = field(default_factory=dict)
    overdue: Decimal = Decimal("0.00")
    overdue_count: int = 0
    undated: Decimal = Decimal("0.00")
    undated_count: int = 0

    @property
    def totals(self) -> ForecastRow:
        return ForecastRow(
            month=self.rows[0].month,
            pipeline=sum((r.pipeline for r in self.rows), Decimal("0.00")),
            weighted=sum((r.weighted for r in self.rows), Decimal("0.00")),
            won=sum((r.won for r in self.rows), Decimal("0.00")),
            open_count=sum(r.open_count for r in self.rows),
            won_count=sum(r.won_count for r in self.rows),
        )

    def chart(self) -> dict[str, Any]:
        """What ``drawCharts`` (core's app.js) reads from the JSON block by the canvas."""
        return {
            "type": "bar",
            "labels": [r.month.strftime("%b %Y") for r in self.rows],
            "money": self.currency,  # the axis reads £400k
            "datasets": [
                {"label": f"Pipeline ({self.currency})", "values": _floats(self.rows, "pipeline")},
                {"label": f"Weighted ({self.currency})", "values": _floats(self.rows, "weighted")},
                {"label": f"Won ({self.currency})", "values": _floats(self.rows, "won")},
            ],
        }


def _floats(rows: list[ForecastRow], name: str) -> list[float]:
    return [float(getattr(r, name)) for r in rows]


def _default_currency(present: dict[str, Decimal], rates: Rates) -> str:
    """Home, if any deal is in it or converts into it; else the currency with the most
    open pipeline (an organisation selling only in euros without rates sees euros)."""
    if not present or any(rates.value(c) is not None for c in present):
        return rates.home
    return max(present, key=lambda c: (present[c], c))


def forecast(
    found: Any,
    *,
    first: date,
    rates: Rates,
    months: int = FORECAST_MONTHS,
    currency: str = "",
) -> Forecast:
    """Open pipeline, weighted pipeline and won, by close month from ``first`` for
    ``months`` months, in one currency (``currency`` if offered, else see
    ``_default_currency``), other currencies converted at ``rates``; plus what slipped
    (open, dated before ``first``) and what has no close date. Two aggregate queries."""
    after = add_months(first, months)
    rows = list(found.forecast(first, after))
    slipped = list(found.slipped(first))
    pipeline_by: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        pipeline_by[row["currency"]] += row["pipeline"] or 0
    for row in slipped:
        pipeline_by[row["currency"]] += (row["overdue"] or 0) + (row["undated"] or 0)
    into = chosen_currency(currency, rates, pipeline_by) if currency else ""
    into = into or _default_currency(pipeline_by, rates)
    result = Forecast(currency=into, currencies=sorted(pipeline_by), rows=[], rates_on=rates.on)
    exact: dict[date, dict[str, Any]] = {
        add_months(first, n): defaultdict(Decimal) for n in range(months)
    }
    for row in rows:
        factor = rates.convert(ONE, row["currency"], into)
        if factor is None:
            continue
        month = row["month"]
        line = exact[first_of_month(month.date() if isinstance(month, datetime) else month)]
        line["pipeline"] += (row["pipeline"] or 0) * factor
        line["weighted"] += (row["weighted_x100"] or 0) * factor / 100
        line["won"] += (row["won"] or 0) * factor
        line["open_count"] += row["open_count"]
        line["won_count"] += row["won_count"]
    result.rows = [ForecastRow(month, **_to_cents(line)) for month, line in exact.items()]
    slip: dict[str, Any] = defaultdict(Decimal)
    for row in slipped:
        factor = rates.convert(ONE, row["currency"], into)
        if factor is None:
            continue
        for name in ("overdue", "undated"):
            slip[name] += (row[name] or 0) * factor
            slip[f"{name}_count"] += row[f"{name}_count"]
    result.overdue, result.undated = cents(slip["overdue"]), cents(slip["undated"])
    result.overdue_count = int(slip["overdue_count"])
    result.undated_count = int(slip["undated_count"])
    for code, amount in pipeline_by.items():
        if code == into:
            continue
        if rates.convert(ONE, code, into) is None:
            result.left_out[code] = cents(amount)
        else:
            result.converted.append(code)
    return result


def _to_cents(line: dict[str, Any]) -> dict[str, Any]:
    counts = {"open_count": int(line["open_count"]), "won_count": int(line["won_count"])}
    return {**{k: cents(line[k]) for k in ("pipeline", "weighted", "won")}, **counts}
