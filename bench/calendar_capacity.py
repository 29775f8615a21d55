"""Issue 15: the server time of the 13-week capacity page (``/calendar/capacity/``, every
region and one) and of its API, at a large scale, against a floor: the same grouped reads
done plainly (rows fetched, nothing worked out or drawn).

Writes its organisation (regional sales teams and routing rules, reps with holidays and
absences, accounts, campaigns over five years with members, finished ones with their MQLs,
open leads) inside a transaction rolled back at the end, so it runs against any migrated
database, empty or seeded. Measured in-process with Django's test client (no network).
"""

import argparse
import random
import time
from datetime import UTC, datetime, timedelta

from common import database, setup, summary, timed

REGIONS = ["North", "South", "East", "West", "Wales", "Scotland", "Midlands", "London"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--campaigns", type=int, default=20_000)
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--open-leads", type=int, default=100_000)
    parser.add_argument("--closed-leads", type=int, default=50_000, help="with MQL events")
    parser.add_argument("--members", type=int, default=10, help="per campaign")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--queries", action="store_true", help="print the forecast's queries")
    args = parser.parse_args()
    setup()
    from django.db import connection, transaction
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    from tandem.calendar import capacity
    from tandem.campaigns.models import Campaign, CampaignMember
    from tandem.crm.models import Account, Contact
    from tandem.handoff.models import (
        OPEN_STAGES,
        BusinessHours,
        Holiday,
        Lead,
        LifecycleEvent,
        RoutingRule,
        Stage,
    )
    from tandem.people.models import Membership, Team, User

    rng = random.Random(15)
    today = timezone.localdate()
    now = timezone.now()

    with transaction.atomic():
        began = time.perf_counter()
        tag = f"cap{rng.randrange(10**6)}"
        teams = Team.objects.bulk_create(
            Team(name=f"Sales {r} {tag}", function=Team.Function.SALES) for r in REGIONS
        )
        marketing = Team.objects.create(name=f"Marketing {tag}", function="marketing")
        reps = User.objects.bulk_create(
            User(
                email=f"rep{n}.{tag}@example.test",
                full_name=f"Rep {n}",
                handle=f"rep{n}-{tag}",
                lead_capacity=rng.choice([20, 30, 40, 50]),
                away_until=today + timedelta(days=rng.randrange(1, 30)) if n % 10 == 0 else None,
            )
            for n in range(args.reps)
        )
        viewer = User.objects.create(
            email=f"viewer.{tag}@example.test", full_name="Viewer", handle=f"viewer-{tag}"
        )
        Membership.objects.create(user=viewer, team=marketing, role="head")
        Membership.objects.bulk_create(
            Membership(user=u, team=teams[n % len(teams)]) for n, u in enumerate(reps)
        )
        BusinessHours.objects.bulk_create(BusinessHours(team=t) for t in teams)
        Holiday.objects.bulk_create(
            Holiday(team=t, day=today + timedelta(days=d), name="Bank holiday")
            for t in teams
            for d in (10, 40, 80)
        )
        for n, (team, region) in enumerate(zip(teams, REGIONS, strict=True)):
            RoutingRule.objects.create(name=region, region=region, team=team, position=n)
        accounts = Account.objects.bulk_create(
            (Account(name=f"Account {n}", region=rng.choice(REGIONS)) for n in range(10_000)),
            batch_size=2000,
        )
        leads_total = args.open_leads + args.closed_leads
        contacts = Contact.objects.bulk_create(
            (
                Contact(
                    first_name="Lee",
                    last_name=f"Bench {n}",
                    email=f"lead{n}.{tag}@example.test",
                    account=accounts[n % len(accounts)],
                )
                for n in range(leads_total)
            ),
            batch_size=5000,
        )
        kinds = Campaign.Type.values
        first = today - timedelta(days=4 * 365)
        span = 5 * 365
        campaigns = []
        for n in range(args.campaigns):
            starts = first + timedelta(days=rng.randrange(span))
            ends = starts + timedelta(days=rng.randrange(1, 60))
            status = "finished" if ends < today else ("live" if starts <= today else "planned")
            campaigns.append(
                Campaign(
                    name=f"Campaign {n}",
                    type=rng.choice(kinds),
                    channel="email",
                    status=status,
                    starts_on=starts,
                    ends_on=ends,
                    region=rng.choice(["", "", *REGIONS]),
                    expected_leads_per_week=rng.randrange(0, 40),
                    owner=viewer,
                )
            )
        campaigns = Campaign.objects.bulk_create(campaigns, batch_size=2000)
        CampaignMember.objects.bulk_create(
            (
                CampaignMember(campaign=c, contact=contacts[rng.randrange(leads_total)])
                for c in campaigns
                for _ in range(args.members)
            ),
            batch_size=5000,
            ignore_conflicts=True,
        )
        stamp = now - timedelta(days=1)
        Lead.objects.bulk_create(
            (
                Lead(
                    contact=c,
                    stage=rng.choice(OPEN_STAGES) if n < args.open_leads else Stage.CUSTOMER,
                    stage_changed_at=stamp,
                    rep=reps[n % len(reps)] if n % 50 else None,
                    team=teams[n % len(teams)],
                    mql_at=stamp,
                )
                for n, c in enumerate(contacts)
            ),
            batch_size=5000,
        )
        finished = [c for c in campaigns if c.status == "finished"]
        LifecycleEvent.objects.bulk_create(
            (
                LifecycleEvent(
                    lead_id=contacts[args.open_leads + n].pk,
                    to_stage=Stage.MQL,
                    campaign=(c := finished[n % len(finished)]),
                    at=datetime.combine(
                        c.starts_on + timedelta(days=rng.randrange(0, 60)),
                        datetime.min.time(),
                        tzinfo=UTC,
                    ),
                )
                for n in range(args.closed_leads)
            ),
            batch_size=5000,
        )
        if connection.vendor == "postgresql":  # as autovacuum would have, for the planner
            with connection.cursor() as cursor:
                cursor.execute(
                    "ANALYZE campaigns_campaign, campaigns_campaignmember, handoff_lead, "
                    "handoff_lifecycleevent, crm_account, people_membership"
                )
        print(
            f"database={database()} campaigns={Campaign.objects.count():,} "
            f"reps={len(reps)} open leads={Lead.objects.filter(stage__in=OPEN_STAGES).count():,} "
            f"MQL events={LifecycleEvent.objects.filter(to_stage=Stage.MQL).count():,} "
            f"(written in {time.perf_counter() - began:.0f} s)"
        )
        monday = capacity.monday_of(today)
        found = capacity.Forecast(monday, capacity.WEEKS, today=today)
        over = sum(w.over for w in found.week_loads())
        print(
            f"in the horizon: {len(found.drafts):,} open campaigns, "
            f"{len(found.curves)} measured curves, {over} weeks over capacity (all regions)"
        )

        latest = sorted(finished, key=lambda c: (c.type, c.ends_on), reverse=True)
        chosen = [c for k in kinds for c in [c for c in latest if c.type == k][:12]]
        sample = [c.pk for c in chosen]
        sample_since = datetime.combine(min(c.starts_on for c in chosen), datetime.min.time(), UTC)
        people = sorted(Membership.objects.filter(team__in=teams).values_list("user_id", flat=True))

        if args.queries:
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as seen:
                capacity.Forecast(monday, capacity.WEEKS, today=today).week_loads()
            for q in seen.captured_queries:
                print(f"{float(q['time']) * 1000:8.1f} ms  {q['sql'][:300]}")

        def floor() -> None:
            """The same grouped reads, rows fetched plainly."""
            list(RoutingRule.objects.filter(active=True).values_list("id", "region", "team_id"))
            list(RoutingRule.reps.through.objects.values_list("routingrule_id", "user_id"))
            list(
                Membership.objects.filter(team__function="sales").values_list(
                    "user_id", "team_id", "role", "user__lead_capacity", "user__away_until"
                )
            )
            list(BusinessHours.objects.values_list("team_id", "weekdays"))
            list(Holiday.objects.filter(day__gte=monday).values_list("team_id", "day"))
            list(
                Lead.objects.filter(rep_id__in=people, stage__in=OPEN_STAGES)
                .order_by()
                .values_list("rep_id")
                .annotate(n=Count("pk"))
            )
            list(
                Lead.objects.filter(rep=None, stage__in=OPEN_STAGES)
                .order_by()
                .values_list("team_id")
                .annotate(n=Count("pk"))
            )
            list(Account.objects.order_by().values_list("region").annotate(n=Count("pk")))
            list(
                Campaign.objects.filter(status="finished")
                .order_by("type", "-ends_on")
                .values_list("id", "type", "starts_on")
            )
            list(
                Campaign.objects.filter(
                    status__in=Campaign.OPEN_STATUSES,
                    starts_on__lte=monday + timedelta(weeks=13),
                    ends_on__gte=monday - timedelta(weeks=26),
                ).values_list("id", "type", "region", "expected_leads_per_week")
            )
            list(
                CampaignMember.objects.filter(campaign_id__in=sample)
                .order_by()
                .values_list("campaign_id")
                .annotate(n=Count("pk"))
            )
            list(
                LifecycleEvent.objects.filter(
                    to_stage=Stage.MQL, campaign_id__in=sample, at__gte=sample_since
                )
                .order_by()
                .values_list("campaign_id")
                .annotate(n=Count("pk"))
            )

        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(viewer)

        def page(region: str = "") -> None:
            url = "/calendar/capacity/" + (f"?region={region}" if region else "")
            assert client.get(url).status_code == 200

        print(summary("floor: the grouped reads, plainly", timed(floor, args.runs)))

        def forecast() -> None:
            capacity.Forecast(monday, 13, today=today).week_loads()

        print(summary("forecast alone (reads + numpy)", timed(forecast, args.runs)))
        print(summary("over capacity by region (the page's summary)", timed(
            lambda: found.over_by_region(), args.runs)))  # fmt: skip
        print(summary("capacity page, all regions", timed(page, args.runs)))
        print(summary("capacity page, one region", timed(lambda: page("north"), args.runs)))
        from tandem.api.services import create_token

        _, token = create_token(actor=viewer, name="bench", scope="read")
        api = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")

        def api_call() -> None:
            assert api.get("/api/v1/calendar/capacity").status_code == 200

        print(summary("API /api/v1/calendar/capacity", timed(api_call, args.runs)))
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
