"""What the budget pages read: the overview of a period (lines by team, months, totals,
the chart) in a fixed number of queries, and the rows of the export."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from tandem.budget.models import ZERO, BudgetLine
from tandem.budget.querysets import month_totals
from tandem.planning import fiscal
from tandem.planning.models import PlanPeriod


@dataclass
class Figures:
    planned: Decimal = ZERO
    committed: Decimal = ZERO
    actual: Decimal = ZERO

    @property
    def available(self) -> Decimal:
        return self.planned - self.committed - self.actual

    def add(self, planned: Decimal, committed: Decimal, actual: Decimal) -> None:
        self.planned += planned
        self.committed += committed
        self.actual += actual


@dataclass
class TeamBlock:
    name: str
    lines: list[Any] = field(default_factory=list)
    total: Figures = field(default_factory=Figures)


def overview(period: PlanPeriod, user: Any) -> dict[str, Any]:
    """Lines grouped by team, each with its twelve months; totals per team and per
    month (in the budget's currency: lines in another currency are counted apart)."""
    lines = list(
        BudgetLine.objects.visible_to(user)
        .of_period(period.pk)
        .select_related("team", "owner")
        .order_by("team__name", "name", "pk")
    )
    months: dict[int, list[tuple[date, Figures]]] = defaultdict(list)
    per_month = {m: Figures() for m in period.months}
    for line_id, month, planned, committed, actual in month_totals(period.pk):
        months[line_id].append((month, Figures(planned, committed, actual)))
    teams: dict[int, TeamBlock] = {}
    other: list[Any] = []
    for line in lines:
        line.month_figures = months.get(line.pk, [])
        block = teams.setdefault(line.team_id, TeamBlock(line.team.name))
        block.lines.append(line)
        if line.currency == period.currency:
            block.total.add(line.planned, line.committed, line.actual)
            for month, figures in line.month_figures:
                per_month[month].add(figures.planned, figures.committed, figures.actual)
        else:
            other.append(line)
    total = Figures()
    for block in teams.values():
        total.add(block.total.planned, block.total.committed, block.total.actual)
    return {
        "teams": list(teams.values()),
        "per_month": [(m, per_month[m]) for m in period.months],
        "total": total,
        "other_currency": other,
        "freed": freed_by_cuts(period),
        "chart": {
            "type": "bar",
            "labels": [fiscal.month_label(m) for m in period.months],
            "money": period.currency,
            "datasets": [
                {
                    "label": "Planned",
                    "values": [float(per_month[m].planned) for m in period.months],
                },
                {"label": "Actual", "values": [float(per_month[m].actual) for m in period.months]},
            ],
        }
        if lines
        else None,
    }


def freed_by_cuts(period: PlanPeriod) -> list[dict[str, Any]]:
    """Money freed by cutting campaigns the period's lines fund, newest cut first: each
    campaign with the line that funds it, so people can propose moving it."""
    from tandem.calendar.models import KillDecision

    return list(
        KillDecision.objects.filter(
            outcome="cut",
            freed_budget__gt=0,
            campaign__budget_lines__budget__period=period,
        )
        .values(
            "campaign__name",
            "campaign__currency",
            "freed_budget",
            "decided_at",
            "campaign__budget_lines__id",
            "campaign__budget_lines__name",
        )
        .order_by("-decided_at", "campaign__budget_lines__id")[:20]
    )


EXPORT_HEADERS = (
    "Team",
    "Line",
    "Category",
    "Owner",
    "Currency",
    "Month",
    "Planned",
    "Committed",
    "Actual",
    "Available",
)


def export_rows(period: PlanPeriod, user: Any) -> list[list[Any]]:
    """Budget against actual by line and month."""
    lines = {
        line.pk: line
        for line in BudgetLine.objects.visible_to(user)
        .of_period(period.pk)
        .select_related("team", "owner")
    }
    rows = []
    for line_id, month, planned, committed, actual in month_totals(period.pk):
        line = lines.get(line_id)
        if line is None:
            continue
        rows.append(
            [
                line.team.name,
                line.name,
                line.get_category_display(),
                str(line.owner),
                line.currency,
                month.isoformat(),
                planned,
                committed,
                actual,
                planned - committed - actual,
            ]
        )
    rows.sort(key=lambda r: (r[0], r[1], r[5]))
    return rows
