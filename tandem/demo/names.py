"""What the demo's generated names are drawn from: its e-mail domain, its random seed,
the regions of the UK it sells in, and first and last names."""

from __future__ import annotations

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
