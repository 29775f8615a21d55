"""What the calendar adds to a campaign: sales' readiness for it."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tandem.campaigns.models import Campaign
from tandem.core.audit import field_history


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
