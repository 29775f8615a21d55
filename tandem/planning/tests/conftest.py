"""A funnel's history the planning tests measure: leads back-dated through every stage
and the deals they became, in a few bulk writes."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from tandem.crm.models import Contact, Opportunity
from tandem.factories.crm import AccountFactory, ContactFactory
from tandem.handoff.models import Lead, Stage


def make_funnel(
    *,
    leads: int,
    mql: int,
    accepted: int,
    sql: int,
    won: int,
    lost: int = 0,
    sales_sourced: int = 0,
    days_ago: int = 200,
    amount: Decimal = Decimal("20000"),
    lags: tuple[int, int, int, int] = (10, 2, 7, 30),
) -> list[Any]:
    """``leads`` leads that arrived ``days_ago``; the first ``mql`` became MQLs after
    lags[0] days, the first ``accepted`` of those were accepted lags[1] days later, the
    first ``sql`` converted to deals lags[2] days later, of which ``won`` were won and
    ``lost`` lost lags[3] days after opening; plus ``sales_sourced`` deals without a lead."""
    assert leads >= mql >= accepted >= sql >= won + lost
    now = timezone.now()
    arrived = now - timedelta(days=days_ago)
    contacts = ContactFactory.create_batch(leads)
    Contact.objects.filter(pk__in=[c.pk for c in contacts]).update(created_at=arrived)
    account = AccountFactory()
    rows, deals = [], []
    for i, contact in enumerate(contacts):
        lead = Lead(contact=contact, stage=Stage.LEAD, stage_changed_at=arrived)
        if i < mql:
            lead.mql_at = arrived + timedelta(days=lags[0])
            lead.stage = Stage.MQL
        if i < accepted:
            lead.accepted_at = lead.mql_at + timedelta(days=lags[1])
            lead.stage = Stage.ACCEPTED
        if i < sql:
            lead.stage = Stage.SQL
            opened = lead.accepted_at + timedelta(days=lags[2])
            deals.append((lead, opened, i))
        rows.append(lead)
    made = []
    for lead, opened, i in deals:
        stage = "won" if i < won else "lost" if i < won + lost else "qualification"
        deal = Opportunity.objects.create(
            name=f"Deal {i}", account=account, amount=amount, stage=stage
        )
        closed = opened + timedelta(days=lags[3]) if stage in ("won", "lost") else None
        Opportunity.objects.filter(pk=deal.pk).update(created_at=opened, closed_at=closed)
        lead.opportunity = deal
        made.append(deal)
    Lead.objects.bulk_create(rows)
    for i in range(sales_sourced):
        deal = Opportunity.objects.create(name=f"Own {i}", account=account, amount=amount)
        Opportunity.objects.filter(pk=deal.pk).update(created_at=arrived)
    return made
