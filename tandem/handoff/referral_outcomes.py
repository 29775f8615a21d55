"""What became of a referral: when sales accepts, sends back, converts or disqualifies a
referred lead, the referral still waiting on sales records it (with the reason, the
note, the opportunity) and its referrer is told. Called by ``lifecycle`` and
``conversion`` in the deciding transaction; a lead nobody referred costs one indexed
read. Whether the deal was then won is read from the opportunity."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from tandem.crm.models import Opportunity
from tandem.handoff.models import Lead, Referral, RejectionReason
from tandem.handoff.routing import lead_name, lead_url
from tandem.notifications.services import notify
from tandem.people.models import User

Outcome = Referral.Outcome


def _news(lead: Lead, referral: Referral, actor: User) -> str:
    """What the referrer reads (no times in it, so no time zone to choose)."""
    name = lead_name(lead)
    if referral.outcome == Outcome.ACCEPTED:
        return f"Sales accepted {name}, whom you referred: {lead.rep or actor} has them."
    if referral.outcome == Outcome.REJECTED:
        reason = referral.rejection_reason
        said = f" “{referral.outcome_note}”" if referral.outcome_note else ""
        return f"Sales sent back {name}, whom you referred: {reason}.{said}"
    if referral.outcome == Outcome.CONVERTED:
        return f"{name}, whom you referred, is now an opportunity: {referral.opportunity}."
    return f"Sales disqualified {name}, whom you referred: {referral.outcome_note}"


def settle(
    lead: Lead,
    outcome: str,
    *,
    actor: User,
    reason: RejectionReason | None = None,
    note: str = "",
    opportunity: Opportunity | None = None,
) -> Referral | None:
    """Record ``outcome`` on the lead's referral still waiting on sales (the latest;
    none: nothing to do) and tell its referrer, unless they made the decision."""
    referral = (
        Referral.objects.select_for_update(of=("self",))  # not the referrer's row
        .filter(lead_id=lead.pk, outcome__in=Referral.OPEN_OUTCOMES)
        .select_related("referrer")
        .order_by("-id")
        .first()
    )
    if referral is None:
        return None
    changes: dict[str, Any] = {"outcome": outcome, "outcome_at": timezone.now()}
    if outcome == Outcome.REJECTED:
        changes.update(rejection_reason=reason, outcome_note=note)
    elif outcome == Outcome.DISQUALIFIED:
        changes["outcome_note"] = note
    elif outcome == Outcome.CONVERTED:
        changes["opportunity"] = opportunity
    for name, value in changes.items():
        setattr(referral, name, value)
    referral.save(update_fields=list(changes))
    referrer = referral.referrer
    if referrer is not None and referrer.is_active and referrer.pk != actor.pk:
        notify(
            recipients=[referrer],
            kind="referral.outcome",
            text=_news(lead, referral, actor),
            url=lead_url(lead),  # erasing the contact finds it by its address
            actor=actor,
        )
    return referral
