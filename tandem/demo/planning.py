"""A year of the funnel behind the plan, and the plan itself.

The plan measures its conversion rates, lags and deal size from the trailing year, so
the demo needs a year of leads that went through every stage: leads arriving from a
year to four months ago, the share that became MQLs weeks later, were accepted (or
rejected with a reason) within days, converted to deals that were won or lost a sales
cycle later, and deals sales opened itself. Written as the hand-off would have written
them, back-dated and in bulk (history.py does the same for the last ten weeks, which
this leaves as they were: every MQL here is older than those).

Then the plan for the fiscal year containing today: the executive's quarterly target,
the scorecard's targets from both heads, and the shared incentive they agreed.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from tandem.core.audit import Source, acting_as
from tandem.core.history_writes import write_creation_history
from tandem.crm.models import Account, Contact, Opportunity
from tandem.handoff.models import Lead, LifecycleEvent, RejectionReason, Stage

ACCOUNTS = 24
LEADS = 420
SALES_SOURCED = 48
PLACES = ["Aire", "Calder", "Wharfe", "Nidd", "Swale", "Ure", "Derwent", "Hodder"]
TRADES = ["Farms", "Estates", "Builders", "Nurseries", "Garden Centre", "Motors"]
QUARTERS = {"1": "210000", "2": "240000", "3": "260000", "4": "290000"}


def seed_funnel_history(users: dict[str, Any]) -> int:
    """Returns the deals it opened (from leads and by sales)."""
    rng = random.Random(2031)
    now = timezone.now()
    rep = users["sales rep"]
    team_id = rep.home_team_id()
    reasons = list(RejectionReason.objects.order_by("id")[:5])
    accounts = Account.objects.bulk_create(
        [
            Account(
                owner=rep, team_id=team_id, region="Yorkshire",
                name=f"{PLACES[n % len(PLACES)]} {TRADES[n % len(TRADES)]} Ltd",
                segment=rng.choice(["SME", "SME", "Enterprise"]),
            )
            for n in range(ACCOUNTS)
        ]
    )  # fmt: skip
    arrived = [now - timedelta(days=rng.uniform(110, 360)) for _ in range(LEADS)]
    contacts = Contact.objects.bulk_create(
        [
            Contact(
                owner=rep, team_id=team_id, account=accounts[n % ACCOUNTS],
                first_name=rng.choice(["Amy", "Ben", "Cara", "Dev", "Eli", "Fay", "Gus"]),
                last_name=f"History{n + 1}", email=f"lead{n + 1}@history.example",
            )
            for n in range(LEADS)
        ]
    )  # fmt: skip
    for contact, at in zip(contacts, arrived, strict=True):
        contact.created_at = at  # back-dated (bulk_create stamps now)
    Contact.objects.bulk_update(contacts, ["created_at"], batch_size=500)
    leads: list[Lead] = []
    events: list[LifecycleEvent] = []
    deals: list[Opportunity] = []
    opened: list[tuple[Lead | None, Any]] = []
    for contact, at in zip(contacts, arrived, strict=True):
        lead = Lead(contact=contact, stage=Stage.LEAD, stage_changed_at=at, source="web")
        leads.append(lead)
        if rng.random() > 0.36:
            continue  # still nurtured
        lead.mql_at = lead.assigned_at = at + timedelta(days=rng.uniform(4, 30))
        lead.team_id, lead.rep = team_id, rep
        lead.stage, lead.stage_changed_at = Stage.MQL, lead.mql_at
        events.append(_event(lead, Stage.LEAD, Stage.MQL, rep, lead.mql_at, "Scored as an MQL"))
        decided = lead.mql_at + timedelta(hours=rng.uniform(1, 60))
        if rng.random() > 0.72:
            lead.stage, lead.stage_changed_at = Stage.RECYCLED, decided
            lead.rejection_reason = rng.choice(reasons)
            events.append(
                _event(lead, Stage.MQL, Stage.RECYCLED, rep, decided, "Rejected by sales")
            )
            continue
        lead.accepted_at = lead.followed_up_at = decided
        lead.stage, lead.stage_changed_at = Stage.ACCEPTED, decided
        events.append(_event(lead, Stage.MQL, Stage.ACCEPTED, rep, decided, "Accepted by sales"))
        if rng.random() > 0.5:
            continue
        created = decided + timedelta(days=rng.uniform(3, 25))
        lead.stage, lead.stage_changed_at = Stage.SQL, created
        events.append(_event(lead, Stage.ACCEPTED, Stage.SQL, rep, created, "Converted"))
        deals.append(_deal(rng, rep, team_id, contact.account, contact, created, now))
        opened.append((lead, created))
    for n in range(SALES_SOURCED):
        created = now - timedelta(days=rng.uniform(60, 340))
        deals.append(_deal(rng, rep, team_id, accounts[n % ACCOUNTS], None, created, now))
        opened.append((None, created))
    made = Opportunity.objects.bulk_create(deals)
    for deal, (source, created) in zip(made, opened, strict=True):
        deal.created_at = created
        if source is not None:
            source.opportunity = deal
    Opportunity.objects.bulk_update(made, ["created_at"], batch_size=500)
    Lead.objects.bulk_create(leads, batch_size=500)
    LifecycleEvent.objects.bulk_create(events, batch_size=500)
    for model, rows in ((Account, accounts), (Contact, contacts), (Opportunity, made)):
        write_creation_history(
            model, model.objects.filter(pk__in=[r.pk for r in rows]), actor=rep,
            source=Source.SYSTEM,
        )  # fmt: skip
    return len(made)


def _event(lead: Lead, was: str, to: str, rep: Any, at: Any, why: str) -> LifecycleEvent:
    return LifecycleEvent(
        lead=lead, from_stage=was, to_stage=to, rep=rep, actor=rep, at=at, why=why,
        reason=lead.rejection_reason if to == Stage.RECYCLED else None, source="web",
    )  # fmt: skip


def _deal(
    rng: random.Random, rep: Any, team_id: Any, account: Any, contact: Any, created: Any, now: Any
) -> Opportunity:
    """Won or lost a sales cycle after opening; open (with a close date ahead) if that
    would be within the last six weeks, so this month's wins stay the demo's own."""
    closes = created + timedelta(days=rng.uniform(20, 80))
    deal = Opportunity(
        owner=rep, team_id=team_id, account=account, contact=contact,
        name=f"{account.name}: {rng.choice(['solar array', 'heat pump', 'battery'])}",
        amount=Decimal(rng.randrange(8_000, 32_000, 500)),
    )  # fmt: skip
    if closes < now - timedelta(days=45):
        won = rng.random() < 0.32
        deal.stage = "won" if won else "lost"
        deal.closed_at, deal.close_date = closes, timezone.localtime(closes).date()
        deal.outcome_reason = "" if won else rng.choice(["Price", "Went with a competitor"])
    else:
        deal.stage = rng.choice(["qualification", "proposal", "negotiation"])
        deal.close_date = timezone.localdate() + timedelta(days=rng.randint(10, 70))
    return deal


def seed_plan(users: dict[str, Any]) -> Any:
    """The fiscal year containing today: the executive's target, both heads' scorecard
    targets, and the shared incentive the heads agreed."""
    from tandem.approvals import contracts
    from tandem.planning import incentive, scorecard, services

    executive, marketing, sales = users["executive"], users["marketing head"], users["sales head"]
    with acting_as(executive, Source.SYSTEM):
        period = services.open_period(actor=executive)
        services.propose_target(
            actor=executive, period=period, quarters=QUARTERS,
            note="The board's plan: growth from heat pumps in the second half.",
        )  # fmt: skip
    with acting_as(sales, Source.SYSTEM):
        scorecard.set_kpi_targets(
            actor=sales, period=period,
            values={"win_rate": 35, "cycle_time": 45, "sales_sla": 90, "sales_pipeline": 1800000},
        )  # fmt: skip
    with acting_as(marketing, Source.SYSTEM):
        scorecard.set_kpi_targets(
            actor=marketing, period=period,
            values={
                "mql_sql_rate": 40, "marketing_sla": 100, "signoff_coverage": 90,
                "marketing_pipeline": 1400000,
            },
        )  # fmt: skip
        pool = incentive.propose_incentive(
            actor=marketing, period=period, pool="40000",
            measures=[
                {"key": "revenue_vs_target", "weight": 50, "threshold": 80, "cap": 120},
                {"key": "mql_sql_rate", "weight": 30, "threshold": 75, "cap": 125},
                {"key": "signoff_coverage", "weight": 20, "threshold": 80, "cap": 100},
            ],
            note="One pool for both teams, paid on what we do together.",
        )  # fmt: skip
    with acting_as(sales, Source.SYSTEM):
        contracts.approve(actor=sales, contract=pool)
    return period
