"""Campaigns in the search box (``core.search``): by name, as the campaign list searches."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from tandem.campaigns.models import Campaign
from tandem.core.search import Hit, SearchSource


def campaign_hits(user: Any, text: str, limit: int) -> list[Hit]:
    # Campaigns are few (hundreds): the list's own search, anywhere in the name.
    found = Campaign.objects.visible_to(user).search(text).order_by("name", "id")[:limit]
    return [
        Hit(
            c.name,
            reverse("campaigns:campaign", args=[c.pk]),
            f"{c.get_status_display()} · {c.starts_on:%d %b %Y} to {c.ends_on:%d %b %Y}",
        )
        for c in found
    ]


CAMPAIGNS = SearchSource(
    "campaigns",
    "Campaigns",
    50,
    campaign_hits,
    lambda text: f"{reverse('campaigns:campaigns')}?{urlencode({'q': text})}",
)
