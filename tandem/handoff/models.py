"""The marketing -> sales hand-off: lifecycle, the two-sided SLA, routing and scoring.

A contact's place in the funnel is its ``Lead`` (one per contact, created when it is
first scored). The SLA policy and the scoring model are joint contracts: a change is a
proposal that takes effect only when a marketing head and a sales head have both
approved it (``JointProposal``).
"""

from __future__ import annotations

from datetime import time
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from tandem.campaigns.models import Campaign, Channel
from tandem.core.audit import field_history
from tandem.crm.models import Contact
from tandem.handoff.querysets import LeadQuerySet, ProposalQuerySet
from tandem.handoff.scoring import describe_rule
from tandem.people.models import Team


class Stage(models.TextChoices):
    SUBSCRIBER = "subscriber", "Subscriber"
    LEAD = "lead", "Lead"
    MQL = "mql", "Marketing qualified"
    ACCEPTED = "accepted", "Sales accepted"
    SQL = "sql", "Sales qualified (opportunity)"
    CUSTOMER = "customer", "Customer"
    RECYCLED = "recycled", "Recycled (back to nurture)"
    DISQUALIFIED = "disqualified", "Disqualified"


# Stages from which crossing the MQL threshold hands a lead to sales.
NURTURE_STAGES = (Stage.SUBSCRIBER, Stage.LEAD, Stage.RECYCLED)
# Stages in which a lead is on a rep's plate (counts against the rep's capacity).
OPEN_STAGES = (Stage.MQL, Stage.ACCEPTED)


class Tier(models.TextChoices):
    HIGH = "high", "High priority"
    MEDIUM = "medium", "Medium priority"
    LOW = "low", "Low priority"


class Lead(models.Model):
    """Where one contact stands in the funnel, its score (with why) and its SLA clocks."""

    contact = models.OneToOneField(
        Contact, primary_key=True, on_delete=models.CASCADE, related_name="lead"
    )
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.LEAD)
    stage_changed_at = models.DateTimeField()
    # Fit + engagement, as of ``scored_at`` under ``scoring_model``; scoring.explain()
    # recomputes the rules that fired, with their points, for the same moment.
    score = models.IntegerField(default=0)
    fit_score = models.IntegerField(default=0)
    engagement_score = models.IntegerField(default=0)
    scored_at = models.DateTimeField(null=True, blank=True)
    scoring_model = models.ForeignKey(
        "ScoringModel",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # rescoring rewrites it on every lead; nothing looks leads up by it
    )
    tier = models.CharField(max_length=10, choices=Tier.choices, blank=True)
    source = models.CharField(max_length=40, blank=True)  # web form, API, import, ...
    source_campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    team = models.ForeignKey(  # the sales team the lead was handed to
        "people.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # (team, stage, accept_due_at) serves it
    )
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # (rep, stage, accept_due_at) serves it
    )
    mql_at = models.DateTimeField(null=True, blank=True)
    assigned_at = models.DateTimeField(null=True, blank=True)
    accept_due_at = models.DateTimeField(null=True, blank=True)
    follow_up_due_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    followed_up_at = models.DateTimeField(null=True, blank=True)
    # Business hours each took, kept when it happened so the SLA report is one aggregate.
    accept_hours = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    follow_up_hours = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    rejection_reason = models.ForeignKey(
        "RejectionReason", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rejection_note = models.TextField(blank=True, max_length=2000)

    objects = LeadQuerySet.as_manager()

    class Meta:
        # No default ordering: PostgreSQL would sort (or walk an index) for every lookup
        # by id, as it did for a hand-off batch (a second for 20 leads at 1M).
        indexes = [
            models.Index(fields=["rep", "stage", "accept_due_at"]),  # "My leads"
            models.Index(fields=["rep", "assigned_at"]),  # round-robin: whose turn
            models.Index(fields=["team", "stage", "accept_due_at"]),  # a head's board
            # The SLA report per rep and tier, read from the index alone: a month's
            # leads are spread over the whole table (17,000 MQLs in a month at 1M leads
            # on SQLite: 33 ms with a row lookup each). Leads never handed off are not
            # in it.
            models.Index(
                fields=[
                    "mql_at",
                    "rep",
                    "tier",
                    "accepted_at",
                    "rejection_reason",
                    "accept_hours",
                    "follow_up_hours",
                ],
                condition=Q(mql_at__isnull=False),
                name="lead_sla_report_idx",
            ),
            # The running clocks, for the minute's breach check (open leads only).
            models.Index(
                fields=["accept_due_at"], condition=Q(stage="mql"), name="lead_accept_clock"
            ),
            models.Index(
                fields=["follow_up_due_at"],
                condition=Q(stage="accepted", followed_up_at__isnull=True),
                name="lead_follow_up_clock",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact} ({self.get_stage_display()})"

    # A lead is the contact's: whoever may see the contact may see its lead; the rep it
    # is assigned to and the heads of its sales team act on it.
    @property
    def permission_owner_id(self) -> int | None:
        return self.rep_id

    @property
    def permission_team_ids(self) -> tuple[int, ...]:
        return (self.team_id,) if self.team_id else ()

    @property
    def source_label(self) -> str:
        return str(dict(Channel.choices).get(self.source, self.source))

    @property
    def due_at(self) -> Any:
        """The clock that runs now: accept, then first follow-up."""
        if self.stage == Stage.MQL:
            return self.accept_due_at
        if self.stage == Stage.ACCEPTED and self.followed_up_at is None:
            return self.follow_up_due_at
        return None


class Arrival(models.Model):
    """A contact who just engaged (a form, a batch of touches), waiting to be scored.

    Written in the same transaction as the touch, so no arrival is lost if the worker is
    down; the worker takes every waiting arrival at once (``process_arrivals``), so a
    stream of fifty forms a second is scored in a few batches, not fifty jobs."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=40, blank=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.contact_id} at {self.at:%H:%M:%S}"


class LifecycleEvent(models.Model):
    """Every change of stage, with who and why."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="events")
    from_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    why = models.CharField(max_length=300, blank=True)
    reason = models.ForeignKey(
        "RejectionReason", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True, max_length=2000)
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=40, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["lead", "at"]),
            # The SLA report's counts of a month's changes, from the index alone.
            models.Index(
                fields=["to_stage", "at", "from_stage", "reason"], name="event_stage_time_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_stage or '-'} -> {self.to_stage}"


def contract_team_ids() -> tuple[int, ...]:
    """The teams party to the joint contracts (SLA, scoring, rejection reasons): every
    marketing and sales team, so their heads are the ones who may change them."""
    functions = (Team.Function.MARKETING, Team.Function.SALES)
    return tuple(Team.objects.filter(function__in=functions).values_list("id", flat=True))


# The reasons a new organisation starts with (a data migration adds them).
DEFAULT_REJECTION_REASONS = [
    ("not-a-fit", "Not a fit (size, sector or region)"),
    ("no-budget", "No budget or no project"),
    ("wrong-contact", "Wrong person or no authority"),
    ("bad-data", "Bad or fake contact details"),
    ("existing-customer", "Already a customer or in a deal"),
    ("duplicate", "Duplicate of another lead"),
    ("too-early", "Too early: not ready to talk"),
    ("no-response", "No response after follow-up"),
]


def add_default_reasons(model: Any = None) -> None:
    """Add the default reasons that are missing (the migration passes its own model)."""
    model = model or RejectionReason
    for position, (code, label) in enumerate(DEFAULT_REJECTION_REASONS):
        model.objects.get_or_create(code=code, defaults={"label": label, "position": position})


# A reason's code is a slug of what was typed ("No Budget" is no-budget), so it needs a
# letter or digit (ASCII) to be anything at all; the API's schema declares the same rule.
REASON_CODE_PATTERN = r"[A-Za-z0-9]"


class RejectionReason(models.Model):
    """Why sales sent a lead back; the list is the heads' to edit."""

    permission_owner_id = None

    code = models.SlugField(max_length=40, unique=True)
    label = models.CharField(max_length=120)
    active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    history = field_history()

    class Meta:
        ordering = ["position", "label"]

    def __str__(self) -> str:
        return self.label

    @property
    def permission_team_ids(self) -> tuple[int, ...]:
        return contract_team_ids()


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


class BusinessHours(models.Model):
    """When a team's SLA clock runs: working days, hours and holidays, in its time zone."""

    team = models.OneToOneField(
        "people.Team", on_delete=models.CASCADE, related_name="business_hours"
    )
    time_zone = models.CharField(max_length=64, default="Europe/London")
    opens_at = models.TimeField(default=time(9))
    closes_at = models.TimeField(default=time(17, 30))
    # ISO weekday numbers, Monday = 1.
    weekdays = models.CharField(max_length=7, default="12345")

    history = field_history()

    class Meta:
        verbose_name_plural = "business hours"
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="closes_after_it_opens"
            )
        ]

    def __str__(self) -> str:
        return f"{self.team}: {self.opens_at:%H:%M}-{self.closes_at:%H:%M}"


