"""The joint contracts: the SLA policy (with a promise per tier) and the scoring model
(with its rules). A change is a proposal that takes effect only when a marketing head
and a sales head have both approved it (``JointProposal``)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from tandem.core.audit import field_history
from tandem.handoff.models.leads import Tier
from tandem.handoff.querysets import ProposalQuerySet
from tandem.handoff.scoring import describe_rule
from tandem.people.models import Team


def contract_team_ids() -> tuple[int, ...]:
    """The teams party to the joint contracts (SLA, scoring, rejection reasons): every
    marketing and sales team, so their heads are the ones who may change them."""
    functions = (Team.Function.MARKETING, Team.Function.SALES)
    return tuple(Team.objects.filter(function__in=functions).values_list("id", flat=True))


class JointProposal(models.Model):
    """A change to a joint contract: in force only once both heads have approved it."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Waiting for approval"
        ACTIVE = "active", "In force"
        SUPERSEDED = "superseded", "Superseded"
        WITHDRAWN = "withdrawn", "Withdrawn"

    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROPOSED)
    note = models.CharField(max_length=500, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField()
    marketing_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    marketing_approved_at = models.DateTimeField(null=True, blank=True)
    sales_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sales_approved_at = models.DateTimeField(null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-proposed_at", "-id"]

    permission_owner_id = None

    @property
    def permission_team_ids(self) -> tuple[int, ...]:
        return contract_team_ids()


class SlaPolicy(JointProposal):
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

    class Meta(JointProposal.Meta):
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


class ScoringModel(JointProposal):
    """The definition of "qualified": rules, their decay and the MQL threshold."""

    threshold = models.PositiveIntegerField("MQL threshold", validators=[MinValueValidator(1)])
    half_life_days = models.DecimalField(
        "engagement half-life (days)",
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.1"))],
    )
    history = field_history()

    class Meta(JointProposal.Meta):
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
