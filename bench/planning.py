"""Issue 17's figures at the large scale: the reverse funnel (every figure measured from
the trailing year, then the counts per month) and the joint scorecard (every KPI per
month of the year so far), in-process, p50/p95 over repeated runs, on the configured
database.

``--build`` fills a fresh database (SQLite under TANDEM_VAR_DIR, or a PostgreSQL database
whose name says "bench") with the small demo organisation plus the large scale's
customers as the plan reads them: 1,000,000 contacts who arrived over two years, each
with its lead (about a third became MQLs, most were accepted, a share converted), and
100,000 deals (half from those leads, half sales opened itself), two thirds of them
closed, a third of those won. Rows are written in bulk (COPY or executemany).

    TANDEM_VAR_DIR=/tmp/bench-plan python bench/planning.py --build
    TANDEM_VAR_DIR=/tmp/bench-plan python bench/planning.py --runs 10
"""

import argparse
import random
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from common import database, migrated, recreate_database, setup, summary, timed

CONTACTS, DEALS = 1_000_000, 100_000


def build() -> None:
    recreate_database()
    migrated()
    from tandem.core.bulk import insert_rows
    from tandem.crm.models import Account, Contact, Opportunity
    from tandem.demo import organisation
    from tandem.handoff.models import Lead

    began = time.perf_counter()
    organisation.seed("small")
    rng = random.Random(17)
    now = datetime.now(UTC)
    first_contact = (Contact.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    first_deal = (Opportunity.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    account = Account.objects.order_by("pk").first()
    arrived = [now - timedelta(days=rng.uniform(0, 730)) for _ in range(CONTACTS)]
    insert_rows(
        Contact,
        ["id", "created_at", "updated_at", "first_name", "last_name", "email", "phone",
         "job_title", "consent_source", "import_key", "phone_e164"],
        ((first_contact + n, at, at, "Lee", f"Bench{n}", "", "", "", "", "", "")
         for n, at in enumerate(arrived)),
    )  # fmt: skip
    deals, links = [], {}
    for n in range(CONTACTS):
        contact_id, at = first_contact + n, arrived[n]
        if len(deals) < DEALS // 2 and rng.random() < 0.36 * 0.7 * 0.45:
            opened = at + timedelta(days=rng.uniform(20, 60))
            links[contact_id] = first_deal + len(deals)
            deals.append(opened)
    while len(deals) < DEALS:
        deals.append(now - timedelta(days=rng.uniform(0, 730)))
    deal_rows = []
    for n, opened in enumerate(deals):
        closes = opened + timedelta(days=rng.uniform(15, 90))
        closed = closes < now and rng.random() < 0.67
        stage = ("won" if rng.random() < 0.33 else "lost") if closed else "proposal"
        deal_rows.append(
            (first_deal + n, opened, opened, f"Deal {n}", stage,
             Decimal(rng.randrange(5000, 60000, 500)), "GBP", closes.date(), "",
             closes if closed else None, account.pk, ""),
        )  # fmt: skip
    insert_rows(
        Opportunity,
        ["id", "created_at", "updated_at", "name", "stage", "amount", "currency",
         "close_date", "outcome_reason", "closed_at", "account_id", "import_key"],
        deal_rows,
    )  # fmt: skip

    def leads():
        for n in range(CONTACTS):
            contact_id, at = first_contact + n, arrived[n]
            mql = accepted = None
            deal = links.get(contact_id)
            if deal or rng.random() < 0.36:
                mql = at + timedelta(days=rng.uniform(3, 30))
                if deal or rng.random() < 0.7:
                    accepted = mql + timedelta(hours=rng.uniform(1, 72))
            stage = "sql" if deal else "accepted" if accepted else "mql" if mql else "lead"
            yield (contact_id, stage, at, 0, 0, 0, "", "web", mql, accepted, "", "", deal)

    insert_rows(
        Lead,
        ["contact_id", "stage", "stage_changed_at", "score", "fit_score", "engagement_score",
         "tier", "source", "mql_at", "accepted_at", "rejection_note", "routing_reason",
         "opportunity_id"],
        leads(),
    )  # fmt: skip
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    took = time.perf_counter() - began
    print(f"built {CONTACTS:,} contacts and leads, {DEALS:,} deals in {took:.0f} s")


def floor() -> None:
    """The least the funnel's figures need: each stage's cohort and converters counted
    (one aggregate each, the same windows and joins), no lags, no histogram."""
    from django.db.models import Count, Q
    from django.utils import timezone

    from tandem.crm.models import Opportunity
    from tandem.handoff.models import Lead

    until = timezone.now()
    window = (until - timedelta(days=365), until)
    Lead.objects.filter(contact__created_at__range=window).aggregate(
        n=Count("*"), k=Count("mql_at")
    )
    Lead.objects.filter(mql_at__range=window).aggregate(n=Count("mql_at"), k=Count("accepted_at"))
    Lead.objects.filter(accepted_at__range=window).aggregate(
        n=Count("accepted_at"), k=Count("opportunity")
    )
    Opportunity.objects.filter(closed_at__range=window).aggregate(
        n=Count("pk"), k=Count("pk", filter=Q(stage="won"))
    )


def measure(runs: int) -> None:
    from tandem.planning.funnel import plan_for
    from tandem.planning.models import PlanPeriod
    from tandem.planning.scorecard import scorecard

    period = PlanPeriod.objects.get()
    plan = plan_for(period)
    print(
        "figures:",
        ", ".join(f"{f.key} {f.source} n={f.measured.sample:,}" for f in plan.figures),
    )
    print(f"{database()}:")
    print(summary("  floor: each stage's counts alone (no lags, no months)", timed(floor, runs)))
    print(
        summary(
            "  reverse funnel (measure every figure, then the months)",
            timed(lambda: plan_for(period), runs),
        )
    )
    print(
        summary(
            "  scorecard (every KPI, every month so far)", timed(lambda: scorecard(period), runs)
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", action="store_true")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    setup()
    if args.build:
        build()
        return
    migrated()  # a database built before the latest migrations (quick when up to date)
    measure(args.runs)


if __name__ == "__main__":
    main()
