"""Demo data for closed-loop revenue: campaigns on several channels, accounts whose
contacts were touched over the last six months, and the opportunities some of them
opened and won, so attribution has journeys that converted and journeys that did not.
The open ones are spread over the pipeline's stages with close dates in the coming
months (and a few slipped), so the board and the forecast have something true to show.

Deterministic (a seeded generator); times are relative to now. The touches are of
kinds worth few engagement points, so none of these contacts crosses the MQL threshold
and the hand-off demo is unchanged.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from tandem.campaigns import capture
from tandem.campaigns import services as campaigns
from tandem.campaigns.models import Campaign
from tandem.core.audit import Source, acting_as
from tandem.core.history_writes import write_creation_history
from tandem.crm.models import Account, Contact, Opportunity

ACCOUNTS = 36
# (name, type, channel, touch kind): kinds worth 0-3 engagement points.
CAMPAIGNS = [
    ("Autumn energy newsletter", "email", "email", "email_open"),
    ("Heat-pump search ads", "paid_search", "search", "ad_click"),
    ("Installer partner referrals", "partner", "partner", "visit"),
    ("Harrogate trade show", "trade_show", "events", "visit"),
    ("Branch open days", "branch_promotion", "branch", "branch_visit"),
]
REGIONS = ["Lancashire", "Cumbria", "North East"]
PLACES = ["Pennine", "Lakeland", "Tyne", "Ribble", "Wear"]
TRADES = ["Joinery", "Bakery", "Logistics", "Dental", "Garage", "Hotel"]
LOSS_REASONS = [
    "Chose a cheaper installer",
    "Roof survey failed: not enough south-facing space",
    "Budget moved to next year",
]
HELPS = {"partner": 0.25, "events": 0.2, "search": 0.1, "email": 0.05, "branch": 0.1, "direct": 0.0}


def _pipeline_place(planner: random.Random, today: date) -> tuple[str, date]:
    """An open deal's stage and close date: most close in the next four months, the
    later stages sooner, and a few have slipped past their date."""
    stage = planner.choice(
        ["qualification", "qualification", "proposal", "proposal", "negotiation"]
    )
    soonest, latest = {"qualification": (30, 120), "proposal": (10, 90), "negotiation": (-12, 45)}[
        stage
    ]
    return stage, today + timedelta(days=planner.randint(soonest, latest))


def sales_ready(users: dict[str, Any], campaign: Campaign) -> None:
    """The sales head says sales is ready, every box ticked, so the campaign may launch
    (``calendar.readiness``: events, mailings and branch promotions wait for it)."""
    from tandem.calendar import readiness

    if readiness.needs_readiness(campaign):
        readiness.mark(
            actor=users["sales head"],
            campaign=campaign,
            status="ready",
            note="Reps briefed at Monday's meeting",
            reps_briefed=True,
            collateral_signed_off=True,
            capacity_booked=True,
        )


def seed_closed_loop(users: dict[str, Any]) -> None:
    rng = random.Random(2026)
    planner = random.Random(2027)
    marketer, rep = users["marketer"], users["sales rep"]
    now = timezone.now()
    today = timezone.localdate()
    with acting_as(marketer, Source.SYSTEM):
        made: list[tuple[Campaign, str, str]] = []
        for name, kind, channel, touch_kind in CAMPAIGNS:
            campaign = campaigns.create_campaign(
                actor=marketer, name=name, type=kind, channel=channel, planned_budget="4000",
                starts_on=today - timedelta(days=200), ends_on=today + timedelta(days=30),
            )  # fmt: skip
            sales_ready(users, campaign)
            campaigns.set_status(actor=marketer, campaign=campaign, status="live")
            campaigns.add_cost(
                actor=marketer, campaign=campaign, incurred_on=today - timedelta(days=150),
                amount=str(rng.choice([900, 1500, 2200, 3000])), description="Media and materials",
            )  # fmt: skip
            made.append((campaign, channel, touch_kind))
    # Inserted in bulk (a handful of queries at any scale), owned by the sales rep.
    team_id = rep.home_team_id()
    accounts = Account.objects.bulk_create(
        [
            Account(
                owner=rep,
                team_id=team_id,
                region=rng.choice(REGIONS),
                name=f"{rng.choice(PLACES)} {rng.choice(TRADES)} {n + 1}",
                segment=rng.choice(["SME", "SME", "Enterprise"]),
            )
            for n in range(ACCOUNTS)
        ]
    )
    contacts = Contact.objects.bulk_create(
        [
            Contact(
                owner=rep,
                team_id=team_id,
                account=account,
                job_title="Facilities lead",
                first_name=rng.choice(["Alex", "Sam", "Jo", "Chris", "Pat", "Robin"]),
                last_name=f"Demo{n + 1}",
                email=f"facilities{n + 1}@closed-loop.example",
            )
            for n, account in enumerate(accounts)
        ]
    )
    touches: list[dict[str, Any]] = []
    deals: list[Opportunity] = []
    dates: list[tuple[Any, Any]] = []
    for n, (account, contact) in enumerate(zip(accounts, contacts, strict=True)):
        day = rng.randint(60, 180)
        chance = 0.15
        for step in range(rng.randint(2, 6)):
            source: Campaign | None
            if rng.random() < 0.15:
                source, channel, touch_kind = None, "direct", "visit"
            else:
                source, channel, touch_kind = rng.choice(made)
            chance += HELPS[channel]
            when = now - timedelta(days=day, hours=rng.randint(0, 20))
            touches.append(
                {
                    "idempotency_key": f"demo:closed-loop:{n}:{step}",
                    "kind": touch_kind,
                    "channel": channel,
                    "contact_id": contact.pk,
                    "campaign_id": source.pk if source else None,
                    "occurred_at": when.isoformat(),
                }
            )
            day = max(3, day - rng.randint(4, 25))
        if rng.random() < min(chance, 0.8):
            created = now - timedelta(days=max(1, day - 2))  # days after the last touch
            closed = created + timedelta(days=rng.randint(10, 40))
            won = rng.random() < 0.6 and closed < now
            # Open deals' stages and close dates come from a generator of their own, so
            # the journeys above (and attribution's figures) stay as they were.
            stage, close_date = _pipeline_place(planner, today)
            lost = not won and closed < now and planner.random() < 0.3
            if won or lost:
                stage, close_date = ("won" if won else "lost"), timezone.localtime(closed).date()
            deals.append(
                Opportunity(
                    owner=rep,
                    team_id=team_id,
                    account=account,
                    contact=contact,
                    name=f"{account.name}: heat pump",
                    amount=Decimal(rng.randrange(5_000, 60_000, 500)),
                    stage=stage,
                    closed_at=closed if won or lost else None,
                    close_date=close_date,
                    outcome_reason=planner.choice(LOSS_REASONS) if lost else "",
                )
            )
            dates.append((created, closed))
    for deal, (created, _) in zip(Opportunity.objects.bulk_create(deals), dates, strict=True):
        deal.created_at = created  # back-dated (bulk_create stamps now)
    Opportunity.objects.bulk_update(deals, ["created_at"])
    # Each record's creation history, as records made one by one have.
    for model, made_now in ((Account, accounts), (Contact, contacts), (Opportunity, deals)):
        write_creation_history(
            model,
            model.objects.filter(pk__in=[m.pk for m in made_now]),
            actor=rep,
            source=Source.SYSTEM,
        )
    with acting_as(marketer, Source.SYSTEM):
        capture.ingest_touchpoints(actor=marketer, rows=touches)
