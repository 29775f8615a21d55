"""The attribution tests' world: accounts that converted (or not) after touches in and
out of the window, and the dates the reports are asked for."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from tandem.campaigns import services as campaign_services
from tandem.crm import services as crm
from tandem.crm.models import Opportunity
from tandem.factories.campaigns import TouchpointFactory

DAY = timedelta(days=1)
# Conversions 40 days ago, so the campaign pages' last-twelve-months reports see them.
AT = (timezone.now() - 40 * DAY).replace(hour=12, minute=0, second=0, microsecond=0)
START, END = AT.date() - 15 * DAY, AT.date() + 15 * DAY


@pytest.fixture
def world(org: Any) -> dict[str, Any]:
    return build_world(org)


def build_world(org: Any) -> dict[str, Any]:
    """Two accounts that converted, one that did not, one conversion nobody touched,
    one in dollars; touches in and out of the 90-day window."""
    at = AT
    actor = org.marketer
    north = crm.create_account(actor=actor, name="North Ltd", region="North", segment="SMB")
    south = crm.create_account(actor=actor, name="South plc", region="South", segment="Enterprise")
    quiet = crm.create_account(actor=actor, name="Quiet Co", region="North", segment="SMB")
    untouched = crm.create_account(actor=actor, name="Nobody", region="North")
    a1 = crm.create_contact(actor=actor, first_name="Ann", email="ann@north.test", account=north)
    a2 = crm.create_contact(actor=actor, first_name="Al", email="al@north.test", account=north)
    b1 = crm.create_contact(actor=actor, first_name="Bo", email="bo@south.test", account=south)
    q1 = crm.create_contact(actor=actor, first_name="Qi", email="qi@quiet.test", account=quiet)
    webinar = campaign_services.create_campaign(
        actor=actor, name="Autumn webinar", type="webinar", channel="events",
        starts_on=START - 30 * DAY, ends_on=END, planned_budget="1000",
    )  # fmt: skip
    mailer = campaign_services.create_campaign(
        actor=actor, name="October mailer", type="email", channel="email",
        starts_on=START - 30 * DAY, ends_on=END, planned_budget="500",
    )  # fmt: skip

    def touch(contact: Any, channel: str, when: datetime, campaign: Any = None) -> None:
        TouchpointFactory(
            contact=contact, channel=channel, kind="visit", occurred_at=when, campaign=campaign
        )

    touch(a1, "search", at - 200 * DAY)  # before the lookback window: not in the journey
    touch(a1, "email", at - 20 * DAY, mailer)
    touch(a2, "events", at - 5 * DAY, webinar)
    touch(a1, "social", at + 2 * DAY)  # after the conversion: not in the journey
    touch(b1, "social", at - 3 * DAY + timedelta(microseconds=250))  # SQLite text with .000250
    touch(q1, "email", at - 10 * DAY, mailer)

    def opportunity(account: Any, amount: str, currency: str = "GBP") -> Opportunity:
        opp = crm.create_opportunity(
            actor=actor, name=f"{account.name} deal", account=account, amount=amount,
            currency=currency,
        )  # fmt: skip
        Opportunity.objects.filter(pk=opp.pk).update(created_at=at)
        return opp

    opportunity(north, "1000.00")
    won = opportunity(south, "500.00")
    Opportunity.objects.filter(pk=won.pk).update(stage="won", closed_at=at + DAY)
    opportunity(untouched, "300.00")
    opportunity(south, "999.00", currency="USD")
    return {"at": at, "webinar": webinar, "mailer": mailer}
