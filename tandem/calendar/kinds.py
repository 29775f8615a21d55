"""The calendar's joint decision: a campaign scheduled over sales capacity.

Whoever schedules or moves a campaign into weeks sales cannot cover, and goes ahead
anyway, asks a head of sales (``capacity_gate.confirmed``); the head sees it on the
Decisions page with the figures in its reason. Asking never counts as approving: the
requester may be marketing, and capacity is sales' to accept."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tandem.approvals import needs
from tandem.approvals.kinds import ApprovalKind
from tandem.people.models import Team

OVER_CAPACITY = "calendar.over_capacity"


class OverCapacityKind(ApprovalKind):
    name = OVER_CAPACITY
    label = "Schedule over capacity"
    subject_model = "campaigns.campaign"
    requester_approves = False

    def requirements(self, subject: Any) -> list[needs.Need]:
        return [needs.head_of(Team.Function.SALES)]

    def version(self, subject: Any) -> int:
        return int(subject.version)

    def describe(self, subject: Any) -> str:
        first, last = subject.starts_on, subject.ends_on
        return f"{subject.name} over sales capacity ({first:%-d %b} to {last:%-d %b %Y})"

    def url(self, subject: Any) -> str:
        return reverse("calendar:item", args=[subject.pk])
