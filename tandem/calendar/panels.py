"""The calendar's section of the campaign page (registered in ``CalendarConfig.ready``
through ``core.panels``): sales' readiness and the way to the calendar."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tandem.calendar import readiness
from tandem.calendar.models import Readiness
from tandem.core.panels import Panel


def campaign_readiness(request: HttpRequest, campaign: Any) -> dict[str, Any]:
    return {
        "readiness": Readiness.objects.filter(campaign=campaign).first(),
        "needs_readiness": readiness.needs_readiness(campaign),
        "missing": readiness.launch_check(campaign) if campaign.status == "planned" else "",
    }


CAMPAIGN_READINESS = Panel("calendar/_campaign_panel.html", campaign_readiness, "side")
