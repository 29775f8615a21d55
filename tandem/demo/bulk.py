"""Fast bulk loading of generated demo customers, for the benchmark scales.

Rows go straight to the database (PostgreSQL's COPY, or batched executemany on SQLite)
rather than through model instances: building 10 million Python objects would take
longer than writing them.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Max

from tandem.core.audit import Source
from tandem.core.bulk import insert_rows, reserve_ids
from tandem.core.history_writes import write_creation_history

CUSTOMER_SCALES = {
    # accounts, contacts, opportunities, touchpoints, campaigns
    "small": (0, 0, 0, 0, 0),
    "medium": (1_000, 10_000, 1_000, 100_000, 20),
    "large": (100_000, 1_000_000, 100_000, 10_000_000, 200),
}

SECTORS = [
    "Healthcare",
    "Agriculture",
    "Food & drink",
    "Education",
    "Retail",
    "Logistics",
    "Hospitality",
    "Manufacturing",
    "Property",
    "Public sector",
]
SEGMENTS = ["SME", "Mid-market", "Enterprise", "Public sector"]
KINDS = ["ad_click", "visit", "form", "email_open", "email_click", "event", "call", "branch_visit"]
CHANNELS = [
    "email",
    "search",
    "social",
    "events",
    "direct_mail",
    "content",
    "partner",
    "branch",
    "web",
    "direct",
]


def load_customers(scale: str, *, owner_ids: list[int], seed: int) -> dict[str, int]:
    """Accounts, contacts, opportunities, campaigns and touchpoints for ``scale``."""
    from tandem.campaigns.capture import TOUCH_COLUMNS
    from tandem.campaigns.models import Campaign, Touchpoint
    from tandem.crm.models import Account, Contact, Opportunity
    from tandem.demo.names import FIRST, LAST, REGIONS, phone_number

    n_accounts, n_contacts, n_deals, n_touches, n_campaigns = CUSTOMER_SCALES[scale]
    if not n_accounts:
        return {}
    rng = random.Random(seed)
    now = datetime.now(UTC)
    # Campaigns through the ORM (few); the rest straight in.
    campaigns = Campaign.objects.bulk_create(
        [
            Campaign(
                name=f"{rng.choice(['Spring', 'Summer', 'Autumn', 'Winter'])} "
                f"{rng.choice(['solar', 'heat pump', 'battery', 'EV charger'])} "
                f"campaign {n}",
                type=rng.choice(
                    ["email", "paid_search", "paid_social", "webinar", "trade_show", "direct_mail"]
                ),
                channel=rng.choice(CHANNELS),
                status="live",
                starts_on=(now - timedelta(days=300)).date(),
                ends_on=now.date(),
                planned_budget=Decimal(rng.randrange(1_000, 50_000)),
                owner_id=owner_ids[0],
                form_key=f"bench{seed}x{n}",
            )
            for n in range(n_campaigns)
        ]
    )
    campaign_ids = [c.pk for c in campaigns]
    write_creation_history(
        Campaign, Campaign.objects.filter(pk__in=campaign_ids), actor=None, source=Source.SYSTEM
    )
    # Ids come from the table's own sequence, reserved up front: "the highest id + 1"
    # is wrong wherever a rolled-back insert has already used some (a test database).
    with transaction.atomic():
        account_ids = reserve_ids(Account, n_accounts)

    def accounts() -> Iterator[tuple[Any, ...]]:
        for n in range(n_accounts):
            yield (
                account_ids[n],
                f"Company {n} Ltd",
                f"company{n}.bench.example",
                rng.choice(SECTORS),
                rng.choice(SEGMENTS),
                rng.choice(REGIONS),
                rng.choice(owner_ids),
                now,
                now,
            )

    insert_rows(
        Account,
        [
            "id",
            "name",
            "domain",
            "industry",
            "segment",
            "region",
            "owner_id",
            "created_at",
            "updated_at",
        ],
        accounts(),
    )
    with transaction.atomic():
        contact_ids = reserve_ids(Contact, n_contacts)

    def contacts() -> Iterator[tuple[Any, ...]]:
        for n in range(n_contacts):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            phone, e164 = phone_number(rng) if rng.random() < 0.8 else ("", "")
            yield (
                contact_ids[n],
                first,
                last,
                f"{first}.{last}.{n}@bench.example".lower(),
                phone,
                e164,
                "",
                account_ids[n % n_accounts],
                rng.choice(owner_ids),
                "",
                now,
                now,
            )

    insert_rows(
        Contact,
        [
            "id",
            "first_name",
            "last_name",
            "email",
            "phone",
            "phone_e164",
            "job_title",
            "account_id",
            "owner_id",
            "consent_source",
            "created_at",
            "updated_at",
        ],
        contacts(),
    )

    deals_after = Opportunity.objects.aggregate(last=Max("id"))["last"] or 0

    def deals() -> Iterator[tuple[Any, ...]]:
        for n in range(n_deals):
            stage = rng.choice(["qualification", "proposal", "negotiation", "won", "lost"])
            yield (
                f"Deal {n}",
                account_ids[rng.randrange(n_accounts)],
                stage,
                Decimal(rng.randrange(2_000, 400_000)),
                "GBP",
                (now + timedelta(days=rng.randrange(-200, 200))).date(),
                "Lost on price" if stage == "lost" else "",
                rng.choice(owner_ids),
                now,
                now,
            )

    insert_rows(
        Opportunity,
        [
            "name",
            "account_id",
            "stage",
            "amount",
            "currency",
            "close_date",
            "outcome_reason",
            "owner_id",
            "created_at",
            "updated_at",
        ],
        deals(),
    )

    def touches() -> Iterator[tuple[Any, ...]]:
        for n in range(n_touches):  # in the order of TOUCH_COLUMNS, as the ingest writes
            yield (
                contact_ids[rng.randrange(n_contacts)],
                "",
                rng.choice(campaign_ids),
                rng.choice(CHANNELS),
                rng.choice(KINDS),
                now - timedelta(minutes=rng.randrange(0, 525_600)),
                None,
                f"bench:{seed}:{n}",
                "",
                "",
                "",
                "",
                "",
                now,
                None,
                "seed",
            )

    insert_rows(Touchpoint, TOUCH_COLUMNS, touches())
    # The generated records' creation history, copied inside the database.
    for model, first_id in (
        (Account, account_ids[0]),
        (Contact, contact_ids[0]),
        (Opportunity, deals_after + 1),
    ):
        made = model.objects.filter(pk__gte=first_id)
        write_creation_history(model, made, actor=None, source=Source.SYSTEM)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "accounts": n_accounts,
        "contacts": n_contacts,
        "opportunities": n_deals,
        "touchpoints": n_touches,
        "campaigns": n_campaigns,
    }
