"""Known figures for the kill criteria and performance tests: campaigns with touches,
leads through the funnel, deals and costs, written as the hand-off would leave them."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from tandem.approvals import contracts as joint
from tandem.calendar import kill
from tandem.campaigns import services as campaigns
from tandem.campaigns.models import Campaign, Touchpoint
from tandem.crm import services as crm
from tandem.crm.models import Opportunity
from tandem.factories.handoff import LeadFactory
from tandem.handoff.models import LifecycleEvent, Stage

TODAY = date(2026, 12, 5)


def campaign(org: Any, name: str, *, days_live: int = 30, owner: Any = None, **more: Any) -> Any:
    """A live campaign that started ``days_live`` days before TODAY and ends in a month."""
    made = campaigns.create_campaign(
        actor=owner or org.marketer,
        name=name,
        type=more.pop("type", "paid_search"),
        channel=more.pop("channel", "search"),
        starts_on=more.pop("starts_on", TODAY - timedelta(days=days_live)),
        ends_on=more.pop("ends_on", TODAY + timedelta(days=30)),
        **more,
    )
    Campaign.objects.filter(pk=made.pk).update(status=Campaign.Status.LIVE)
    made.refresh_from_db()
    return made


def spend(org: Any, found: Any, amount: str) -> None:
    campaigns.add_cost(
        actor=org.marketer, campaign=found, incurred_on=TODAY, amount=amount, description="Ads"
    )


def touches(found: Any, contacts: list[Any], each: int = 1) -> None:
    now = timezone.now()
    Touchpoint.objects.bulk_create(
        Touchpoint(
            contact=c,
            campaign=found,
            channel=found.channel,
            kind="ad_click",
            occurred_at=now - timedelta(hours=n),
            idempotency_key=f"k-{found.pk}-{c.pk}-{n}",
        )
        for c in contacts
        for n in range(each)
    )


def funnel(org: Any, found: Any, stages: list[str], deal: Any = None) -> Any:
    """One lead from ``found`` that passed through each of ``stages`` (events as the
    hand-off writes them), converted to ``deal`` if given."""
    contact = crm.create_contact(actor=org.marketer, first_name="Lead", account=None)
    lead = LeadFactory(contact=contact, stage=stages[-1], source_campaign=found, opportunity=deal)
    before = Stage.LEAD
    for stage in stages:
        LifecycleEvent.objects.create(
            lead=lead, from_stage=before, to_stage=stage, campaign=found, at=timezone.now()
        )
        before = stage
    return contact


def deal(org: Any, amount: str, *, won: bool = False, currency: str = "GBP") -> Any:
    account = crm.create_account(actor=org.sales_rep, name=f"Account {amount}")
    found = crm.create_opportunity(
        actor=org.sales_rep, name="Deal", account=account, amount=amount, currency=currency
    )
    if won:
        Opportunity.objects.filter(pk=found.pk).update(stage=Opportunity.Stage.WON)
    return found


def agree(org: Any, **criteria: Any) -> Any:
    """Criteria proposed by the marketing head and approved by the sales head."""
    proposed = kill.propose_kill_criteria(actor=org.marketing_head, **criteria)
    return joint.approve(actor=org.sales_head, contract=proposed)


def money(text: str) -> Decimal:
    return Decimal(text)
