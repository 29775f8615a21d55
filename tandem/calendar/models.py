"""What the calendar adds to a campaign: sales' readiness for it, the personal feeds that
carry the calendar into people's own calendar apps (and the event texts they keep), the
heads' capacity rule, and the kill criteria whose flags and decisions cut what fails."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from tandem.approvals.contracts import JointContract
from tandem.calendar.kill_querysets import KillDecisionQuerySet, KillFlagQuerySet
from tandem.calendar.querysets import FeedTokenQuerySet
from tandem.campaigns.models import Campaign
from tandem.core.audit import field_history
from tandem.core.permissions import OwnedRecord


class Readiness(models.Model):
    """Sales' answer to "are we ready for the leads this campaign will bring?": a status,
    a note, and the checklist behind it. One per campaign, changed in place (its history
    keeps every earlier answer)."""

    class Status(models.TextChoices):
        READY = "ready", "Ready"
        NEED_HELP = "need_help", "Need help"
        NOT_READY = "not_ready", "Not ready"

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="readiness")
    status = models.CharField(max_length=10, choices=Status.choices)
    note = models.CharField(max_length=500, blank=True)
    reps_briefed = models.BooleanField(default=False)
    collateral_signed_off = models.BooleanField(default=False)
    capacity_booked = models.BooleanField("follow-up capacity booked", default=False)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    marked_at = models.DateTimeField()

    history = field_history()

    class Meta:
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.campaign}: {self.get_status_display()}"

    CHECKLIST = (
        ("reps_briefed", "reps briefed"),
        ("collateral_signed_off", "collateral signed off"),
        ("capacity_booked", "follow-up capacity booked"),
    )

    @property
    def missing(self) -> list[str]:
        """The checklist items not ticked, as words."""
        return [words for field, words in self.CHECKLIST if not getattr(self, field)]


class ReadinessDelegate(models.Model):
    """Someone a sales head trusts to mark readiness in their place (a deputy, a team
    lead): they may mark it as the heads do, until a head removes them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="readiness_delegation"
    )
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    appointed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.user)


