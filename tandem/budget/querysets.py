"""Named reads of the budget. Everyone who works here reads the whole budget (both
teams plan and spend from one pot); who may change a line is the permission table's."""

from __future__ import annotations

from datetime import date
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


def actual_by_team_and_month(period_id: int) -> dict[tuple[str, date], dict[str, Any]]:
    """{(team function, month): {"planned", "committed", "actual", "currency"}} for a
    period: one grouped read (the scorecard's spend per month, by team)."""
    from tandem.budget.models import LineMonth

    rows = (
        LineMonth.objects.filter(line__budget__period_id=period_id)
        .values("line__team__function", "month", "line__currency")
        .annotate(planned=Sum("planned"), committed=Sum("committed"), actual=Sum("actual"))
        .order_by("line__team__function", "month")
    )
    found: dict[tuple[str, date], dict[str, Any]] = {}
    for row in rows:
        found[(row["line__team__function"], row["month"])] = {
            "planned": row["planned"],
            "committed": row["committed"],
            "actual": row["actual"],
            "currency": row["line__currency"],
        }
    return found
