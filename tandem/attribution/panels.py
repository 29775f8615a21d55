"""A campaign's return by the attribution model in force, on the campaign page
(registered in ``AttributionConfig.ready`` through ``tandem.core.panels``: campaigns
shows it without importing attribution)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.http import HttpRequest

from tandem.attribution import reports
from tandem.campaigns.models import Campaign
from tandem.core.panels import Panel


def return_context(
    request: HttpRequest, campaign: Campaign, *, queue: bool = False
) -> dict[str, Any]:
    """Read-only unless ``queue`` (a POST): a page view never starts a job."""
    spent = campaign.costs.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    return {
        "returns": reports.campaign_return(campaign, user=request.user, cost=spent, queue=queue)
    }


CAMPAIGN_RETURN = Panel("attribution/_campaign_return.html", return_context)
