"""A contact's place in the funnel (``Lead``), how it got there (``LifecycleEvent``),
contacts waiting to be scored (``Arrival``) and missed SLA clocks (``SlaBreach``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from tandem.campaigns.models import Campaign, Channel
from tandem.crm.models import Contact, Opportunity
from tandem.handoff.querysets import LeadQuerySet


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


class RoutingReason(models.TextChoices):
    """Why a lead went to its rep, as the lead page and the API say it."""

    CONTACT_OWNER = "contact_owner", "owner of the contact"
    ACCOUNT_OWNER = "account_owner", "owner of the account"
    ROUND_ROBIN = "round_robin", "round robin"
    OWNER_FULL = "owner_full", "capacity full, so round robin"
    OWNER_AWAY = "owner_away", "owner away, so round robin"
    NO_REP_FREE = "no_rep_free", "no rep free, so the team's to take"
    REASSIGNED = "reassigned", "reassigned by a head"


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
    # How the hand-off chose the rep (routing.Router); blank for leads never handed off.
    # db_default: set-wise inserts (scoring_runs.ensure_leads) leave it out.
    routing_reason = models.CharField(
        max_length=20, choices=RoutingReason.choices, blank=True, default="", db_default=""
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
    # The opportunity the lead was converted to (opened or linked on reaching sales
    # qualified, ``conversion.convert``); kept if the lead later goes back to nurture.
    # The opportunity's page reads its leads through the partial index below.
    opportunity = models.ForeignKey(
        Opportunity,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )

    objects = LeadQuerySet.as_manager()

    class Meta:
        # No default ordering: PostgreSQL would sort (or walk an index) for every lookup
        # by id, as it did for a hand-off batch (figures in bench/README.md).
        indexes = [
            models.Index(fields=["rep", "stage", "accept_due_at"]),  # "My leads"
            models.Index(fields=["rep", "assigned_at"]),  # round-robin: whose turn
            models.Index(fields=["team", "stage", "accept_due_at"]),  # a head's board
            # The SLA report per rep and tier, read from the index alone: a month's
            # leads are spread over the whole table, and a row lookup each is slow
            # (figures in bench/README.md). Leads never handed off are not in it.
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
            # The plan's stages (planning.measure, planning.kpis): a period's MQLs and
            # accepted leads with whether each became an opportunity, from the index
            # alone (the SLA report's index above has no opportunity).
            models.Index(
                fields=["mql_at", "opportunity"],
                condition=Q(mql_at__isnull=False),
                name="lead_mql_conversion_idx",
            ),
            models.Index(
                fields=["accepted_at", "opportunity"],
                condition=Q(accepted_at__isnull=False),
                name="lead_accepted_conversion_idx",
            ),
            # The leads an opportunity came from (most leads have none).
            models.Index(
                fields=["opportunity"],
                condition=Q(opportunity__isnull=False),
                name="lead_opportunity_idx",
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
        return source_label(self.source)

    @property
    def due_at(self) -> Any:
        """The clock that runs now: accept, then first follow-up."""
        if self.stage == Stage.MQL:
            return self.accept_due_at
        if self.stage == Stage.ACCEPTED and self.followed_up_at is None:
            return self.follow_up_due_at
        return None


def source_label(source: str) -> str:
    """A lead's source in words: a channel (a touch's), or where a referral came from."""
    from tandem.handoff.models.referrals import ReferralSource

    labels = dict(Channel.choices) | dict(ReferralSource.choices)
    return str(labels.get(source, source))


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
