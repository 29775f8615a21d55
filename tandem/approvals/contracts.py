"""Joint contracts: agreements marketing and sales keep together (the SLA, the scoring
model, the attribution model). Each change is a proposal; it is in force once a head of
a marketing team and a head of a sales team (two people) approved it through an
approval request, and the one in force before it is superseded. The proposer's own
approval counts for their side.

An app defines its contract model on ``JointContract`` and registers a ``ContractKind``
for it; ``propose`` saves nothing itself: the app saves its rows, then asks.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from tandem.approvals import needs, services
from tandem.approvals.errors import ApprovalError
from tandem.approvals.kinds import ApprovalKind
from tandem.approvals.models import ApprovalRequest
from tandem.core.errors import DomainError
from tandem.core.permissions import Action, require
from tandem.core.services import record_event
from tandem.people.models import Membership, Team

SIDES = (Team.Function.MARKETING, Team.Function.SALES)


def contract_team_ids() -> tuple[int, ...]:
    """The teams party to the joint contracts: every marketing and sales team, so their
    heads are the ones who may propose changes."""
    return tuple(Team.objects.filter(function__in=SIDES).values_list("id", flat=True))


def contract_sides(user: Any) -> set[str]:
    """Which side(s) of the contracts ``user`` signs for: "marketing" and/or "sales"."""
    if not user.is_authenticated:
        return set()
    return set(
        Team.objects.filter(
            memberships__user=user,
            memberships__role=Membership.Role.HEAD,
            function__in=SIDES,
        ).values_list("function", flat=True)
    )


class ContractQuerySet(models.QuerySet[Any]):
    def in_force(self) -> Any:
        """The proposal now in force, or None."""
        return self.filter(status="active").order_by("-activated_at", "-id").first()

    def waiting(self) -> ContractQuerySet:
        return self.filter(status="proposed")


class JointContract(models.Model):
    """A proposed change to a joint contract, and whether it is in force."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Waiting for approval"
        ACTIVE = "active", "In force"
        SUPERSEDED = "superseded", "Superseded"
        WITHDRAWN = "withdrawn", "Withdrawn"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    note = models.CharField(max_length=500, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField()
    activated_at = models.DateTimeField(null=True, blank=True)

    objects = ContractQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-proposed_at", "-id"]

    permission_owner_id = None

    @property
    def permission_team_ids(self) -> tuple[int, ...]:
        return contract_team_ids()


class ContractKind(ApprovalKind):
    """A marketing head and a sales head; the proposer's approval counts for their side;
    approving the last one brings the proposal into force."""

    requester_approves = True
    url_name = ""  # the page that shows the contract

    def requirements(self, subject: Any) -> list[needs.Need]:
        return [needs.head_of(side) for side in SIDES]

    def url(self, subject: Any) -> str:
        from django.urls import reverse

        return reverse(self.url_name)

    def on_approved(self, subject: Any, actor: Any) -> None:
        model = type(subject)
        locked = model.objects.select_for_update().get(pk=subject.pk)
        if locked.status != JointContract.Status.PROPOSED:
            raise DomainError(
                ApprovalError.ALREADY_DECIDED,
                f"This proposal is {locked.get_status_display().lower()}.",
            )
        self.peers(locked).filter(status=JointContract.Status.ACTIVE).update(
            status=JointContract.Status.SUPERSEDED
        )
        locked.status, locked.activated_at = JointContract.Status.ACTIVE, timezone.now()
        locked.save(update_fields=["status", "activated_at"])
        record_event(f"{model._meta.model_name}.in_force", subject=locked)
        self.in_force(locked, actor)

    def peers(self, contract: Any) -> Any:
        """The proposals a new one supersedes when in force: every other of its model
        (one SLA), or fewer (a target is one period's)."""
        return type(contract).objects.exclude(pk=contract.pk)

    def in_force(self, contract: Any, actor: Any) -> None:
        """What follows a contract coming into force (a new scoring model rescores)."""

    def on_closed(self, subject: Any, status: str) -> None:
        subject.status = (
            JointContract.Status.WITHDRAWN
            if status == ApprovalRequest.Status.WITHDRAWN
            else JointContract.Status.CHANGES_REQUESTED
        )
        subject.save(update_fields=["status"])
        record_event(f"{subject._meta.model_name}.{subject.status}", subject=subject)


def start(actor: Any, contract: JointContract, note: str) -> None:
    """Fill in who proposes and why; heads of marketing and sales teams only."""
    require(actor, Action.APPROVE, contract)
    contract.note = (note or "").strip()[:500]
    contract.proposed_by = actor
    contract.proposed_at = timezone.now()


def propose(actor: Any, kind: str, contract: JointContract) -> ApprovalRequest:
    """Ask for the contract's approval (call inside the transaction that saved it)."""
    return services.request_approval(actor=actor, kind=kind, subject=contract, reason=contract.note)


def request_for(contract: Any) -> ApprovalRequest | None:
    """The latest approval request about a contract proposal."""
    found: ApprovalRequest | None = ApprovalRequest.objects.about(contract).first()
    return found


def approve(*, actor: Any, contract: Any) -> Any:
    """The actor approves the proposal's open request (for scripts and the demo)."""
    request = _open_request(contract)
    services.decide(actor=actor, request=request, outcome="approve", version=request.version)
    contract.refresh_from_db()
    return contract


def withdraw(*, actor: Any, contract: Any) -> Any:
    services.withdraw(actor=actor, request=_open_request(contract))
    contract.refresh_from_db()
    return contract


def _open_request(contract: Any) -> ApprovalRequest:
    request = request_for(contract)
    if request is None or not request.is_open:
        raise DomainError(
            ApprovalError.ALREADY_DECIDED,
            f"This proposal is {contract.get_status_display().lower()}.",
        )
    return request
