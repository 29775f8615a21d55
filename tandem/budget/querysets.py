"""Named reads of the budget. Everyone who works here reads the whole budget (both
teams plan and spend from one pot); who may change a line is the permission table's."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Sum

from tandem.approvals.contracts import ContractQuerySet
from tandem.core.permissions import is_staff


class BudgetQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> BudgetQuerySet:
        return self.all() if is_staff(user) else self.none()


class BudgetLineQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> BudgetLineQuerySet:
        return self.all() if is_staff(user) else self.none()

    def of_period(self, period_id: int) -> BudgetLineQuerySet:
        return self.filter(budget__period_id=period_id)


class CommitmentQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> CommitmentQuerySet:
        return self.all() if is_staff(user) else self.none()


class SpendQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> SpendQuerySet:
        return self.all() if is_staff(user) else self.none()


class ReallocationQuerySet(ContractQuerySet):
    def visible_to(self, user: Any) -> ReallocationQuerySet:
        return self.all() if is_staff(user) else self.none()

    def touching(self, line_ids: Any) -> ReallocationQuerySet:
        return self.filter(models.Q(from_line_id__in=line_ids) | models.Q(to_line_id__in=line_ids))


def month_totals(period_id: int) -> Any:
    """(line id, month, planned, committed, actual) of every month of a period's lines:
    the stored running totals, one read."""
    from tandem.budget.models import LineMonth

    return (
        LineMonth.objects.filter(line__budget__period_id=period_id)
        .order_by("line_id", "month")
        .values_list("line_id", "month", "planned", "committed", "actual")
    )


def spend_by_team_and_month(period_id: int) -> list[dict[str, Any]]:
    """Planned, committed and actual per team and month of a period, per currency (a
    line keeps its own): one grouped read, for the scorecard and the demo. Each row:
    {"team_id", "team", "function", "month", "currency", "planned", "committed",
    "actual"}, ordered by team name, month and currency."""
    from tandem.budget.models import LineMonth

    rows = (
        LineMonth.objects.filter(line__budget__period_id=period_id)
        .values(
            "line__team_id", "line__team__name", "line__team__function", "month", "line__currency"
        )
        .annotate(planned=Sum("planned"), committed=Sum("committed"), actual=Sum("actual"))
        .order_by("line__team__name", "month", "line__currency")
    )
    return [
        {
            "team_id": r["line__team_id"],
            "team": r["line__team__name"],
            "function": r["line__team__function"],
            "month": r["month"],
            "currency": r["line__currency"],
            "planned": r["planned"],
            "committed": r["committed"],
            "actual": r["actual"],
        }
        for r in rows
    ]
