"""The shared budget: one per fiscal period, lines owned by a marketing or a sales team,
their amounts per month, purchase orders (commitments), spend, and reallocations.

A line keeps running totals (``planned``, ``committed``, ``actual``) and so does each of
its months (``LineMonth``): every entry updates them in its own transaction, under a lock
on the line, so the budget page is one grouped read and never sums the entries. What a
line has left is ``planned - committed - actual`` over the whole line (the period), and
no write takes it below zero.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from tandem.approvals.contracts import JointContract, contract_team_ids
from tandem.budget.querysets import (
    BudgetLineQuerySet,
    BudgetQuerySet,
    CommitmentQuerySet,
    ReallocationQuerySet,
    SpendQuerySet,
)
from tandem.core.audit import field_history
from tandem.planning.models import PlanPeriod, planning_team_ids

ZERO = Decimal("0.00")


def _money(**kwargs: Any) -> Any:
    return models.DecimalField(max_digits=14, decimal_places=2, default=ZERO, **kwargs)


class Budget(models.Model):
    """A period's budget, shared by marketing and sales, in the period's currency."""

    period = models.OneToOneField(PlanPeriod, on_delete=models.CASCADE, related_name="budget")
    currency = models.CharField(max_length=3)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BudgetQuerySet.as_manager()
    history = field_history()

    class Meta:
        ordering = ["-period__starts_on"]

    def __str__(self) -> str:
        return f"{self.period} budget"

    permission_owner_id = None

    @property
    def permission_team_ids(self) -> tuple[int, ...]:
        return planning_team_ids()


class BudgetLine(models.Model):
    class Category(models.TextChoices):
        CAMPAIGNS = "campaigns", "Campaign programme"
        EVENTS = "events", "Events"
        HEADCOUNT = "headcount", "Sales headcount"
        ENABLEMENT = "enablement", "Sales enablement"
        PRINT = "print", "Collateral and print"
        TOOLS = "tools", "Tools"
        AGENCIES = "agencies", "Agencies"
        TRAINING = "training", "Training"

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="lines")
    team = models.ForeignKey("people.Team", on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=20, choices=Category.choices)
    currency = models.CharField(max_length=3)
    campaigns = models.ManyToManyField(
        "campaigns.Campaign", blank=True, related_name="budget_lines"
    )
    # For a sales line: the reps and other people it pays for (return reads their deals).
    funds = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    planned = _money()
    committed = _money()
    actual = _money()
    # The share of planned used (committed + actual) the owner was last told of: 0, 80, 100.
    alerted_at = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BudgetLineQuerySet.as_manager()
    history = field_history()

    class Meta:
        ordering = ["team__name", "name", "id"]
        indexes = [models.Index(fields=["budget", "team"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned__gte=F("committed") + F("actual")),
                name="budget_line_not_overdrawn",
            ),
            models.CheckConstraint(
                condition=Q(committed__gte=0, actual__gte=0, planned__gte=0),
                name="budget_line_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def available(self) -> Decimal:
        return self.planned - self.committed - self.actual

    @property
    def permission_owner_id(self) -> int | None:
        return self.owner_id

    @property
    def permission_team_ids(self) -> tuple[int, ...]:
        return (self.team_id,)


class LineMonth(models.Model):
    """One month of a line: planned, committed (open purchase orders) and actual (spend)."""

    line = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, related_name="months")
    month = models.DateField()  # the first of the month
    planned = _money()
    committed = _money()
    actual = _money()

    class Meta:
        ordering = ["line", "month"]
        constraints = [
            models.UniqueConstraint(fields=["line", "month"], name="one_line_month"),
            models.CheckConstraint(
                condition=Q(committed__gte=0, actual__gte=0, planned__gte=0),
                name="line_month_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line_id} {self.month:%Y-%m}"

    @property
    def available(self) -> Decimal:
        return self.planned - self.committed - self.actual


class Commitment(models.Model):
    """A purchase order: money promised to a supplier and not yet spent. Open, its
    unsettled remainder counts as committed; closed or released, nothing does."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed (settled)"
        RELEASED = "released", "Released"

    line = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, related_name="commitments")
    month = models.DateField()
    number = models.CharField("PO number", max_length=60)
    supplier = models.CharField(max_length=200)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    settled = _money()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    note = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CommitmentQuerySet.as_manager()
    history = field_history()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["line", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0, settled__gte=0, settled__lte=F("amount")),
                name="commitment_amounts",
            )
        ]

    def __str__(self) -> str:
        return f"PO {self.number}"

    @property
    def open_amount(self) -> Decimal:
        return self.amount - self.settled if self.status == self.Status.OPEN else ZERO

    @property
    def permission_owner_id(self) -> int | None:
        return self.created_by_id

    @property
    def permission_team_ids(self) -> tuple[int, ...]:
        return (self.line.team_id,)


class Spend(models.Model):
    """Money spent from a line, in the line's currency; ``original_*`` and ``rate`` say
    what was paid when it was in another currency and the dated rate that converted it."""

    line = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, related_name="spend")
    month = models.DateField()
    spent_on = models.DateField()
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    original_amount = models.DecimalField(max_digits=14, decimal_places=2)
    original_currency = models.CharField(max_length=3)
    rate = models.DecimalField(max_digits=20, decimal_places=8, null=True, blank=True)
    supplier = models.CharField(max_length=200, blank=True)
    note = models.CharField(max_length=500, blank=True)
    attachment = models.FileField(upload_to="budget/", blank=True)
    attachment_type = models.CharField(max_length=40, blank=True)
    commitment = models.ForeignKey(
        Commitment, null=True, blank=True, on_delete=models.SET_NULL, related_name="settlements"
    )
    # A campaign's cost posted here: at most once (posting again changes nothing).
    campaign_cost = models.OneToOneField(
        "campaigns.CampaignCost",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="budget_spend",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SpendQuerySet.as_manager()
    history = field_history()

    class Meta:
        ordering = ["-spent_on", "-id"]
        indexes = [models.Index(fields=["line", "spent_on"])]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="spend_positive")]

    def __str__(self) -> str:
        return f"{self.supplier or 'Spend'}: {self.amount}"

    @property
    def permission_owner_id(self) -> int | None:
        return self.created_by_id

    @property
    def permission_team_ids(self) -> tuple[int, ...]:
        return (self.line.team_id,)


class Reallocation(JointContract):
    """A proposal to move planned money from one line to another (in the same budget, or
    the next period's: carrying unspent money forward), spread over ``months`` of the
    from-line. A head of marketing and a head of sales approve it, never the proposer;
    the executive may override with a reason."""

    from_line = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, related_name="+")
    to_line = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, related_name="+")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    months = models.JSONField(default=list)  # ISO dates of the from-line's months

    objects = ReallocationQuerySet.as_manager()  # type: ignore[misc]
    history = field_history()

    class Meta(JointContract.Meta):
        indexes = [models.Index(fields=["status", "proposed_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="reallocation_positive")
        ]

    def __str__(self) -> str:
        return f"Move {self.amount} from {self.from_line} to {self.to_line}"

    @property
    def permission_team_ids(self) -> tuple[int, ...]:
        return contract_team_ids()
