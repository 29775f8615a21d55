"""What the demo's generated names are drawn from: its e-mail domain, its random seed,
the regions of the UK it sells in, first and last names, and phone numbers."""

from __future__ import annotations

import random

DOMAIN = "brightwell.example"


SEED = 20261122


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


# UK numbers as people write them: mobiles (07xxx) and landlines of a few cities, each
# spelt one of these ways. Ofcom keeps 07700 900000-900999 and 0113 496 0000-0999 for
# drama; the demo's named customers use those.
PHONE_SPELLINGS = (
    "0{a} {b}",
    "+44 {a} {b}",
    "(0){a}-{b}",
    "0{a}{b}",
    "+44 (0){a} {b}",
)


def phone_number(rng: random.Random) -> tuple[str, str]:
    """(as written, E.164) of a random UK mobile or landline."""
    kind = rng.random()
    if kind < 0.6:
        a, b = f"7{rng.randrange(400, 1000)}", f"{rng.randrange(1_000_000):06d}"
    elif kind < 0.8:
        a, b = f"1{rng.choice(['13', '14', '15', '16', '17', '18'])}", f"{rng.randrange(10**7):07d}"
        b = f"{b[:3]} {b[3:]}"
    else:
        a, b = f"20 {rng.randrange(3, 9)}{rng.randrange(1000):03d}", f"{rng.randrange(10**4):04d}"
    written = rng.choice(PHONE_SPELLINGS).format(a=a, b=b)
    return written, "+44" + (a + b).replace(" ", "")
