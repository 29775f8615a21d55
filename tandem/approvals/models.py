"""Approval requests, their requirements and the decisions people make on them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from tandem.approvals.needs import Need
from tandem.approvals.querysets import ApprovalRequestQuerySet
from tandem.core.audit import field_history
from tandem.core.permissions import ORGANISATION


class ApprovalRequest(models.Model):
    """Someone asks for a joint decision about a subject, at one version of it."""

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for decisions"
        APPROVED = "approved", "Approved"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        WITHDRAWN = "withdrawn", "Withdrawn"
        OVERRIDDEN = "overridden", "Overridden"
        SUPERSEDED = "superseded", "Superseded"

    kind = models.CharField(max_length=60)
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.BigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    title = models.CharField(max_length=200)  # what the subject was called when asked
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    reason = models.CharField("why", max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The side the requester acts for: they never satisfy a requirement of another side.
    requester_side = models.CharField(max_length=20, blank=True)
    needed = models.PositiveSmallIntegerField()  # requirements to satisfy (N of M)
    # Requirements satisfied one after another, in their order (a sequential review):
    # only the first still waiting may be decided, and only its people are told.
    in_order = models.BooleanField(default=False)
    requested_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    override_reason = models.CharField(max_length=500, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    objects = ApprovalRequestQuerySet.as_manager()
    history = field_history()

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "status"]),
            models.Index(fields=["status", "requested_at"]),
            models.Index(fields=["requested_by", "requested_at"]),
        ]
        constraints = [
            # One open request per subject and kind: a second ask supersedes the first.
            models.UniqueConstraint(
                fields=["kind", "subject_type", "subject_id"],
                condition=Q(status="open"),
                name="one_open_request_per_subject",
            )
        ]

    # Visible to everyone who works here, like the decisions it records.
    permission_owner_id = None

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display().lower()})"

    @property
    def permission_team_ids(self) -> frozenset[int]:
        return ORGANISATION.permission_team_ids

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Requirement(models.Model):
    """One person must satisfy this for the request to pass (see ``approvals.needs``)."""

    request = models.ForeignKey(
        ApprovalRequest, on_delete=models.CASCADE, related_name="requirements"
    )
    position = models.PositiveSmallIntegerField()
    role = models.CharField(max_length=30)
    # Whom the role names, in columns so "what waits for me" is an indexed read:
    # a team function (head_of, member_of_function), a team, or one person.
    function = models.CharField(max_length=20, blank=True)
    team = models.ForeignKey(
        "people.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    label = models.CharField(max_length=200)
    side = models.CharField(max_length=20, blank=True)
    satisfied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    satisfied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["request", "position"]
        constraints = [
            models.UniqueConstraint(fields=["request", "position"], name="requirement_position"),
            # One person satisfies at most one requirement of a request.
            models.UniqueConstraint(
                fields=["request", "satisfied_by"],
                condition=Q(satisfied_by__isnull=False),
                name="one_requirement_per_person",
            ),
        ]
        # What still waits, by whom it waits for (the navigation's count reads these).
        indexes = [
            models.Index(
                fields=["function", "role", "request"],
                condition=Q(satisfied_by__isnull=True),
                name="waiting_by_function",
            ),
            models.Index(
                fields=["person", "request"],
                condition=Q(satisfied_by__isnull=True),
                name="waiting_for_person",
            ),
            models.Index(
                fields=["team", "request"],
                condition=Q(satisfied_by__isnull=True),
                name="waiting_for_team",
            ),
            models.Index(fields=["satisfied_by", "request"], name="satisfied_by_person"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def need(self) -> Need:
        return Need(self.role, self.label, self.side, params_of(self))


def params_of(requirement: Requirement) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if requirement.function:
        found["function"] = requirement.function
    if requirement.team_id:
        found["team_id"] = requirement.team_id
    if requirement.person_id:
        found["user_id"] = requirement.person_id
    return found


class Decision(models.Model):
    """Approve or request changes, with a comment, on one version of the subject."""

    class Outcome(models.TextChoices):
        APPROVE = "approve", "Approved"
        CHANGES = "changes", "Requested changes"

    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="decisions")
    requirement = models.ForeignKey(
        Requirement, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    comment = models.CharField(max_length=2000, blank=True)
    version = models.PositiveIntegerField()
    decided_at = models.DateTimeField()
    # A new version of the subject voids every decision made on an earlier one.
    voided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [
            models.Index(fields=["decided_by", "decided_at"]),
            models.Index(fields=["request", "decided_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} (v{self.version})"
