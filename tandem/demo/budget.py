"""The shared budget of the plan's fiscal year: marketing's lines (search ads, events,
webinars, print) and sales' (field reps, enablement), planned over the year and spent
month by month so far, a purchase order for the trade show, and a webinar that missed
the agreed cost per SQL and was cut, so its unspent money shows as freed for the teams
to move (the browser walk moves it to sales enablement, both heads approving).

Everything goes through the services, in a fixed order, so the demo is deterministic."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from tandem.core.audit import Source, acting_as
from tandem.people.models import Team

# (team, name, category, year's total, campaign linked by name, people funded)
LINES = [
    ("Marketing", "Search ads", "campaigns", "36000", "Heat-pump search ads", ()),
    ("Marketing", "Events and trade shows", "events", "30000", "Harrogate trade show", ()),
    ("Marketing", "Webinars", "campaigns", "9000", "Autumn solar webinar", ()),
    ("Marketing", "Collateral and print", "print", "8000", "", ()),
    ("Sales", "Field sales", "headcount", "96000", "", ("sales rep", "field rep")),
    ("Sales", "Sales enablement", "enablement", "12000", "", ()),
]
# The share of each past month's plan spent (the rest unspent), line by line.
SPENT = {"Search ads": 0.95, "Events and trade shows": 0.8, "Field sales": 1.0,
         "Sales enablement": 0.9, "Collateral and print": 0.6}  # fmt: skip


def cut_webinar(users: dict[str, Any]) -> Any:
    """A webinar six weeks live with no SQL: the morning's check flags it against the
    agreed cost per SQL, and its owner cuts it, freeing what was not spent."""
    from tandem.calendar import kill
    from tandem.campaigns import services as campaigns
    from tandem.demo.closed_loop import sales_ready

    marketer = users["marketer"]
    today = timezone.localdate()
    with acting_as(marketer, Source.SYSTEM):
        webinar = campaigns.create_campaign(
            actor=marketer, name="Autumn solar webinar", type="webinar", channel="events",
            planned_budget="6000", starts_on=today - timedelta(days=45),
            ends_on=today + timedelta(days=10),
        )  # fmt: skip
        sales_ready(users, webinar)
        campaigns.set_status(actor=marketer, campaign=webinar, status="live")
        campaigns.add_cost(
            actor=marketer, campaign=webinar, incurred_on=today - timedelta(days=40),
            amount="2400", description="Webinar platform and paid promotion",
        )  # fmt: skip
    with acting_as(None, Source.SYSTEM):
        kill.evaluate(campaign_ids=[webinar.pk])
    with acting_as(marketer, Source.SYSTEM):
        kill.decide(
            actor=marketer, campaign=webinar, outcome="cut",
            reason="No SQL after six weeks: the money does more elsewhere.",
        )  # fmt: skip
    return webinar


def seed_budget(users: dict[str, Any], period: Any) -> None:
    from tandem.budget import services, spending
    from tandem.campaigns.models import Campaign

    cut_webinar(users)
    today = timezone.localdate()
    months = period.months
    past = [m for m in months if m < today.replace(day=1)]
    teams = {t.name: t for t in Team.objects.filter(name__in=("Marketing", "Sales"))}
    owners = {"Marketing": users["marketer"], "Sales": users["sales head"]}
    lines = {}
    for team, name, category, total, campaign, funded in LINES:
        owner = owners[team]
        with acting_as(owner, Source.SYSTEM):
            linked = Campaign.objects.filter(name=campaign) if campaign else []
            line = services.add_line(
                actor=owner, period=period, team=teams[team], name=name, category=category,
                campaigns=list(linked), funds=[users[key] for key in funded],
            )  # fmt: skip
            lines[name] = services.spread_plan(actor=owner, line=line, total=total, months=months)
    for name, share in SPENT.items():
        line = lines[name]
        owner = line.owner
        monthly = Decimal(LINES_BY_NAME[name]) / 12
        with acting_as(owner, Source.SYSTEM):
            for n, month in enumerate(past):
                amount = (
                    monthly * Decimal(str(share)) * Decimal(0.9 + 0.2 * (n % 3) / 2)
                ).quantize(Decimal("1"))
                spending.record_spend(
                    actor=owner, line=line, amount=str(amount), spent_on=month + timedelta(days=14),
                    supplier=SUPPLIERS.get(name, ""), note="Monthly invoice",
                )  # fmt: skip
    marketer = users["marketer"]
    with acting_as(marketer, Source.SYSTEM):
        spending.add_commitment(
            actor=marketer, line=lines["Events and trade shows"], number="PO-2041",
            supplier="Harrogate Convention Centre", amount="4200", month=months[-1],
            note="Stand space and power for the spring show",
        )  # fmt: skip
        spending.post_campaign_costs(
            actor=marketer, campaign=Campaign.objects.get(name="Autumn solar webinar")
        )


LINES_BY_NAME = {name: total for _team, name, _category, total, _campaign, _funded in LINES}
SUPPLIERS = {
    "Search ads": "Google Ireland",
    "Events and trade shows": "Yorkshire Events Ltd",
    "Field sales": "Payroll",
    "Sales enablement": "Highspot",
    "Collateral and print": "Leeds Print Works",
}
