"""The pipeline as the board and the forecast show it, assembled from a handful of
aggregate queries (``OpportunityQuerySet.stage_totals``, ``forecast``, ``slipped``),
whatever the number of deals.

Money is never added across currencies: there are no exchange rates in Tandem
(``core.money`` keeps an amount beside its currency), so every total is a list of
(currency, amount) and the forecast shows one currency at a time, naming the others.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import F, Q

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


@dataclass
class Total:
    currency: str
    amount: Decimal
    weighted: Decimal


@dataclass
class Column:
    stage: str
    label: str
    percent: int
    closed: bool
    count: int = 0
    totals: list[Total] = field(default_factory=list)
    cards: list[Opportunity] = field(default_factory=list)

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


def forecast(
    found: Any, *, first: date, months: int = FORECAST_MONTHS, currency: str = ""
) -> Forecast:
    """Open pipeline, weighted pipeline and won, by close month from ``first`` for
    ``months`` months, in one currency (``currency`` if any deal has it, else the one
    with the most open pipeline, else GBP); plus what slipped (open, dated before
    ``first``) and what has no close date. Two aggregate queries."""
    after = add_months(first, months)
    rows = list(found.forecast(first, after))
    slipped = list(found.slipped(first))
    pipeline_by: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        pipeline_by[row["currency"]] += row["pipeline"] or 0
    for row in slipped:
        pipeline_by[row["currency"]] += 0
    currencies = sorted(pipeline_by)
    if currency not in pipeline_by:
        currency = max(currencies, key=lambda c: (pipeline_by[c], c == "GBP"), default="GBP")
    table = {add_months(first, n): ForecastRow(add_months(first, n)) for n in range(months)}
    for row in rows:
        if row["currency"] != currency:
            continue
        month = row["month"]
        line = table[first_of_month(month.date() if isinstance(month, datetime) else month)]
        line.pipeline = cents(row["pipeline"])
        line.weighted = weighted(row["weighted_x100"])
        line.won = cents(row["won"])
        line.open_count, line.won_count = row["open_count"], row["won_count"]
    result = Forecast(currency=currency, currencies=currencies, rows=list(table.values()))
    for row in slipped:
        if row["currency"] == currency:
            result.overdue, result.overdue_count = cents(row["overdue"]), row["overdue_count"]
            result.undated, result.undated_count = cents(row["undated"]), row["undated_count"]
    return result
