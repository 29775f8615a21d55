"""The joint scorecard's targets, and the shared incentive pool: a formula over shared
KPIs (weights, thresholds, caps) that a head of marketing and a head of sales approve."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from tandem.approvals.contracts import JointContract
from tandem.core.audit import field_history
from tandem.planning.models.periods import PlanPeriod, planning_team_ids


class KpiTarget(models.Model):
    """What a KPI should reach over the period (a year's total for pipeline)."""

    period = models.ForeignKey(PlanPeriod, on_delete=models.CASCADE, related_name="kpi_targets")
    key = models.CharField(max_length=40)  # a kpis.CATALOGUE key
    value = models.DecimalField(max_digits=16, decimal_places=2)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField()
    history = field_history()

    class Meta:
        ordering = ["key"]
        constraints = [
            models.UniqueConstraint(fields=["period", "key"], name="one_target_per_kpi"),
            models.CheckConstraint(condition=Q(value__gte=0), name="kpi_target_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.value}"

    # Heads of marketing, sales and leadership set the scorecard's targets.
    permission_owner_id = None

    @property
    def permission_team_ids(self) -> tuple[int, ...]:
        return planning_team_ids()


class IncentivePlan(JointContract):
    """The shared incentive pool of a period: ``pool`` paid out by the formula of its
    measures, in force once a marketing head and a sales head approve it."""

    period = models.ForeignKey(PlanPeriod, on_delete=models.CASCADE, related_name="incentive_plans")
    pool = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3)
    history = field_history()

    class Meta(JointContract.Meta):
        indexes = [models.Index(fields=["period", "status", "activated_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(pool__gte=0), name="incentive_pool_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.period} incentive #{self.pk} ({self.get_status_display().lower()})"


class IncentiveMeasure(models.Model):
    """One shared KPI in the formula: its weight, the attainment below which it pays
    nothing, and the attainment above which it pays no more."""

    plan = models.ForeignKey(IncentivePlan, on_delete=models.CASCADE, related_name="measures")
    key = models.CharField(max_length=40)
    weight = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    threshold = models.DecimalField(max_digits=6, decimal_places=2)  # % of target
    cap = models.DecimalField(max_digits=6, decimal_places=2)  # % of target

    class Meta:
        ordering = ["-weight", "key"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "key"], name="one_measure_per_kpi"),
            models.CheckConstraint(
                condition=Q(weight__gt=0, weight__lte=100), name="measure_weight_0_to_100"
            ),
            models.CheckConstraint(
                condition=Q(threshold__gte=0, cap__gte=F("threshold")),
                name="measure_cap_over_threshold",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} at {self.weight} %"
