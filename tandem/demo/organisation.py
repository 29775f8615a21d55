"""The demo organisation: Brightwell Energy, a UK solar and heat-pump installer.

Deterministic: the same scale gives the same people, teams and names every time. The
core personas are created through the real services (so they have history and events);
the bulk of a medium or large organisation is bulk-inserted (``staff``). The hand-off
contract both heads agreed is in ``contract``, the first customers in ``customers``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from tandem.core.audit import Source, acting_as
from tandem.demo.budget import seed_budget
from tandem.demo.closed_loop import seed_closed_loop
from tandem.demo.collateral import seed_collateral
from tandem.demo.contract import agree_contract
from tandem.demo.customers import add_customers
from tandem.demo.history import seed_history, seed_referrals
from tandem.demo.names import DOMAIN, SEED
from tandem.demo.planning import seed_funnel_history, seed_plan
from tandem.demo.programme import seed_kill_criteria, seed_programme
from tandem.demo.staff import bulk_people
from tandem.notifications.services import post_comment
from tandem.people import services as people
from tandem.people.models import Team, User

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
            name: people.create_team(
                actor=None,
                name=name,
                function=fn,
                description=desc,
                desk=Team.Desk.CALL_CENTRE if name == "Call Centre" else "",
            )
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
        add_customers(users)  # ends by scoring everyone, which makes their leads
        if not SCALES[scale]:
            seed_history(users)
            seed_programme(users)
            seed_kill_criteria(users)
            seed_collateral(users)
            seed_funnel_history(users)
        period = seed_plan(users)
        if not SCALES[scale]:
            seed_budget(users, period)
            # Last, so this week's referrals are the newest lines of the audit log.
            seed_referrals(users)
        if SCALES[scale]:
            bulk_people(SCALES[scale], password)
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


def describe(report: Any) -> str:
    return f"{report.users} people in {report.teams} teams"