class Holiday(models.Model):
    team = models.ForeignKey("people.Team", on_delete=models.CASCADE, related_name="holidays")
    day = models.DateField()
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["team", "day"], name="one_holiday_a_day")]

    def __str__(self) -> str:
        return f"{self.day}: {self.name}"


class RoutingRule(models.Model):
    """Which reps get the MQLs of a territory or segment; blank matches anything.
    Rules are tried in ``position`` order; no reps named means the whole team."""

    name = models.CharField(max_length=120)
    position = models.PositiveSmallIntegerField(default=0)
    region = models.CharField(max_length=100, blank=True)
    segment = models.CharField(max_length=100, blank=True)
    team = models.ForeignKey("people.Team", on_delete=models.CASCADE, related_name="+")
    reps = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    active = models.BooleanField(default=True)

    history = field_history()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    permission_owner_id = None

    @property
    def permission_team_ids(self) -> tuple[int, ...]:
        return (self.team_id,)


class SlaBreach(models.Model):
    """One missed SLA clock, notified once per level (rep first, then the head).

    The unique constraint is what makes breach detection safe to run twice or after a
    worker restart: a breach already recorded is never inserted, so never notified, again.
    """

    class Clock(models.TextChoices):
        ACCEPT = "accept", "Accept or reject"
        FOLLOW_UP = "follow_up", "First follow-up"

    class Level(models.TextChoices):
        REP = "rep", "Rep"
        HEAD = "head", "Head"

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="breaches")
    clock = models.CharField(max_length=10, choices=Clock.choices)
    level = models.CharField(max_length=4, choices=Level.choices)
    due_at = models.DateTimeField()
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    tier = models.CharField(max_length=10, choices=Tier.choices, blank=True)
    notified_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["lead", "clock", "level", "due_at"], name="one_breach_per_clock"
            )
        ]
        indexes = [models.Index(fields=["due_at"])]

    def __str__(self) -> str:
        return f"{self.clock} breach on {self.lead_id}"
