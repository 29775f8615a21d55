"""The demo organisation: Brightwell Energy, a UK solar and heat-pump installer.

Deterministic: the same scale gives the same people, teams and names every time. The
core personas are created through the real services (so they have history and events);
the bulk of a medium or large organisation is bulk-inserted.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from tandem.campaigns import capture
from tandem.core.audit import Source, acting_as
from tandem.demo.closed_loop import seed_closed_loop
from tandem.notifications.services import post_comment
from tandem.people import services as people
from tandem.people.models import Membership, Team, User

DOMAIN = "brightwell.example"
SEED = 20261122

# (key, full name, job title, team, role, admin)
PERSONAS: list[tuple[str, str, str, str | None, str, bool]] = [
    ("executive", "Helen Ashworth", "Chief Executive", "Leadership", "head", False),
    ("marketing head", "Priya Raman", "Head of Marketing", "Marketing", "head", False),
    ("marketer", "Tom Fletcher", "Campaign Manager", "Marketing", "member", False),
    ("marketing ops", "Aisha Khan", "Marketing Operations", "Marketing", "member", False),
    ("sales head", "David Okafor", "Head of Sales", "Sales", "head", False),
    ("sales rep", "Sam Patel", "Account Executive", "Sales", "member", False),
    ("field rep", "Owen Hughes", "Field Sales Representative", "Sales", "member", False),
    ("branch manager", "Mark Evans", "Showroom Manager", "Leeds Showroom", "head", False),
    ("front line", "Grace Miller", "Showroom Advisor", "Leeds Showroom", "member", False),
    ("call centre", "Chloe Davies", "Call Centre Agent", "Call Centre", "member", False),
    ("call centre lead", "Ryan Walsh", "Call Centre Team Leader", "Call Centre", "head", False),
    ("admin", "Alex Morgan", "Systems Administrator", None, "member", True),
    ("outsider", "Jordan Blake", "Contractor (no team yet)", None, "member", False),
]

TEAMS = [
    (
        "Leadership",
        Team.Function.LEADERSHIP,
        "The executive team: one plan, one budget, one scorecard.",
    ),
    ("Marketing", Team.Function.MARKETING, "Campaigns, content, events and marketing operations."),
    ("Sales", Team.Function.SALES, "Account executives and field sales across the UK."),
    ("Leeds Showroom", Team.Function.FRONT_LINE, "Walk-in customers at the Leeds showroom."),
    ("Call Centre", Team.Function.FRONT_LINE, "Inbound calls and callbacks, Bradford."),
]

REGIONS = [
    "North West",
    "North East",
    "Yorkshire",
    "Midlands",
    "London",
    "South West",
    "Scotland",
    "Wales",
]
FIRST = [
    "Oliver",
    "Amelia",
    "George",
    "Isla",
    "Harry",
    "Ava",
    "Noah",
    "Mia",
    "Jack",
    "Ivy",
    "Leo",
    "Freya",
    "Arthur",
    "Lily",
    "Muhammad",
    "Florence",
    "Oscar",
    "Rosie",
    "Charlie",
    "Evie",
    "Thomas",
    "Poppy",
    "Jacob",
    "Sophia",
    "Alfie",
    "Grace",
    "Henry",
    "Willow",
]
LAST = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Ahmed",
    "Singh",
    "Murphy",
    "Campbell",
]

# Generated people per regional team (8 regions x 3 teams), by scale.
SCALES = {"small": 0, "medium": 6, "large": 160}


@dataclass
class SeedReport:
    users: int
    teams: int
    password: str


def demo_password() -> str:
    """One password for every demo login, generated once into var/ (never in the repo)."""
    path = Path(settings.VAR_DIR) / "demo-password"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(12))
    return path.read_text().strip()


def persona_email(full_name: str) -> str:
    return full_name.lower().replace(" ", ".") + "@" + DOMAIN


def persona_logins() -> list[tuple[str, str]]:
    return [(key, persona_email(name)) for key, name, *_ in PERSONAS]


def is_empty() -> bool:
    return not User.objects.exists()


def seed(scale: str = "small") -> SeedReport:
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {', '.join(SCALES)}")
    password = demo_password()
    with transaction.atomic(), acting_as(None, Source.SYSTEM):
        teams = {
            name: people.create_team(actor=None, name=name, function=fn, description=desc)
            for name, fn, desc in TEAMS
        }
        users: dict[str, User] = {}
        for key, name, title, team, role, admin in PERSONAS:
            users[key] = people.create_user(
                actor=None,
                email=persona_email(name),
                full_name=name,
                job_title=title,
                is_admin=admin,
                password=password,
                send_invite=False,
            )
            if team:
                people.add_member(actor=None, team=teams[team], user=users[key], role=role)
        if not SCALES[scale]:  # larger scales load generated customers instead (below)
            seed_closed_loop(users)
        _conversation(users, teams)
        agree_contract(users, teams)
        _customers(users)
        if SCALES[scale]:
            _bulk_people(SCALES[scale], password)
    if scale != "small":
        from tandem.demo.bulk import load_customers

        owners = list(
            User.objects.filter(memberships__team__function__in=["sales", "marketing"]).values_list(
                "id", flat=True
            )
        )
        load_customers(scale, owner_ids=owners, seed=SEED)
    return SeedReport(users=User.objects.count(), teams=Team.objects.count(), password=password)


def _conversation(users: dict[str, User], teams: dict[str, Team]) -> None:
    """A few comments so the demo starts with a conversation between the teams."""
    lines = [
        (
            "marketing head",
            "Sales",
            "@david.okafor can we agree the MQL definition before the spring heat-pump campaign? "
            "I'd like both our names on it.",
        ),
        (
            "sales head",
            "Marketing",
            "Happy to. @priya.raman my reps say webinar leads go cold in two days; can we hand "
            "them over same-day?",
        ),
        (
            "front line",
            "Marketing",
            "Customers in Leeds keep asking for a one-page battery storage leaflet. @tom.fletcher "
            "is one planned?",
        ),
    ]
    for author, team, body in lines:
        with acting_as(users[author], Source.SYSTEM):
            post_comment(actor=users[author], record=teams[team], body=body)


def agree_contract(users: dict[str, User], teams: dict[str, Team]) -> None:
    """The SLA and scoring rules both heads agreed, the sales team's hours and holidays,
    and a routing rule: Yorkshire leads go to Sam, the rest round the whole team."""
    from tandem.handoff import contracts
    from tandem.handoff.models import BusinessHours, Holiday, RoutingRule, add_default_reasons

    marketing, sales = users["marketing head"], users["sales head"]
    add_default_reasons()  # a flushed test database may have lost the migration's
    with acting_as(marketing, Source.SYSTEM):
        policy = contracts.propose_sla_policy(
            actor=marketing,
            mqls_per_month=120,
            min_acceptance_rate="70",
            tiers=[
                {
                    "tier": "high",
                    "min_score": 80,
                    "accept_within_hours": 1,
                    "follow_up_within_hours": 4,
                },
                {
                    "tier": "medium",
                    "min_score": 60,
                    "accept_within_hours": 4,
                    "follow_up_within_hours": 8,
                },
                {
                    "tier": "low",
                    "min_score": 0,
                    "accept_within_hours": 8,
                    "follow_up_within_hours": 16,
                },
            ],
            note="Same-day hand-over for webinar leads, as agreed in October.",
        )
        model = contracts.propose_scoring_model(
            actor=marketing,
            threshold=50,
            half_life_days=30,
            rules=[
                {
                    "kind": "fit",
                    "field": "job_title",
                    "operator": "contains",
                    "value": "director",
                    "points": 20,
                },
                {
                    "kind": "fit",
                    "field": "job_title",
                    "operator": "contains",
                    "value": "owner",
                    "points": 15,
                },
                {
                    "kind": "fit",
                    "field": "job_title",
                    "operator": "contains",
                    "value": "manager",
                    "points": 10,
                },
                {
                    "kind": "fit",
                    "field": "account.region",
                    "operator": "equals",
                    "value": "Yorkshire",
                    "points": 5,
                },
                {"kind": "engagement", "field": "form", "points": 30},
                {"kind": "engagement", "field": "event", "points": 25},
                {"kind": "engagement", "field": "email_click", "points": 5},
                {"kind": "engagement", "field": "ad_click", "points": 3},
                {"kind": "engagement", "field": "visit", "points": 2},
            ],
            note="Directors and owners of Yorkshire SMEs who came to an event.",
        )
    with acting_as(sales, Source.SYSTEM):
        contracts.approve(actor=sales, proposal=policy)
        contracts.approve(actor=sales, proposal=model)
    BusinessHours.objects.create(team=teams["Sales"], time_zone="Europe/London")
    Holiday.objects.bulk_create(
        [
            Holiday(team=teams["Sales"], day=date(2026, 12, 25), name="Christmas Day"),
            Holiday(team=teams["Sales"], day=date(2026, 12, 28), name="Boxing Day (substitute)"),
            Holiday(team=teams["Sales"], day=date(2027, 1, 1), name="New Year's Day"),
        ]
    )
    rule = RoutingRule.objects.create(name="Yorkshire", region="Yorkshire", team=teams["Sales"])
    rule.reps.add(users["sales rep"], users["field rep"])


def plan_regional_teams() -> list[tuple[str, str, str]]:
    """(name, function, description) of each regional team, in a fixed order."""
    teams: list[tuple[str, str, str]] = []
    for region in REGIONS:
        teams += [
            (f"Sales {region}", Team.Function.SALES, f"Field and inside sales, {region}."),
            (f"{region} Branches", Team.Function.FRONT_LINE, f"Showroom staff in {region}."),
            (f"Marketing {region}", Team.Function.MARKETING, f"Regional marketing, {region}."),
        ]
    return teams


def plan_people(seed: int, per_team: int) -> list[dict[str, str]]:
    """The generated people: same seed and size, same people (names, e-mails, teams)."""
    rng = random.Random(seed)
    people = []
    serial = 0
    for team_name, function, _ in plan_regional_teams():
        for n in range(per_team):
            serial += 1
            first, last = rng.choice(FIRST), rng.choice(LAST)
            people.append(
                {
                    "email": f"{first}.{last}.{serial}@{DOMAIN}".lower(),
                    "full_name": f"{first} {last}",
                    "handle": f"{first}.{last}.{serial}".lower(),
                    "job_title": _title(function, n == 0),
                    "team": team_name,
                    "role": "head" if n == 0 else "member",
                }
            )
    return people


# (company, domain, industry, segment, contacts [(first, last, title)], deal (name, amount))
CUSTOMERS = [
    (
        "Harrogate Dental Group",
        "harrogatedental.example",
        "Healthcare",
        "SME",
        [("Ruth", "Bailey", "Practice Manager"), ("Imran", "Hussain", "Finance Director")],
        ("Solar for three surgeries", "48500"),
    ),
    (
        "Pennine Farms Ltd",
        "penninefarms.example",
        "Agriculture",
        "SME",
        [("Gareth", "Lloyd", "Owner")],
        ("Barn roof array and battery", "36200"),
    ),
    (
        "Kirkstall Brewery Co",
        "kirkstallbrew.example",
        "Food & drink",
        "Mid-market",
        [("Sophie", "Turner", "Operations Director"), ("Dan", "Whitaker", "Site Engineer")],
        ("Heat pumps for the brewhouse", "122000"),
    ),
    (
        "Calder Valley Schools Trust",
        "caldervalleyschools.example",
        "Education",
        "Public sector",
        [("Margaret", "Holt", "Estates Lead")],
        ("Five-school solar programme", "310000"),
    ),
]


def _customers(users: dict[str, User]) -> None:
    """A few Yorkshire customers, touched by sales and marketing alike."""
    from tandem.campaigns import services as campaigns
    from tandem.crm import services as crm

    rep, marketer = users["sales rep"], users["marketer"]
    with acting_as(marketer, Source.SYSTEM):
        webinar = campaigns.create_campaign(
            actor=marketer,
            name="Spring heat-pump webinar",
            type="webinar",
            channel="events",
            starts_on=date(2026, 3, 2),
            ends_on=date(2026, 4, 24),
            planned_budget="6500",
            expected_leads_per_week=25,
            audience="SMEs in Yorkshire with gas heating",
            goal="120 qualified leads for the spring install season",
        )
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
    for index, (company, domain, industry, segment, people_, (deal, amount)) in enumerate(
        CUSTOMERS
    ):
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
                    account=account,
                )
                for first, last, title in people_
            ]
            crm.create_opportunity(actor=rep, name=deal, account=account, amount=amount)
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
    with acting_as(marketer, Source.SYSTEM):
        capture.ingest_touchpoints(actor=marketer, rows=touches)
    # Score everyone now (the worker would, moments after the commit): the contacts who
    # came to the webinar and are directors cross the threshold and reach a rep's queue.
    from tandem.handoff import scoring_runs

    rules = scoring_runs.scoring_in_force()
    if rules is not None:
        scoring_runs.rescore_all(rules)


def _bulk_people(per_team: int, password: str) -> None:
    """Regional sales, showroom and marketing teams filled with bulk inserts."""
    hashed = make_password(password)  # hash once; Argon2 per row would take hours at scale
    Team.objects.bulk_create(
        [Team(name=n, function=f, description=d) for n, f, d in plan_regional_teams()],
        batch_size=500,
    )
    team_ids = dict(Team.objects.values_list("name", "id"))
    planned = plan_people(SEED, per_team)
    User.objects.bulk_create(
        [
            User(
                email=p["email"],
                full_name=p["full_name"],
                handle=p["handle"],
                job_title=p["job_title"],
                password=hashed,
            )
            for p in planned
        ],
        batch_size=2000,
    )
    user_ids = dict(User.objects.filter(email__endswith=DOMAIN).values_list("email", "id"))
    Membership.objects.bulk_create(
        [
            Membership(user_id=user_ids[p["email"]], team_id=team_ids[p["team"]], role=p["role"])
            for p in planned
        ],
        batch_size=2000,
    )


def _title(function: str, head: bool) -> str:
    titles: dict[str, tuple[str, str]] = {
        "sales": ("Regional Sales Manager", "Account Executive"),
        "front_line": ("Branch Manager", "Showroom Advisor"),
        "marketing": ("Regional Marketing Lead", "Marketing Executive"),
    }
    return titles[function][0 if head else 1]


def describe(report: Any) -> str:
    return f"{report.users} people in {report.teams} teams"
