"""What the calendar adds to a campaign (sales' readiness for it), and the personal feeds
that carry the calendar into people's own calendar apps."""

from __future__ import annotations

from django.conf import settings
from django.db import models

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
