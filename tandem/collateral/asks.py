"""Collateral requests ("asks", to keep clear of the HTTP request): anyone asks marketing
for what is missing (what, for whom, by when, for which campaign, perhaps a variant of an
asset); marketing triages it (accept, decline with a reason, or mark it a duplicate of
another), links the asset that answers it, and the person who asked is told and becomes
a reviewer of that asset."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from tandem.campaigns.models import Campaign
from tandem.collateral.errors import CollateralError
from tandem.collateral.models import Asset, CollateralRequest, ReviewPolicy
from tandem.core.dates import check_date
from tandem.core.errors import DomainError, invalid
from tandem.core.permissions import Action, require, require_staff
from tandem.core.services import record_event
from tandem.core.validation import optional_text, required_text
from tandem.notifications.services import notify
from tandem.people.models import Team, User

Status = CollateralRequest.Status


def ask(
    *,
    actor: User,
    title: str,
    detail: str = "",
    audience: str = "",
    needed_by: Any = None,
    campaign: Campaign | None = None,
    variant_of: Asset | None = None,
) -> CollateralRequest:
    """Ask marketing for collateral; its marketing teams' members are told."""
    require_staff(actor)
    title = required_text(title, "title", 200, message="Say what is needed.")
    detail = optional_text(detail, "detail", 2000)
    audience = optional_text(audience, "audience", 200)
    day = check_date(needed_by, "needed_by") if needed_by not in (None, "") else None
    if day is not None and day < timezone.localdate():
        raise invalid("needed_by", "Give a day that has not passed.")
    with transaction.atomic():
        found = CollateralRequest.objects.create(
            title=title,
            detail=detail,
            audience=audience,
            needed_by=day,
            campaign=campaign,
            variant_of=variant_of,
            requested_by=actor,
            created_at=timezone.now(),
        )
        record_event("collateral_request.made", subject=found)
        marketers = (
            User.objects.filter(is_active=True, memberships__team__function=Team.Function.MARKETING)
            .exclude(pk=actor.pk)
            .distinct()
        )
        notify(
            recipients=list(marketers),
            kind="system",
            text=f"{actor} asks for collateral: {title}",
            url=f"/collateral/requests/{found.pk}/",
            actor=actor,
        )
    return found


def _open(found: CollateralRequest) -> CollateralRequest:
    locked = CollateralRequest.objects.select_for_update().get(pk=found.pk)
    if locked.status not in (Status.OPEN, Status.ACCEPTED):
        raise DomainError(
            CollateralError.REQUEST_CLOSED,
            f"This request is {locked.get_status_display().lower()} already.",
        )
    return locked


def _tell_requester(found: CollateralRequest, actor: User, text: str) -> None:
    if found.requested_by_id and found.requested_by_id != actor.pk:
        notify(
            recipients=[found.requested_by],
            kind="system",
            text=text,
            url=f"/collateral/requests/{found.pk}/",
            actor=actor,
        )


def triage(
    *,
    actor: User,
    found: CollateralRequest,
    outcome: str,
    reason: str = "",
    duplicate_of: CollateralRequest | None = None,
) -> CollateralRequest:
    """Accept, decline (with a reason) or mark a duplicate of another request."""
    require(actor, Action.CHANGE, found)
    if outcome not in (Status.ACCEPTED, Status.DECLINED, Status.DUPLICATE):
        raise invalid("outcome", "Choose accept, decline or duplicate.")
    reason = optional_text(reason, "reason", 500)
    if outcome == Status.DECLINED and not reason:
        raise invalid("reason", "Say why it is declined: the person who asked reads it.")
    if outcome == Status.DUPLICATE and (duplicate_of is None or duplicate_of.pk == found.pk):
        raise invalid("duplicate_of", "Choose the request this one repeats.")
    with transaction.atomic():
        found = _open(found)
        if found.status == Status.ACCEPTED and outcome == Status.ACCEPTED:
            raise DomainError(CollateralError.REQUEST_CLOSED, "This request is accepted already.")
        found.status, found.reason, found.duplicate_of = outcome, reason, duplicate_of
        found.triaged_by, found.triaged_at = actor, timezone.now()
        found.save()
        record_event("collateral_request.triaged", subject=found, data={"outcome": outcome})
        words: dict[str, str] = {
            Status.ACCEPTED: f"Marketing accepted your request: {found.title}",
            Status.DECLINED: f"Marketing declined your request: {found.title} ({reason})",
            Status.DUPLICATE: f"Your request {found.title} is already asked for: "
            f"{getattr(duplicate_of, 'title', '')}",
        }
        _tell_requester(found, actor, words[outcome])
    return found


def deliver(*, actor: User, found: CollateralRequest, asset: Asset) -> CollateralRequest:
    """The asset that answers the request: the requester is told and reviews it."""
    require(actor, Action.CHANGE, found)
    require(actor, Action.CHANGE, asset)
    with transaction.atomic():
        asset = Asset.objects.select_for_update().get(pk=asset.pk)
        if asset.status == Asset.Status.RETIRED:
            raise invalid("asset", "That asset is retired: link one the library can serve.")
        found = _open(found)
        found.status, found.asset = Status.DELIVERED, asset
        found.triaged_by = found.triaged_by or actor
        found.triaged_at = found.triaged_at or timezone.now()
        found.save()
        if found.requested_by_id:
            ReviewPolicy.objects.get(asset=asset).requesters.add(found.requested_by_id)
        record_event("collateral_request.delivered", subject=found, data={"asset": asset.pk})
        _tell_requester(
            found,
            actor,
            f"{asset.title} answers your request {found.title}: you are one of its reviewers.",
        )
    return found
