"""The generated staff of a medium or large demo: a sales, a showroom and a marketing
team per region, filled with bulk inserts (same seed and size, same people)."""

from __future__ import annotations

import random

from django.contrib.auth.hashers import make_password

from tandem.demo.names import DOMAIN, FIRST, LAST, REGIONS, SEED
from tandem.people.models import Membership, Team, User


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


def bulk_people(per_team: int, password: str) -> None:
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
