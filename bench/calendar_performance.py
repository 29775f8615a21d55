"""Campaign performance for every campaign (issue 15's "cutting what fails"): the server
time of the performance page and of the figures behind it, with thousands of campaigns
each with touches, leads through the funnel, deals and costs; measured in-process with
Django's test client (no network), as a marketer sees it.

Writes its data (a team and a marketer, campaigns, contacts, touches, leads with their
lifecycle events, opportunities, costs) inside a transaction that is rolled back at the
end, so it runs against any migrated database, empty or seeded. The floor is the same
aggregates as plain GROUP BY reads (touches and people per campaign, leads per stage,
distinct deals per campaign and currency, spend), fetched and nothing else: the least
any page showing those figures for every campaign must do.
"""

import argparse
import random
import time
from datetime import timedelta
from decimal import Decimal

from common import database, setup, summary, timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--campaigns", type=int, default=5000)
    parser.add_argument("--touches", type=int, default=100, help="touches per campaign")
    parser.add_argument("--people", type=int, default=50_000, help="contacts (each a lead)")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--each", action="store_true", help="time each floor read alone")
    args = parser.parse_args()
    setup()
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    from tandem.calendar import performance
    from tandem.campaigns.models import Campaign, CampaignCost, Touchpoint
    from tandem.crm.models import Account, Contact, Opportunity
    from tandem.handoff.models import Lead, LifecycleEvent, Stage
    from tandem.people.models import Membership, Team, User

    rng = random.Random(15)

    with transaction.atomic():
        began = time.perf_counter()
        now = timezone.now()
        today = timezone.localdate()
        team = Team.objects.create(name="Bench marketing", function=Team.Function.MARKETING)
        marketer = User.objects.create(
            email="bench-kill@bench.example", full_name="Bench Marketer", handle="benchkill"
        )
        Membership.objects.create(user=marketer, team=team, role=Membership.Role.MEMBER)
        types = Campaign.Type.values
        statuses = ["live"] * 6 + ["finished"] * 2 + ["planned", "cut"]
        campaigns = Campaign.objects.bulk_create(
            Campaign(
                name=f"Bench campaign {n}",
                type=types[n % len(types)],
                channel="search",
                status=statuses[n % len(statuses)],
                starts_on=today - timedelta(days=rng.randint(1, 300)),
                ends_on=today + timedelta(days=rng.randint(0, 60)),
                planned_budget=Decimal(rng.randint(1000, 50_000)),
                currency="GBP" if n % 10 else "EUR",
                expected_leads_per_week=rng.randint(0, 40),
                owner=marketer,
                team=team,
            )
            for n in range(args.campaigns)
        )
        ids = [c.pk for c in campaigns]
        accounts = Account.objects.bulk_create(
            Account(name=f"Bench account {n}", owner=marketer, team=team)
            for n in range(args.people // 10)
        )
        contacts = Contact.objects.bulk_create(
            (
                Contact(
                    first_name="Bench",
                    last_name=str(n),
                    account=accounts[n % len(accounts)],
                    owner=marketer,
                    team=team,
                )
                for n in range(args.people)
            ),
            batch_size=5000,
        )
        touches = (
            Touchpoint(
                contact=contacts[rng.randrange(len(contacts))],
                campaign_id=ids[n % len(ids)],
                channel="search",
                kind="ad_click",
                occurred_at=now - timedelta(hours=rng.randint(1, 5000)),
                idempotency_key=f"bench-kill-{n}",
            )
            for n in range(args.campaigns * args.touches)
        )
        Touchpoint.objects.bulk_create(touches, batch_size=5000)
        opportunities = Opportunity.objects.bulk_create(
            (
                Opportunity(
                    name=f"Bench deal {n}",
                    account=accounts[n % len(accounts)],
                    amount=Decimal(rng.randint(500, 80_000)),
                    currency="GBP" if n % 7 else "EUR",
                    stage="won" if n % 3 == 0 else "proposal",
                    owner=marketer,
                    team=team,
                )
                for n in range(args.people // 8)
            ),
            batch_size=5000,
        )
        stages = [Stage.MQL, Stage.ACCEPTED, Stage.SQL]
        leads, events = [], []
        for n, contact in enumerate(contacts):
            reached = n % 4  # none, MQL, accepted, SQL: half the people were handed over
            source = ids[rng.randrange(len(ids))]
            converted = opportunities[n % len(opportunities)] if reached == 3 else None
            leads.append(
                Lead(
                    contact=contact,
                    stage=stages[reached - 1] if reached else Stage.LEAD,
                    stage_changed_at=now,
                    source_campaign_id=source,
                    opportunity=converted,
                )
            )
            for stage in stages[:reached]:
                events.append((contact.pk, stage, source))
        Lead.objects.bulk_create(leads, batch_size=5000)
        LifecycleEvent.objects.bulk_create(
            (
                LifecycleEvent(lead_id=lead, to_stage=stage, campaign_id=source, at=now)
                for lead, stage, source in events
            ),
            batch_size=5000,
        )
        CampaignCost.objects.bulk_create(
            (
                CampaignCost(
                    campaign_id=pk,
                    incurred_on=today,
                    amount=Decimal(rng.randint(10, 20_000)),
                    description="Bench",
                )
                for pk in ids
                for _ in range(2)
            ),
            batch_size=5000,
        )
        if connection.vendor == "postgresql":  # as autovacuum would have, for the planner
            with connection.cursor() as cursor:
                cursor.execute(
                    "ANALYZE campaigns_campaign, campaigns_touchpoint, campaigns_campaigncost, "
                    "handoff_lead, handoff_lifecycleevent, crm_opportunity"
                )
        print(
            f"database={database()} campaigns={args.campaigns:,} "
            f"touches={Touchpoint.objects.count():,} leads={len(leads):,} "
            f"lifecycle events={len(events):,} opportunities={len(opportunities):,} "
            f"(written in {time.perf_counter() - began:.0f} s, rolled back at the end)"
        )

        floor_sql = [
            "SELECT campaign_id, COUNT(*), COUNT(DISTINCT contact_id) FROM campaigns_touchpoint "
            "WHERE campaign_id IS NOT NULL GROUP BY campaign_id",
            "SELECT campaign_id, to_stage, COUNT(DISTINCT lead_id) FROM handoff_lifecycleevent "
            "WHERE campaign_id IS NOT NULL AND to_stage IN ('mql', 'accepted', 'sql') "
            "GROUP BY campaign_id, to_stage",
            "SELECT p.campaign_id, o.currency, COUNT(*), SUM(o.amount) FROM (SELECT DISTINCT "
            "e.campaign_id, l.opportunity_id FROM handoff_lifecycleevent e JOIN handoff_lead l "
            "ON l.contact_id = e.lead_id WHERE e.to_stage = 'sql' AND e.campaign_id IS NOT NULL "
            "AND l.opportunity_id IS NOT NULL) p JOIN crm_opportunity o ON o.id = "
            "p.opportunity_id GROUP BY p.campaign_id, o.currency",
            "SELECT campaign_id, SUM(amount) FROM campaigns_campaigncost GROUP BY campaign_id",
            "SELECT id, name, status, currency, planned_budget FROM campaigns_campaign",
        ]

        def floor() -> None:
            with connection.cursor() as cursor:
                for sql in floor_sql:
                    cursor.execute(sql)
                    cursor.fetchall()

        if args.each:
            for sql in floor_sql:

                def one(sql: str = sql) -> None:
                    with connection.cursor() as cursor:
                        cursor.execute(sql)
                        cursor.fetchall()

                print(summary(f"  {sql[:60]}", timed(one, max(3, args.runs // 4))))
        reader = User.objects.get(pk=marketer.pk)
        rows = performance.read(reader, {}).rows
        assert len(rows) >= args.campaigns, len(rows)
        print(summary("floor: the aggregates as plain GROUP BY reads", timed(floor, args.runs)))
        print(summary(
            f"figures of all {len(rows):,} campaigns, sorted (performance.read)",
            timed(lambda: performance.read(reader, {"sort": "-roi"}), args.runs),
        ))  # fmt: skip
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(marketer)

        def page() -> None:
            assert client.get("/calendar/performance/?sort=-cost_per_sql").status_code == 200

        def filtered() -> None:
            assert client.get("/calendar/performance/?status=live&sort=mqls").status_code == 200

        print(summary("performance page, all campaigns (50 a page)", timed(page, args.runs)))
        print(summary("performance page, live campaigns only", timed(filtered, args.runs)))
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
