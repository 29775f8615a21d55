"""A fiscal year's plan: the period, its revenue target (a proposal the executive sets or
approves) and the funnel's assumptions where people chose a figure over the measured one."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from tandem.approvals.contracts import JointContract
from tandem.core.audit import field_history
from tandem.people.models import Team
from tandem.planning import fiscal
from tandem.planning.querysets import PlanPeriodQuerySet

PLANNING_FUNCTIONS = (Team.Function.MARKETING, Team.Function.SALES, Team.Function.LEADERSHIP)


def planning_team_ids() -> tuple[int, ...]:
    """The teams whose heads plan: marketing, sales and leadership."""
    return tuple(Team.objects.filter(function__in=PLANNING_FUNCTIONS).values_list("id", flat=True))


def leadership_team_ids() -> tuple[int, ...]:
    return tuple(
        Team.objects.filter(function=Team.Function.LEADERSHIP).values_list("id", flat=True)
    )


class PlanPeriod(models.Model):
    """One fiscal year: twelve months from ``starts_on``, in four quarters."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    name = models.CharField(max_length=40, unique=True)
    starts_on = models.DateField(unique=True, help_text="The first day of the fiscal year.")
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlanPeriodQuerySet.as_manager()
    history = field_history()

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "closed"]), name="plan_period_status"
            )
        ]

    def __str__(self) -> str:
        return self.name

    # The executive (a head of leadership) opens and closes periods; everyone reads them.
    permission_owner_id = None

    @property
    def permission_team_ids(self) -> tuple[int, ...]:
        return leadership_team_ids()

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def months(self) -> list[date]:
        return fiscal.months(self.starts_on)

    @property
    def ends_on(self) -> date:
        from datetime import timedelta

        return fiscal.add_months(self.starts_on, 12) - timedelta(days=1)

    def quarter_of(self, month: date) -> int:
        return fiscal.quarter_of(self.starts_on, month)


class RevenueTarget(JointContract):
    """The period's revenue target per quarter, optionally split by region, segment or
    product. The executive sets it (their own proposal is in force at once); a head may
    propose one, which is in force once the executive approves."""

    class Dimension(models.TextChoices):
        NONE = "", "No split"
        REGION = "region", "Region"
        SEGMENT = "segment", "Segment"
        PRODUCT = "product", "Product"

    period = models.ForeignKey(PlanPeriod, on_delete=models.CASCADE, related_name="targets")
    dimension = models.CharField(max_length=10, choices=Dimension.choices, blank=True)
    currency = models.CharField(max_length=3)
    history = field_history()

    class Meta(JointContract.Meta):
        indexes = [models.Index(fields=["period", "status", "activated_at"])]

    def __str__(self) -> str:
        return f"{self.period} target #{self.pk} ({self.get_status_display().lower()})"

    @property
    def permission_team_ids(self) -> tuple[int, ...]:
        return planning_team_ids()

    def quarter_totals(self) -> dict[int, Any]:
        """{quarter: amount} from the total rows (key "")."""
        return {a.quarter: a.amount for a in self.amounts.all() if not a.key}


class TargetAmount(models.Model):
    """One quarter's target: the total (``key`` "") or one region's, segment's or
    product's share of it."""

    target = models.ForeignKey(RevenueTarget, on_delete=models.CASCADE, related_name="amounts")
    quarter = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    key = models.CharField(max_length=80, blank=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["quarter", "key"]
        constraints = [
            models.UniqueConstraint(fields=["target", "quarter", "key"], name="one_amount_per_key"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="target_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="target_quarter_1_to_4"
            ),
        ]

    def __str__(self) -> str:
        return f"Q{self.quarter} {self.key or 'total'}: {self.amount}"


class Assumption(models.Model):
    """A funnel figure people chose: an override (always used, with its reason) or a
    default (used only where the data are too few to measure it)."""

    class Applies(models.TextChoices):
        OVERRIDE = "override", "Always (overrides the measured figure)"
        DEFAULT = "default", "Only where the data are too few"

    period = models.ForeignKey(PlanPeriod, on_delete=models.CASCADE, related_name="assumptions")
    key = models.CharField(max_length=30)  # a funnel.ASSUMPTIONS key
    applies = models.CharField(max_length=10, choices=Applies.choices)
    value = models.DecimalField(max_digits=16, decimal_places=4)
    reason = models.CharField(max_length=500, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField()
    history = field_history()

    class Meta:
        ordering = ["key", "applies"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "key", "applies"], name="one_assumption_per_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} = {self.value} ({self.applies})"

    # Heads of marketing, sales and leadership set assumptions; everyone reads them.
    permission_owner_id = None

    @property
    def permission_team_ids(self) -> tuple[int, ...]:
        return planning_team_ids()
