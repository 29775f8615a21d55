"""The reverse funnel: from the revenue target, the wins, opportunities, SQLs, accepted
leads, MQLs and leads needed per month, and by when each must arrive.

Each figure (a conversion rate, the deal size, a lag) is the one measured from
Tandem's own data (``measure``), unless the heads overrode it with a reason; where
the data are too few (fewer than ``MIN_SAMPLE`` cases) or unusable (a rate of 0 or
100 %), the plan says so and uses the stated default, which the heads can change per
period. Lags are respected: the revenue of a month is closed mid-month; its
opportunities must open one sales cycle earlier, its SQLs with them, its accepted leads
one accepted-to-SQL lag before that, and so on up the funnel, each counted in the
month it is due.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
from django.utils import timezone

from tandem.planning import fiscal
from tandem.planning.measure import MIN_SAMPLE, Measured, measure
from tandem.planning.models import Assumption, PlanPeriod, RevenueTarget


@dataclass(frozen=True)
class Spec:
    label: str
    kind: str  # "rate" (a fraction, entered in %), "days", "money"
    default: float
    side: str  # whose part of the plan: "marketing", "sales"


ASSUMPTIONS: dict[str, Spec] = {
    "lead_mql": Spec("Lead → MQL rate", "rate", 0.25, "marketing"),
    "lead_mql_days": Spec("Lead → MQL lag", "days", 21, "marketing"),
    "mql_accepted": Spec("MQL → accepted rate", "rate", 0.70, "sales"),
    "mql_accepted_days": Spec("MQL → accepted lag", "days", 2, "sales"),
    "accepted_sql": Spec("Accepted → SQL rate", "rate", 0.40, "sales"),
    "accepted_sql_days": Spec("Accepted → SQL lag", "days", 14, "sales"),
    "lead_share": Spec("Opportunities from marketing's leads", "share", 0.60, "marketing"),
    "win_rate": Spec("Win rate", "rate", 0.25, "sales"),
    "sql_won_days": Spec("Sales cycle (opportunity → won)", "days", 60, "sales"),
    "deal_size": Spec("Average won deal", "money", 10_000, "sales"),
}


@dataclass
class Figure:
    """A figure as the plan uses it, and where it came from."""

    key: str
    spec: Spec
    value: float
    source: str  # "measured", "override", "default"
    measured: Measured
    reason: str = ""  # the override's reason, or why the default is used

    @property
    def label(self) -> str:
        return self.spec.label

    def show(self, value: float | None, currency: str) -> str:
        """A value of this figure in words: "25.0 %", "21 days", "£10,000.00"."""
        if value is None:
            return "—"
        if self.spec.kind in ("rate", "share"):
            return f"{value * 100:.1f} %"
        if self.spec.kind == "days":
            return f"{value:.0f} days" if value >= 1.5 else f"{value:.1f} days"
        from tandem.core.money import format_money

        return format_money(round(value, 2), currency)

    def shown(self, currency: str) -> dict[str, str]:
        """What the plan page prints of it: the value used, the measured one, its interval."""
        found = self.measured
        interval = ""
        if found.low is not None and found.high is not None:
            interval = f"{self.show(found.low, currency)} to {self.show(found.high, currency)}"
        return {
            "used": self.show(self.value, currency),
            "measured": self.show(found.value, currency),
            "interval": interval,
        }


def usable(key: str, found: Measured) -> str:
    """ "" when the measured figure can be planned from, else why not."""
    if found.value is None or found.sample == 0:
        return "no cases in the window"
    if found.sample < MIN_SAMPLE:
        return f"only {found.sample} cases in the window (the plan needs {MIN_SAMPLE})"
    kind = ASSUMPTIONS[key].kind
    if kind == "rate" and found.value <= 0:
        return "measured 0 %: no plan can be built on it"
    if kind == "rate" and found.value >= 1:
        return "measured 100 %: too good to plan on"
    if kind == "money" and found.value <= 0:
        return "the won deals are worth nothing"
    return ""


def figures(period: PlanPeriod, *, as_of: date | None = None) -> list[Figure]:
    """Every figure of the plan: override, else measured, else the (period's) default."""
    as_of = as_of or timezone.localdate()
    found = measure(as_of=as_of, currency=period.currency)
    chosen: dict[tuple[str, str], Assumption] = {
        (a.key, a.applies): a for a in Assumption.objects.filter(period=period)
    }
    result: list[Figure] = []
    for key, spec in ASSUMPTIONS.items():
        measured = found.get(key, Measured(None, 0))
        override = chosen.get((key, Assumption.Applies.OVERRIDE))
        if override is not None:
            value = _stored(spec, override.value)
            result.append(Figure(key, spec, value, "override", measured, override.reason))
            continue
        why = usable(key, measured)
        if not why:
            result.append(Figure(key, spec, float(measured.value or 0), "measured", measured))
            continue
        default = chosen.get((key, Assumption.Applies.DEFAULT))
        value = _stored(spec, default.value) if default else spec.default
        result.append(Figure(key, spec, value, "default", measured, why))
    return result


def _stored(spec: Spec, value: Decimal) -> float:
    """Rates are kept as entered (percent); the plan computes with fractions."""
    return float(value) / 100 if spec.kind in ("rate", "share") else float(value)


STAGES = ("leads", "mqls", "accepted", "sqls", "opportunities", "wins")
STAGE_LABELS = {
    "leads": "Leads",
    "mqls": "MQLs",
    "accepted": "Accepted",
    "sqls": "SQLs",
    "opportunities": "Opportunities",
    "wins": "Wins",
}
MARKETING_STAGES, SALES_STAGES = ("leads", "mqls"), ("accepted", "sqls", "opportunities", "wins")


@dataclass
class Step:
    """What closing one month's revenue needs at one stage, and by when."""

    stage: str
    count: float
    due: date

    @property
    def words(self) -> str:
        """How a sentence names the stage: "leads", "MQLs", "accepted"."""
        return STAGE_LABELS[self.stage] if self.stage in ("mqls", "sqls") else self.stage


@dataclass
class Funnel:
    period: PlanPeriod
    figures: list[Figure]
    months: list[date]  # every month with something due, the period's and before
    needed: dict[str, np.ndarray]  # stage -> count due in each of ``months``
    revenue: dict[date, Decimal]  # each period month's revenue target
    steps: dict[date, list[Step]] = field(default_factory=dict)  # per target month

    @property
    def too_few(self) -> list[Figure]:
        return [f for f in self.figures if f.source == "default"]

    def rows(self) -> list[dict[str, Any]]:
        """One row per month: the counts due (rounded up) and the revenue target."""
        return [
            {
                "month": month,
                "before": month < self.period.starts_on,
                "revenue": self.revenue.get(month),
                **{stage: math.ceil(self.needed[stage][i] - 1e-9) for stage in STAGES},
            }
            for i, month in enumerate(self.months)
        ]

    def totals(self) -> dict[str, int]:
        return {stage: math.ceil(float(self.needed[stage].sum()) - 1e-9) for stage in STAGES}


def monthly_revenue(period: PlanPeriod, target: RevenueTarget | None) -> dict[date, Decimal]:
    """Each month's share of its quarter's target, to the penny (the quarter's last
    month takes the remainder, so the months add up to the quarter exactly)."""
    totals = target.quarter_totals() if target else {}
    result: dict[date, Decimal] = {}
    for quarter in range(1, 5):
        total = Decimal(totals.get(quarter, 0))
        months = fiscal.quarter_months(period.starts_on, quarter)
        share = (total / 3).quantize(Decimal("0.01"))
        for i, month in enumerate(months):
            result[month] = share if i < 2 else total - 2 * share
    return result


def reverse(period: PlanPeriod, target: RevenueTarget | None, chosen: list[Figure]) -> Funnel:
    """The counts needed per month at every stage, each due a lag before the next."""
    f = {figure.key: figure.value for figure in chosen}
    revenue = monthly_revenue(period, target)
    cycle, to_sql, to_accept, to_mql = (
        f["sql_won_days"],
        f["accepted_sql_days"],
        f["mql_accepted_days"],
        f["lead_mql_days"],
    )
    closes = [month + timedelta(days=14) for month in revenue]  # closed mid-month
    wins = np.array([float(r) / f["deal_size"] for r in revenue.values()])
    counts = {"wins": wins}
    counts["opportunities"] = wins / f["win_rate"]
    counts["sqls"] = counts["opportunities"] * f["lead_share"]
    counts["accepted"] = counts["sqls"] / f["accepted_sql"]
    counts["mqls"] = counts["accepted"] / f["mql_accepted"]
    counts["leads"] = counts["mqls"] / f["lead_mql"]
    offsets = {
        "wins": 0.0,
        "opportunities": cycle,
        "sqls": cycle,
        "accepted": cycle + to_sql,
        "mqls": cycle + to_sql + to_accept,
        "leads": cycle + to_sql + to_accept + to_mql,
    }
    steps: dict[date, list[Step]] = {}
    dues = {
        stage: [close - timedelta(days=round(offset)) for close in closes]
        for stage, offset in offsets.items()
    }
    first = min(min(d) for d in dues.values())
    months = _months_between(date(first.year, first.month, 1), period.months[-1])
    index = {month: i for i, month in enumerate(months)}
    needed = {stage: np.zeros(len(months)) for stage in STAGES}
    for stage in STAGES:
        slots = [index[date(d.year, d.month, 1)] for d in dues[stage]]
        np.add.at(needed[stage], slots, counts[stage])
    for i, month in enumerate(revenue):
        steps[month] = [Step(stage, float(counts[stage][i]), dues[stage][i]) for stage in STAGES]
    return Funnel(period, chosen, months, needed, revenue, steps)


def _months_between(first: date, last: date) -> list[date]:
    months, month = [], first
    while month <= last:
        months.append(month)
        month = fiscal.add_months(month, 1)
    return months


def plan_for(period: PlanPeriod, *, as_of: date | None = None) -> Funnel:
    """The period's reverse funnel from its target in force (none: every month zero)."""
    target = RevenueTarget.objects.filter(period=period).in_force()
    return reverse(period, target, figures(period, as_of=as_of))
