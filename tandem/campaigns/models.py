"""Campaigns, their costs and members, and touchpoints: every marketing touch a person had.

A touchpoint belongs to a contact, or to an anonymous visitor id until that visitor
identifies (then it is stitched to the contact). Its idempotency key makes resending a
batch harmless.
"""

from __future__ import annotations

import secrets
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from tandem.campaigns.querysets import CampaignQuerySet, TouchpointQuerySet
from tandem.core.audit import field_history
from tandem.crm.models import Contact, OwnedByTeam


def new_form_key() -> str:
    return secrets.token_urlsafe(12)


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    SEARCH = "search", "Search"
    SOCIAL = "social", "Social"
    EVENTS = "events", "Events"
    DIRECT_MAIL = "direct_mail", "Direct mail"
    CONTENT = "content", "Content"
    PARTNER = "partner", "Partner"
    BRANCH = "branch", "Branch"
    PHONE = "phone", "Phone"
    WEB = "web", "Web"
    DIRECT = "direct", "Direct"


class Campaign(OwnedByTeam):
    class Type(models.TextChoices):
        EMAIL = "email", "E-mail"
        PAID_SEARCH = "paid_search", "Paid search"
        PAID_SOCIAL = "paid_social", "Paid social"
        WEBINAR = "webinar", "Webinar"
        TRADE_SHOW = "trade_show", "Trade show"
        DIRECT_MAIL = "direct_mail", "Direct mail"
        CONTENT = "content", "Content"
        PARTNER = "partner", "Partner"
        BRANCH_PROMOTION = "branch_promotion", "Branch promotion"
        PRESS = "press", "Press"
        EVENT = "event", "Event"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        LIVE = "live", "Live"
        FINISHED = "finished", "Finished"
        CUT = "cut", "Cut"

    # Planned or live: people can still be targeted by it.
    OPEN_STATUSES = (Status.PLANNED, Status.LIVE)

    name = models.CharField(max_length=200)
    type = models.CharField(max_length=20, choices=Type.choices)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    starts_on = models.DateField()
    ends_on = models.DateField()
    audience = models.CharField(max_length=300, blank=True)
    # Where it runs ("" everywhere): the calendar's region filter and capacity per region
    # compare it with the accounts' regions.
    region = models.CharField(max_length=100, blank=True)
    goal = models.CharField(max_length=300, blank=True)
    planned_budget = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    currency = models.CharField(max_length=3, default="GBP")
    expected_leads_per_week = models.PositiveIntegerField(default=0)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    # Public key of the campaign's embeddable web form (not the id, so forms can't be guessed).
    form_key = models.CharField(max_length=32, unique=True, default=new_form_key)
    # The calendar: a random UID that never changes (calendar clients key items on it),
    # a SEQUENCE that rises whenever the dates or the status change (RFC 5545 3.8.7.4),
    # and a version every change raises, so two people editing at once cannot silently
    # overwrite each other (the second is told what changed).
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)

    objects = CampaignQuerySet.as_manager()
    history = field_history()

    class Meta:
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="campaign_ends_after_it_starts"
            ),
            models.CheckConstraint(
                condition=Q(planned_budget__gte=0), name="campaign_budget_not_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "starts_on"]),
            models.Index(fields=["owner", "starts_on"]),
            models.Index(fields=["team", "starts_on"]),
            models.Index(fields=["type", "starts_on"]),
            # The calendar's range read: what ends on or after the first day shown.
            models.Index(fields=["ends_on", "starts_on"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class CampaignCost(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="costs")
    incurred_on = models.DateField()
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    description = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    history = field_history()

    class Meta:
        ordering = ["incurred_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="campaign_cost_not_negative")
        ]
        indexes = [models.Index(fields=["campaign", "incurred_on"])]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount}"


class CampaignMember(models.Model):
    class Status(models.TextChoices):
        TARGETED = "targeted", "Targeted"
        RESPONDED = "responded", "Responded"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="members")
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="campaign_memberships"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.TARGETED)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "contact"], name="one_membership_per_campaign"
            )
        ]
        indexes = [models.Index(fields=["campaign", "status"])]

    def __str__(self) -> str:
        return f"{self.contact_id} in {self.campaign_id}"


class Touchpoint(models.Model):
    class Kind(models.TextChoices):
        AD_CLICK = "ad_click", "Ad click"
        VISIT = "visit", "Visit"
        FORM = "form", "Form"
        EMAIL_OPEN = "email_open", "E-mail open"
        EMAIL_CLICK = "email_click", "E-mail click"
        EVENT = "event", "Event attendance"
        CALL = "call", "Call"
        BRANCH_VISIT = "branch_visit", "Branch visit"

    # No single-column indexes on the two keys: (contact, occurred_at) and (campaign,
    # occurred_at) below serve those lookups, and each index costs every ingested touch.
    contact = models.ForeignKey(
        Contact,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="touchpoints",
        db_index=False,
    )
    visitor_id = models.CharField(max_length=64, blank=True)
    campaign = models.ForeignKey(
        Campaign,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="touchpoints",
        db_index=False,
    )
    channel = models.CharField(max_length=20, choices=Channel.choices)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    occurred_at = models.DateTimeField()
    utm_source = models.CharField(max_length=255, blank=True)
    utm_medium = models.CharField(max_length=255, blank=True)
    utm_campaign = models.CharField(max_length=255, blank=True)
    utm_term = models.CharField(max_length=255, blank=True)
    utm_content = models.CharField(max_length=255, blank=True)
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    idempotency_key = models.CharField(max_length=100, unique=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    # Who captured it and through what ("API token tdm_…", "web form", "import"): touches
    # move scores and make MQLs, so each one answers for where it came from.
    captured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    captured_via = models.CharField(max_length=60, blank=True, db_default="")

    objects = TouchpointQuerySet.as_manager()

    class Meta:
        indexes = [
            # A contact's timeline, and its engagement score: the kind and the time a
            # touch was recorded make scoring read the index alone (on SQLite a full
            # rescore's ranges are several times faster without the table lookups;
            # figures in bench/README.md).
            models.Index(
                fields=["contact", "occurred_at", "kind", "recorded_at"],
                name="touchpoint_contact_time_idx",
            ),
            models.Index(fields=["campaign", "occurred_at"]),
            models.Index(
                fields=["visitor_id"], condition=~Q(visitor_id=""), name="touchpoint_visitor_idx"
            ),
            # Touches in a period, and who and what each was: attribution reads a
            # window of millions from this index alone (on SQLite the table lookups of
            # 3.7M touches took 18 s; figures in bench/README.md).
            models.Index(
                fields=["occurred_at", "contact", "channel", "campaign"],
                name="touchpoint_time_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} at {self.occurred_at:%Y-%m-%d %H:%M}"
