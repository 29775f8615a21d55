"""A customer a colleague sent to sales (``Referral``): who referred them, what they
want, how urgent, and what sales made of it.

A referral is its own row rather than fields on the lead: a contact has one lead for
life, but may be referred again after sales sent them back, and each referral keeps its
own outcome for the person who made it; what they want and how urgent belong to the
referral, not to the lead's place in the funnel (a wide table rescored set-wise)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from tandem.core.audit import field_history
from tandem.crm.models import Opportunity
from tandem.handoff.models.leads import Lead
from tandem.handoff.querysets import ReferralQuerySet


class ReferralSource(models.TextChoices):
    """Where a referred customer came from: the lead's source (``Lead.source``). A
    front-line team's desk says which; someone in no front-line team is a colleague."""

    BRANCH = "branch", "Branch"
    CALL_CENTRE = "call_centre", "Call centre"
    COLLEAGUE = "referral", "Colleague referral"


class Referral(models.Model):
    class Urgency(models.TextChoices):
        NORMAL = "normal", "Normal"
        URGENT = "urgent", "Urgent"

    class Outcome(models.TextChoices):
        WITH_SALES = "with_sales", "With sales"
        ACCEPTED = "accepted", "Accepted by sales"
        REJECTED = "rejected", "Sent back by sales"
        CONVERTED = "converted", "Opportunity opened"
        DISQUALIFIED = "disqualified", "Disqualified by sales"

    # Still waiting on sales: the outcomes a decision on the lead moves on.
    OPEN_OUTCOMES = (Outcome.WITH_SALES, Outcome.ACCEPTED)

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="referrals")
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # (referrer, id) below serves it
    )
    # The referrer's front-line team (their first team if in none): its head sees it.
    team = models.ForeignKey(
        "people.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=20, choices=ReferralSource.choices)
    interest = models.CharField(max_length=200)
    note = models.TextField(blank=True, max_length=2000)
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    created_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.WITH_SALES)
    outcome_at = models.DateTimeField(null=True, blank=True)
    # Kept from the decision: the lead's own fields are cleared if it is handed over again.
    rejection_reason = models.ForeignKey(
        "RejectionReason", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome_note = models.TextField(blank=True, max_length=2000)
    opportunity = models.ForeignKey(
        Opportunity, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ReferralQuerySet.as_manager()
    history = field_history()

    class Meta:
        ordering = ["-id"]  # ids grow with creation: newest first, and the API's keyset
        indexes = [models.Index(fields=["referrer", "id"])]  # "My referrals"

    def __str__(self) -> str:
        return f"Referral of {self.lead_id} by {self.referrer_id}"

    # Read like the lead it made (everyone who works here); the referrer owns it.
    @property
    def permission_owner_id(self) -> int | None:
        return self.referrer_id

    @property
    def permission_team_ids(self) -> tuple[int, ...]:
        return (self.team_id,) if self.team_id else ()

    @property
    def is_urgent(self) -> bool:
        return self.urgency == Referral.Urgency.URGENT

    @property
    def won(self) -> bool:
        return self.opportunity is not None and self.opportunity.stage == Opportunity.Stage.WON

    @property
    def lost(self) -> bool:
        return self.opportunity is not None and self.opportunity.stage == Opportunity.Stage.LOST
