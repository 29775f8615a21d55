"""The campaigns sections of crm's contact pages (registered in ``CampaignsConfig.ready``
through ``tandem.crm.panels``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tandem.campaigns.models import Campaign, Touchpoint
from tandem.core.panels import Panel


def contact_campaigns(request: HttpRequest, contact: Any) -> dict[str, Any]:
    """The campaigns a contact was targeted by (a member of) and those whose touches
    reached them (a contact with three touches from a campaign is "in" it, member or
    not), and the campaigns the viewer may add them to."""
    memberships = list(
        contact.campaign_memberships.select_related("campaign").order_by("-added_at")[:50]
    )
    members_of = {m.campaign_id for m in memberships}
    return {
        "memberships": memberships,
        "touched": [
            t
            for t in Touchpoint.objects.campaigns_touched(contact.pk)
            if t["campaign_id"] not in members_of
        ],
        "campaigns": [] if contact.erased_at else Campaign.objects.targetable_by(request.user),
    }


def target_contacts(request: HttpRequest, page: Any) -> dict[str, Any]:
    """The campaigns the viewer may target the listed contacts in."""
    return {"campaigns": Campaign.objects.targetable_by(request.user)}


CONTACT_CAMPAIGNS = Panel("campaigns/_contact_campaigns.html", contact_campaigns, "related")
TARGET_CONTACTS = Panel("campaigns/_target_contacts.html", target_contacts)
