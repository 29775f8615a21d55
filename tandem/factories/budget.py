"""Budgets for tests and benchmarks: a period, and lines with a plan, through services."""

from __future__ import annotations

from typing import Any

from tandem.budget import services
from tandem.budget.models import BudgetLine
from tandem.planning.models import PlanPeriod
from tandem.planning.services import open_period


def make_period(executive: Any, year: int = 2027) -> PlanPeriod:
    found: PlanPeriod | None = PlanPeriod.objects.filter(starts_on__year=year).first()
    return found or open_period(actor=executive, year=year)


def make_line(
    actor: Any,
    period: PlanPeriod,
    team: Any,
    *,
    name: str = "Webinars",
    category: str = "campaigns",
    planned: str = "1200.00",
    **kwargs: Any,
) -> BudgetLine:
    """A line of ``team``'s, ``planned`` spread evenly over the period's twelve months."""
    line = services.add_line(
        actor=actor, period=period, team=team, name=name, category=category, **kwargs
    )
    if planned:
        line = services.spread_plan(actor=actor, line=line, total=planned, months=period.months)
    return line