class FeedToken(OwnedRecord, models.Model):
    """A personal calendar feed: a secret URL that Outlook, Google Calendar or Apple
    Calendar subscribe to, reading the calendar as its owner with the filters saved here.

    Stored as API tokens are: a public ``key_id`` to find it by and a hash of the secret,
    never the secret itself (it is shown once, in the URL, when the feed is made)."""

    permission_owner_field = "owner"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    name = models.CharField(max_length=100)
    key_id = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    # The calendar's filters (team, owner, channel, type, status, region), as
    # ``calendar.reads.clean_filters`` keeps them; only those given are stored.
    filters = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = FeedTokenQuerySet.as_manager()
    history = field_history(excluded_fields=["secret_hash", "last_used_at"])

    class Meta:
        indexes = [models.Index(fields=["owner", "created_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_id}…)"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None


class EventText(models.Model):
    """A campaign's VEVENT as the feed last serialised it, and the digest of what it
    showed (``calendar.ics``): a feed rebuilt after one change serialises only the
    events whose digest moved. Derived data, rebuilt whenever it is missing."""

    campaign = models.OneToOneField(
        Campaign, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    digest = models.CharField(max_length=32)
    text = models.TextField()

    def __str__(self) -> str:
        return f"Feed text of campaign {self.campaign_id}"


class CapacityRule(models.Model):
    """The organisation's one rule about campaigns scheduled over sales capacity: with
    ``approval_before_launch`` on, such a campaign goes live only once a head of sales
    approved it (the "schedule over capacity" decision). The heads of sales turn it on
    or off (``capacity_gate.set_rule``); its history says who did and when. One row."""

    approval_before_launch = models.BooleanField(
        "a head of sales approves campaigns over capacity before they go live", default=False
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(null=True)

    history = field_history()

    def __str__(self) -> str:
        return "Approval before launch: " + ("on" if self.approval_before_launch else "off")


# --- Cutting what fails ---------------------------------------------------------------------
class KillCriteria(JointContract):
    """When a live campaign of one type is flagged as failing: the two heads' joint
    contract, one in force per campaign type. Each criterion is off while its threshold
    is empty:

    - cost per SQL above ``cost_per_sql_max`` (in ``currency``) once the campaign has
      been running ``cost_per_sql_days`` days;
    - MQLs under ``mql_share_min`` % of the campaign's own forecast (its expected leads a
      week, over the days it has run) once it has been running ``mql_share_days`` days;
    - return on spend under ``roi_min`` % (by the attribution model in force) once it has
      reached its last day.
    """

    campaign_type = models.CharField(max_length=20, choices=Campaign.Type.choices)
    currency = models.CharField(max_length=3, default="GBP")
    cost_per_sql_max = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    cost_per_sql_days = models.PositiveIntegerField(null=True, blank=True)
    mql_share_min = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    mql_share_days = models.PositiveIntegerField(null=True, blank=True)
    roi_min = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)

    history = field_history()

    class Meta(JointContract.Meta):
        verbose_name = "kill criteria"
        verbose_name_plural = "kill criteria"
        indexes = [models.Index(fields=["campaign_type", "status", "proposed_at"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(cost_per_sql_max__isnull=True) | Q(cost_per_sql_max__gte=0))
                & (Q(mql_share_min__isnull=True) | Q(mql_share_min__gte=0, mql_share_min__lte=100))
                & (Q(cost_per_sql_days__isnull=True) | Q(cost_per_sql_days__gte=1))
                & (Q(mql_share_days__isnull=True) | Q(mql_share_days__gte=1)),
                name="kill_criteria_thresholds_possible",
            )
        ]

    def __str__(self) -> str:
        return f"Kill criteria for {self.get_campaign_type_display()} campaigns #{self.pk}"


class KillDecision(models.Model):
    """The owner's answer to a campaign's flags: cut it, or let it continue (with a reason
    and a date to look again). One decision settles every flag open at the time."""

    class Outcome(models.TextChoices):
        CUT = "cut", "Cut"
        CONTINUE = "continue", "Continue"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="kill_decisions")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    reason = models.CharField(max_length=500, blank=True)
    review_on = models.DateField(null=True, blank=True)
    # Cut: the planned budget not spent, freed for other work (in the campaign's currency).
    freed_budget = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField()

    objects = KillDecisionQuerySet.as_manager()
    history = field_history()

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["campaign", "decided_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="cut") | (Q(review_on__isnull=False) & ~Q(reason="")),
                name="kill_continue_has_reason_and_review",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.campaign_id}"

    # Whose decision it is: the campaign's owner, the heads of its team, administrators
    # (``core.permissions.POLICY["calendar.killdecision"]``).
    @property
    def permission_owner_id(self) -> int | None:
        return self.campaign.owner_id

    @property
    def permission_team_ids(self) -> tuple[int, ...]:
        return (self.campaign.team_id,) if self.campaign.team_id else ()


class KillFlag(models.Model):
    """A live campaign that met one of its type's kill criteria: what was measured,
    against which threshold, and (once the owner decided) the decision. At most one flag
    per campaign and criterion is open at a time, so the daily evaluation flags once."""

    class Criterion(models.TextChoices):
        COST_PER_SQL = "cost_per_sql", "Cost per SQL"
        MQL_SHARE = "mql_share", "Share of forecast MQLs"
        ROI = "roi", "Return on spend"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="kill_flags")
    criteria = models.ForeignKey(KillCriteria, on_delete=models.PROTECT, related_name="flags")
    criterion = models.CharField(max_length=20, choices=Criterion.choices)
    measured = models.DecimalField(max_digits=16, decimal_places=2)
    threshold = models.DecimalField(max_digits=16, decimal_places=2)
    currency = models.CharField(max_length=3, blank=True)  # "" for a percentage
    days_live = models.PositiveIntegerField()
    flagged_at = models.DateTimeField()
    decision = models.ForeignKey(
        KillDecision, null=True, blank=True, on_delete=models.SET_NULL, related_name="flags"
    )

    objects = KillFlagQuerySet.as_manager()

    class Meta:
        ordering = ["-flagged_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "criterion"],
                condition=Q(decision__isnull=True),
                name="one_open_kill_flag_per_criterion",
            )
        ]
        indexes = [models.Index(fields=["campaign", "flagged_at"])]

    def __str__(self) -> str:
        return f"{self.get_criterion_display()} on {self.campaign_id}"

    @property
    def is_open(self) -> bool:
        return self.decision_id is None
