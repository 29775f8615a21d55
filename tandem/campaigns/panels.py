"""The campaigns sections of crm's contact pages (registered in ``CampaignsConfig.ready``
through ``tandem.crm.panels``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tandem.campaigns.models import Campaign
from tandem.core.panels import Panel


def contact_campaigns(request: HttpRequest, contact: Any) -> dict[str, Any]:
    """The campaigns a contact is in, and those the viewer may add them to."""
    return {
        "memberships": contact.campaign_memberships.select_related("campaign").order_by(
            "-added_at"
        )[:50],
        "campaigns": [] if contact.erased_at else Campaign.objects.targetable_by(request.user),
    }


def target_contacts(request: HttpRequest, page: Any) -> dict[str, Any]:
    """The campaigns the viewer may target the listed contacts in."""
    return {"campaigns": Campaign.objects.targetable_by(request.user)}


CONTACT_CAMPAIGNS = Panel("campaigns/_contact_campaigns.html", contact_campaigns)
TARGET_CONTACTS = Panel("campaigns/_target_contacts.html", target_contacts)
