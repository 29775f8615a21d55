"""The joint contracts: the SLA policy (with a promise per tier) and the scoring model
(with its rules). A change is a proposal that takes effect only when a marketing head
and a sales head have both approved it (``tandem.approvals.contracts``)."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from tandem.approvals.contracts import JointContract
from tandem.core.audit import field_history
from tandem.handoff.models.leads import Tier
from tandem.handoff.scoring import describe_rule


class SlaPolicy(JointContract):
    """Marketing's promise (MQLs a month, acceptance rate) and sales' (per tier, below)."""

    mqls_per_month = models.PositiveIntegerField(
        "MQLs per month", validators=[MinValueValidator(1)]
    )
    min_acceptance_rate = models.DecimalField(
        "minimum acceptance rate (%)",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    history = field_history()

    class Meta(JointContract.Meta):
        verbose_name = "SLA policy"
        verbose_name_plural = "SLA policies"
        indexes = [models.Index(fields=["status", "proposed_at"])]

    def __str__(self) -> str:
        return f"SLA #{self.pk} ({self.get_status_display().lower()})"


class SlaTier(models.Model):
    """Sales' promise for one priority tier, in business hours."""

    policy = models.ForeignKey(SlaPolicy, on_delete=models.CASCADE, related_name="tiers")
    tier = models.CharField(max_length=10, choices=Tier.choices)
    min_score = models.IntegerField(help_text="Leads scoring at least this get this tier.")
    accept_within_hours = models.DecimalField(max_digits=6, decimal_places=2)
    follow_up_within_hours = models.DecimalField(max_digits=6, decimal_places=2)

    class Meta:
        ordering = ["-min_score"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "tier"], name="one_row_per_tier"),
            models.CheckConstraint(
                condition=Q(accept_within_hours__gt=0) & Q(follow_up_within_hours__gt=0),
                name="sla_hours_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.get_tier_display()


class ScoringModel(JointContract):
    """The definition of "qualified": rules, their decay and the MQL threshold."""

    threshold = models.PositiveIntegerField("MQL threshold", validators=[MinValueValidator(1)])
    half_life_days = models.DecimalField(
        "engagement half-life (days)",
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.1"))],
    )
    history = field_history()

    class Meta(JointContract.Meta):
        indexes = [models.Index(fields=["status", "proposed_at"])]

    def __str__(self) -> str:
        return f"Scoring rules #{self.pk} ({self.get_status_display().lower()})"


class ScoringRule(models.Model):
    class Kind(models.TextChoices):
        FIT = "fit", "Fit (who they are)"
        ENGAGEMENT = "engagement", "Engagement (what they did)"

    class Operator(models.TextChoices):
        EQUALS = "equals", "is"
        CONTAINS = "contains", "contains"
        IS_SET = "is_set", "is filled in"

    model = models.ForeignKey(ScoringModel, on_delete=models.CASCADE, related_name="rules")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # Fit: a field from scoring.FIT_FIELDS; engagement: a touchpoint kind.
    field = models.CharField(max_length=40)
    operator = models.CharField(max_length=10, choices=Operator.choices, blank=True)
    value = models.CharField(max_length=200, blank=True)
    points = models.IntegerField(validators=[MinValueValidator(-1000), MaxValueValidator(1000)])

    class Meta:
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return describe_rule(self)
