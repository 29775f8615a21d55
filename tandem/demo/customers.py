"""A few Yorkshire customers of the demo, touched by sales and marketing alike: their
accounts, contacts, deals and activities, a webinar campaign and its touches."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from tandem.campaigns import capture
from tandem.core import exchange_rates
from tandem.core.audit import Source, acting_as
from tandem.demo.closed_loop import sales_ready
from tandem.people.models import User

# (company, domain, industry, segment, contacts [(first, last, title, phone as written)],
#  deal (name, amount, stage, days until its close date)); phones from Ofcom's drama
#  ranges (07700 900, 0113 496 0, 01632 960).
CUSTOMERS = [
    (
        "Harrogate Dental Group",
        "harrogatedental.example",
        "Healthcare",
        "SME",
        [
            ("Ruth", "Bailey", "Practice Manager", "07700 900123"),
            ("Imran", "Hussain", "Finance Director", "+44 (0)1632 960510"),
        ],
        ("Solar for three surgeries", "48500", "proposal", 24, "GBP"),
    ),
    (
        "Pennine Farms Ltd",
        "penninefarms.example",
        "Agriculture",
        "SME",
        [("Gareth", "Lloyd", "Owner", "+44 7700 900 418")],
        ("Barn roof array and battery", "36200", "qualification", 68, "GBP"),
    ),
    (
        "Kirkstall Brewery Co",
        "kirkstallbrew.example",
        "Food & drink",
        "Mid-market",
        [
            ("Sophie", "Turner", "Operations Director", "0113 496 0284"),
            ("Dan", "Whitaker", "Site Engineer", "(0)7700-900861"),
        ],
        ("Heat pumps for the brewhouse", "122000", "negotiation", 12, "GBP"),
    ),
    (
        "Calder Valley Schools Trust",
        "caldervalleyschools.example",
        "Education",
        "Public sector",
        [("Margaret", "Holt", "Estates Lead", "01632 960977")],
        ("Five-school solar programme", "310000", "proposal", 115, "GBP"),
    ),
    (
        # A Dutch grower's Yorkshire glasshouses: the group buys in euros, so the board's
        # and the homes' totals convert this deal at the demo's exchange rates.
        "Van der Berg Glasshouses UK",
        "vdbglasshouses.example",
        "Agriculture",
        "Mid-market",
        [("Annelies", "Visser", "Group Energy Manager", "+31 20 794 0512")],
        ("Glasshouse heat pumps and storage", "96500", "negotiation", 40, "EUR"),
    ),
]

# What the demo's administrator entered on the exchange-rates page: (currency, days
# before today, 1 unit in GBP, where from). The latest applies today.
RATES = [
    ("EUR", 35, "0.8612", "ECB reference rate"),
    ("EUR", 4, "0.8571", "ECB reference rate"),
    ("USD", 4, "0.7874", "ECB reference rate"),
]

# Deals the customers above closed this month, won and lost (account, name, amount,
# stage, why), so the board's closed columns and the forecast's "won" have figures.
CLOSED_THIS_MONTH = [
    (
        "Kirkstall Brewery Co",
        "Solar canopy for the car park",
        "28400",
        "won",
        "Pays back in six years alongside the heat pumps",
    ),
    (
        "Pennine Farms Ltd",
        "Farmhouse heat pump",
        "14800",
        "lost",
        "Chose a cheaper oil boiler replacement",
    ),
]


def add_customers(users: dict[str, User]) -> None:
    """A few Yorkshire customers, touched by sales and marketing alike."""
    from tandem.campaigns import services as campaigns
    from tandem.crm import services as crm

    rep, marketer = users["sales rep"], users["marketer"]
    today = timezone.localdate()
    with acting_as(marketer, Source.SYSTEM):
        webinar = campaigns.create_campaign(
            actor=marketer,
            name="Spring heat-pump webinar",
            type="webinar",
            channel="events",
            # Live whenever the demo is loaded: a status that follows its dates.
            starts_on=min(date(2026, 3, 2), timezone.localdate() - timedelta(days=30)),
            ends_on=timezone.localdate() + timedelta(days=45),
            planned_budget="6500",
            expected_leads_per_week=25,
            audience="SMEs in Yorkshire with gas heating",
            goal="120 qualified leads for the spring install season",
        )
        sales_ready(users, webinar)
        campaigns.set_status(actor=marketer, campaign=webinar, status="live")
        campaigns.add_cost(
            actor=marketer,
            campaign=webinar,
            incurred_on=date(2026, 3, 2),
            amount="1800",
            description="Webinar platform and speaker",
        )
        campaigns.add_cost(
            actor=marketer,
            campaign=webinar,
            incurred_on=date(2026, 3, 9),
            amount="2400",
            description="LinkedIn promotion",
        )
    touches: list[dict[str, object]] = []
    accounts = {}
    with acting_as(users["admin"], Source.SYSTEM):
        for currency, days_ago, rate, note in RATES:
            exchange_rates.set_rate(
                actor=users["admin"],
                currency=currency,
                valid_from=today - timedelta(days=days_ago),
                rate=rate,
                note=note,
            )
    for index, (company, domain, industry, segment, people_, deal) in enumerate(CUSTOMERS):
        name, amount, stage, days, currency = deal
        with acting_as(rep, Source.SYSTEM):
            account = crm.create_account(
                actor=rep,
                name=company,
                domain=domain,
                industry=industry,
                segment=segment,
                region="Yorkshire",
            )
            contacts = [
                crm.create_contact(
                    actor=rep,
                    first_name=first,
                    last_name=last,
                    job_title=title,
                    email=f"{first}.{last}@{domain}".lower(),
                    phone=phone,
                    account=account,
                )
                for first, last, title, phone in people_
            ]
            opportunity = crm.create_opportunity(
                actor=rep,
                name=name,
                account=account,
                contact=contacts[0],
                amount=amount,
                currency=currency,
                close_date=today + timedelta(days=days),
            )
            if stage != "qualification":  # where a new deal starts
                crm.move_opportunity(actor=rep, opportunity=opportunity, stage=stage)
            accounts[company] = account
            crm.log_activity(
                actor=rep,
                kind="call",
                contact=contacts[0],
                subject=f"Discovery call with {contacts[0].first_name}",
                body="Interested in cutting energy bills; wants a site survey.",
            )
        with acting_as(marketer, Source.SYSTEM):
            crm.log_activity(
                actor=marketer,
                kind="note",
                contact=contacts[0],
                subject="Downloaded the commercial solar guide",
                body="Came in through the spring heat-pump campaign.",
            )
        for n, kind in enumerate(("ad_click", "visit", "event")):
            touches.append(
                {
                    "idempotency_key": f"demo:{domain}:{kind}",
                    "kind": kind,
                    "contact_id": contacts[0].pk,
                    "campaign_id": webinar.pk,
                    "occurred_at": (timezone.now() - timedelta(days=20 - 5 * n)).isoformat(),
                    "utm_source": "linkedin",
                    "utm_medium": "paid_social",
                    "utm_campaign": "spring-heat-pumps",
                }
            )
        if index in (1, 2):  # asked for a quote on the web: these two are hot leads
            touches.append(
                {
                    "idempotency_key": f"demo:{domain}:form",
                    "kind": "form",
                    "contact_id": contacts[0].pk,
                    "campaign_id": webinar.pk,
                    "occurred_at": (timezone.now() - timedelta(hours=3)).isoformat(),
                    "utm_source": "linkedin",
                    "utm_medium": "paid_social",
                    "utm_campaign": "spring-heat-pumps",
                }
            )
    with acting_as(rep, Source.SYSTEM):
        for company, name, amount, stage, why in CLOSED_THIS_MONTH:
            closed = crm.create_opportunity(
                actor=rep, name=name, account=accounts[company], amount=amount
            )
            crm.move_opportunity(actor=rep, opportunity=closed, stage=stage, reason=why)
    with acting_as(marketer, Source.SYSTEM):
        capture.ingest_touchpoints(actor=marketer, rows=touches)
    # Score everyone now (the worker would, moments after the commit): the contacts who
    # came to the webinar and are directors cross the threshold and reach a rep's queue.
    from tandem.handoff import scoring_runs

    rules = scoring_runs.scoring_in_force()
    if rules is not None:
        scoring_runs.rescore_all(rules)
