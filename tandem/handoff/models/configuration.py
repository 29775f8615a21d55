"""What the heads set up: rejection reasons, routing rules, and each team's business
hours and holidays."""

from __future__ import annotations

from datetime import time
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from tandem.approvals.contracts import contract_team_ids
from tandem.core.audit import field_history

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
    Rules are tried in ``position`` order; no reps named means the whole team.
    ``prefer_owner``: a lead whose contact (or else account) has a sales owner who is
    in and below their limit goes to that owner before the rule's turn."""

    name = models.CharField(max_length=120)
    position = models.PositiveSmallIntegerField(default=0)
    region = models.CharField(max_length=100, blank=True)
    segment = models.CharField(max_length=100, blank=True)
    team = models.ForeignKey("people.Team", on_delete=models.CASCADE, related_name="+")
    reps = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    prefer_owner = models.BooleanField(
        "send to the contact's or account's owner first", default=True, db_default=True
    )
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
