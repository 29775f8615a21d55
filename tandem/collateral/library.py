"""The sharp end's side of collateral: logging a download, a share or a use with a
customer (on an opportunity or contact, whose timeline then shows it), rating and giving
feedback on a version, and pins (comments on a point of a page) while it is reviewed."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from tandem.collateral.errors import CollateralError
from tandem.collateral.models import Asset, AssetVersion, Feedback, Pin, PinComment, Usage
from tandem.core.errors import DomainError, ErrorCode, invalid
from tandem.core.permissions import require_staff
from tandem.core.services import record_event
from tandem.core.validation import optional_text, required_text, whole_number
from tandem.crm.models import Contact, Opportunity
from tandem.notifications.services import notify
from tandem.people.models import User


def _require_in_library(asset: Asset) -> AssetVersion:
    """Front-line actions are on what the library serves: the published version."""
    if asset.status != Asset.Status.PUBLISHED or asset.published_version is None:
        raise DomainError(
            CollateralError.WRONG_STATUS, "Only published collateral can be used or rated."
        )
    return asset.published_version


def log_use(
    *,
    actor: User,
    asset: Asset,
    action: str = Usage.Action.USED,
    contact: Contact | None = None,
    opportunity: Opportunity | None = None,
    note: str = "",
    version: AssetVersion | None = None,
) -> Usage:
    """Record a download, share or use. ``contact`` and ``opportunity`` come from the
    caller's ``visible_to`` read; a use on an opportunity counts toward its influence on
    won deals. A download may be of any version (reviewers read drafts); a share or a
    use is of the published one."""
    require_staff(actor)
    if action not in Usage.Action.values:
        raise invalid("action", "Choose downloaded, shared or used.")
    if action != Usage.Action.DOWNLOADED or version is None:
        version = _require_in_library(asset)
    note = optional_text(note, "note", 500)
    with transaction.atomic():
        usage = Usage.objects.create(
            asset=asset,
            version=version,
            user=actor,
            action=action,
            contact=contact,
            opportunity=opportunity,
            note=note,
            at=timezone.now(),
        )
        if action == Usage.Action.USED:
            record_event(
                "asset.used",
                subject=asset,
                data={"opportunity": getattr(opportunity, "pk", None)},
            )
    return usage


def give_feedback(
    *,
    actor: User,
    asset: Asset,
    rating: Any = None,
    verdict: str = "",
    comment: str = "",
) -> Feedback:
    """Rate the published version (1 to 5) and/or say what is wrong with it; a second
    word from the same person on the same version replaces the first."""
    require_staff(actor)
    version = _require_in_library(asset)
    stars = None if rating in (None, "") else whole_number(rating, "rating", 1, 5)
    if verdict and verdict not in Feedback.Verdict.values:
        raise invalid("verdict", "Choose one of the answers listed.")
    comment = optional_text(comment, "comment", 2000)
    if stars is None and not verdict and not comment:
        raise invalid("rating", "Give a rating, an answer or a comment.")
    now = timezone.now()
    with transaction.atomic():
        feedback, _created = Feedback.objects.select_for_update().get_or_create(
            version=version,
            author=actor,
            defaults={"asset": asset, "created_at": now, "updated_at": now},
        )
        feedback.rating, feedback.verdict, feedback.comment = stars, verdict, comment
        feedback.updated_at = now
        feedback.save()
        record_event("asset.feedback", subject=asset, data={"rating": stars, "verdict": verdict})
        if asset.owner_id and asset.owner_id != actor.pk and (verdict or comment):
            said = feedback.get_verdict_display() if verdict else "a comment"
            notify(
                recipients=[asset.owner],
                kind="system",
                text=f"{actor} on {asset.title}: {said}",
                url=f"/collateral/{asset.pk}/#feedback",
                actor=actor,
            )
    return feedback


def _fraction(value: Any, field: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise invalid(field, "Give a point on the page.") from None
    if not number.is_finite() or not Decimal(0) <= number <= Decimal(1):
        raise invalid(field, "Give a point on the page.")
    return number.quantize(Decimal("0.0001"))


def pin_comment(*, actor: User, version: AssetVersion, page: Any, x: Any, y: Any, text: str) -> Pin:
    """Start a thread on a point of a page of ``version`` (from 1; x and y from 0 to 1)."""
    require_staff(actor)
    number = whole_number(page, "page", 1, max(version.pages, 1), message="Choose a page it has.")
    text = required_text(text, "text", 2000, message="Say what you noticed.")
    now = timezone.now()
    with transaction.atomic():
        pin = Pin.objects.create(
            version=version,
            page=number,
            x=_fraction(x, "x"),
            y=_fraction(y, "y"),
            author=actor,
            created_at=now,
        )
        PinComment.objects.create(pin=pin, author=actor, text=text, created_at=now)
        record_event("asset.pinned", subject=version.asset, data={"page": number})
        asset = version.asset
        if asset.owner_id and asset.owner_id != actor.pk:
            notify(
                recipients=[asset.owner],
                kind="system",
                text=f"{actor} pinned a comment on page {number} of {asset.title}: {text}",
                url=f"/collateral/{asset.pk}/review/?version={version.number}&page={number}",
                actor=actor,
            )
    return pin


def reply_to_pin(*, actor: User, pin: Pin, text: str) -> PinComment:
    require_staff(actor)
    text = required_text(text, "text", 2000, message="Write a reply.")
    return PinComment.objects.create(pin=pin, author=actor, text=text, created_at=timezone.now())


def resolve_pin(*, actor: User, pin: Pin) -> Pin:
    """The asset's owner (or whoever pinned it) marks the point dealt with."""
    require_staff(actor)
    if actor.pk not in (pin.author_id, pin.version.asset.owner_id):
        raise DomainError(
            ErrorCode.FORBIDDEN, "Only the asset's owner or the pin's author resolves it."
        )
    Pin.objects.filter(pk=pin.pk).update(resolved_at=timezone.now(), resolved_by=actor)
    pin.refresh_from_db()
    return pin
