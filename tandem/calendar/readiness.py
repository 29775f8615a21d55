"""Sales' readiness for a campaign, and the launch gate it holds.

A campaign of a type whose leads sales must follow up (``NEEDS_READINESS``: events,
trade shows, webinars, mailings, branch promotions) goes live only once sales marked it
ready, with every checklist item ticked; the refusal names what is missing. Heads of a
sales team mark it, or a delegate one of them appointed; marketing sees the answer on
the calendar and the campaign.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tandem.calendar.errors import CalendarError
from tandem.calendar.models import Readiness, ReadinessDelegate
from tandem.campaigns.models import Campaign
from tandem.core.errors import DomainError, ErrorCode, invalid
from tandem.core.services import record_event
from tandem.notifications.services import notify
from tandem.people.models import Membership, Team

NEEDS_READINESS = frozenset(
    {
        Campaign.Type.TRADE_SHOW,
        Campaign.Type.EVENT,
        Campaign.Type.WEBINAR,
        Campaign.Type.DIRECT_MAIL,
        Campaign.Type.BRANCH_PROMOTION,
    }
)


def needs_readiness(campaign: Campaign) -> bool:
    return campaign.type in NEEDS_READINESS


def heads_sales(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and Membership.objects.filter(
            user=user, role=Membership.Role.HEAD, team__function=Team.Function.SALES
        ).exists()
    )


def may_mark(user: Any) -> bool:
    """Heads of a sales team, and the delegates a head appointed."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return heads_sales(user) or ReadinessDelegate.objects.filter(user=user).exists()


def launch_check(campaign: Campaign) -> str:
    """What is missing before ``campaign`` may go live, in words ("" if nothing)."""
    if not needs_readiness(campaign):
        return ""
    found = Readiness.objects.filter(campaign=campaign).first()
    if found is None:
        return "sales has not marked its readiness yet"
    if found.status != Readiness.Status.READY:
        said = f"sales marked it {found.get_status_display().lower()}"
        return f"{said} ({found.note})" if found.note else said
    return ""


def mark(
    *,
    actor: Any,
    campaign: Campaign,
    status: str,
    note: str = "",
    reps_briefed: bool = False,
    collateral_signed_off: bool = False,
    capacity_booked: bool = False,
) -> Readiness:
    """Record sales' readiness for ``campaign`` (replacing the last answer). "Ready" needs
    every checklist item ticked; "need help" and "not ready" need a note saying why."""
    if not may_mark(actor):
        raise DomainError(
            ErrorCode.FORBIDDEN,
            "Only a head of a sales team, or a delegate they appointed, marks readiness.",
        )
    if status not in Readiness.Status.values:
        raise invalid("status", "Choose ready, need help or not ready.")
    note = str(note or "").strip()
    if len(note) > 500:
        raise invalid("note", "The note is at most 500 characters.")
    ticks = {
        "reps_briefed": bool(reps_briefed),
        "collateral_signed_off": bool(collateral_signed_off),
        "capacity_booked": bool(capacity_booked),
    }
    if status == Readiness.Status.READY:
        missing = [words for field, words in Readiness.CHECKLIST if not ticks[field]]
        if missing:
            raise DomainError(
                CalendarError.CHECKLIST_INCOMPLETE,
                f"Ready means every box ticked: {', '.join(missing)} still to do.",
                field="status",
            )
    elif not note:
        raise invalid("note", "Say what sales needs (or why it is not ready).")
    if not campaign.is_open:
        raise invalid("status", f"{campaign.name} has ended: its readiness no longer matters.")
    with transaction.atomic():
        found, _ = Readiness.objects.update_or_create(
            campaign=campaign,
            defaults={
                "status": status,
                "note": note,
                "marked_by": actor,
                "marked_at": timezone.now(),
                **ticks,
            },
        )
        record_event(
            "campaign.readiness_marked",
            subject=campaign,
            data={"status": status, "note": note, **ticks},
        )
        # Marketing learns sales' answer where it works, not only on the calendar.
        if campaign.owner_id and campaign.owner_id != actor.pk:
            said = f"Sales marked {campaign.name} {found.get_status_display().lower()}"
            notify(
                recipients=[campaign.owner],
                kind="system",
                text=f"{said}: {note}"[:300] if note else f"{said}.",
                url=reverse("calendar:item", args=[campaign.pk]),
                actor=actor,
            )
    return found


# --- Delegates ---------------------------------------------------------------------------
def appoint(*, actor: Any, user: Any) -> ReadinessDelegate:
    """A head of sales lets ``user`` (an active member of a sales team) mark readiness."""
    if not heads_sales(actor):
        raise DomainError(ErrorCode.FORBIDDEN, "Only a head of a sales team appoints delegates.")
    in_sales = Membership.objects.filter(user=user, team__function=Team.Function.SALES).exists()
    if not user.is_active or not in_sales:
        raise invalid("user", f"{user} is not an active member of a sales team.")
    with transaction.atomic():
        found, _ = ReadinessDelegate.objects.get_or_create(
            user=user, defaults={"appointed_by": actor}
        )
        record_event("readiness.delegate_appointed", subject=user)
    return found


def remove(*, actor: Any, delegate: ReadinessDelegate) -> None:
    if not heads_sales(actor):
        raise DomainError(ErrorCode.FORBIDDEN, "Only a head of a sales team removes delegates.")
    with transaction.atomic():
        record_event("readiness.delegate_removed", subject=delegate.user)
        delegate.delete()
