"""What collateral adds to lower apps' pages and rules (registered in
``CollateralConfig.ready``; none of those apps imports this one):

- crm's timeline: a use with a customer, on the contact's and the account's timeline;
- the campaign page: the campaign's assets and where their sign-off stands;
- the campaign launch: a campaign that hands collateral to customers goes live only once
  every asset linked to it is signed off on its current version;
- the global search: the published library, by any word inside the files;
- GDPR erasure: the notes people wrote when they used an asset with the contact.
"""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, DateTimeField, F, Q, Value
from django.http import HttpRequest
from django.urls import reverse

from tandem.campaigns.models import Campaign
from tandem.collateral import search
from tandem.collateral.models import Asset, Usage
from tandem.collateral.reads import with_gates
from tandem.core.panels import Panel
from tandem.core.search import Hit, SearchSource
from tandem.crm.timeline import COLUMNS, TimelineSource

# Campaigns that put collateral in customers' hands: their assets must be signed off.
NEEDS_COLLATERAL = frozenset(
    {
        Campaign.Type.TRADE_SHOW,
        Campaign.Type.EVENT,
        Campaign.Type.DIRECT_MAIL,
        Campaign.Type.BRANCH_PROMOTION,
        Campaign.Type.WEBINAR,
    }
)


def usage_entries(*, contact_id: int | None = None, account_id: int | None = None, **_: Any) -> Any:
    if contact_id is not None:
        where = Q(contact_id=contact_id)
    else:
        where = Q(contact__account_id=account_id) | Q(opportunity__account_id=account_id)
    return (
        Usage.objects.filter(where, action=Usage.Action.USED)
        .annotate(
            occurred_at=F("at"),
            side=Value("collateral", output_field=CharField()),
            entry_kind=F("action"),
            title=F("asset__title"),
            detail=F("note"),
            who_id=F("user_id"),
            campaign_name=Value("", output_field=CharField()),
            due_at=Value(None, output_field=DateTimeField()),
            done_at=Value(None, output_field=DateTimeField()),
        )
        .values(*COLUMNS)
        .order_by()
    )


def usage_kinds() -> list[tuple[str, str]]:
    return [(Usage.Action.USED.value, "Used with the customer")]


USAGE = TimelineSource("collateral", "Collateral", usage_entries, usage_kinds)


def launch_check(campaign: Campaign) -> str:
    """What is missing before ``campaign`` may go live ("" if nothing)."""
    if campaign.type not in NEEDS_COLLATERAL:
        return ""
    waiting = [a for a in with_gates(Asset.objects.for_campaign(campaign.pk)) if not a.gate.passed]
    if not waiting:
        return ""
    named = "; ".join(
        f"{a.title} waits for {' and '.join(a.gate.missing) or 'its review'}" for a in waiting[:3]
    )
    more = f" and {len(waiting) - 3} more" if len(waiting) > 3 else ""
    return f"collateral is not signed off: {named}{more}"


def campaign_assets(request: HttpRequest, campaign: Any) -> dict[str, Any]:
    assets = with_gates(Asset.objects.for_campaign(campaign.pk).select_related("owner")[:20])
    return {
        "assets": assets,
        "campaign": campaign,
        "needs_collateral": campaign.type in NEEDS_COLLATERAL,
    }


CAMPAIGN_ASSETS = Panel("collateral/_campaign_panel.html", campaign_assets, "side")


def asset_hits(user: Any, text: str, limit: int) -> list[Hit]:
    ids = search.matching_ids(text, limit=limit)
    found = Asset.objects.visible_to(user).in_bulk(ids)
    return [
        Hit(a.title, reverse("collateral:asset", args=[a.pk]), a.get_kind_display())
        for a in (found.get(pk) for pk in ids)
        if a is not None
    ]


def see_all(text: str) -> str:
    from urllib.parse import urlencode

    return f"{reverse('collateral:library')}?{urlencode({'q': text})}"


ASSETS = SearchSource("assets", "Collateral", 60, asset_hits, see_all)


def erase_usage_notes(contact_id: int, text: str) -> None:
    Usage.objects.filter(contact_id=contact_id).exclude(note="").update(note=text)
