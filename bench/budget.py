"""Issue 17: the shared budget.

1. Server time of the budget overview (in-process, no network) over a realistic budget:
   ``--lines`` lines (half marketing, half sales) x 12 months, each with a plan, spend
   in every month and a purchase order; beside the line page and the return page, and a
   floor: the stored month totals read as tuples in one query.
2. ``--attempts`` reallocation approvals at once, each thread on its own connection,
   all moving money out of the same few lines (asking for far more than they have):
   the lines never go below zero, and every refusal's message is printed with its count.

It writes into its own database, recreated each run: on PostgreSQL one whose name says
bench (``TANDEM_DATABASE_URL=postgres://postgres@127.0.0.1:5432/wtbudget_bench``), on
SQLite a file under ``TANDEM_VAR_DIR`` (outside the work tree).
"""

import argparse
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

from common import database, migrated, recreate_database, setup, summary, timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=60)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--attempts", type=int, default=200)
    parser.add_argument("--threads", type=int, default=32, help="connections at once")
    args = parser.parse_args()
    setup()
    recreate_database()
    migrated(static=True)
    from django.db import connection
    from django.test import Client

    from tandem.approvals import services as approvals
    from tandem.approvals.models import ApprovalRequest
    from tandem.budget import spending
    from tandem.budget.models import BudgetLine
    from tandem.budget.querysets import month_totals
    from tandem.budget.reallocation import propose_reallocation
    from tandem.core.errors import DomainError
    from tandem.factories.budget import make_line, make_period
    from tandem.people.models import Membership, Team, User

    def member(name: str, team: Team, role: str = "member") -> User:
        user = User.objects.create(full_name=name, email=f"{name}@example.test", handle=name)
        Membership.objects.create(user=user, team=team, role=role)
        return user

    marketing = Team.objects.create(name="Marketing", function="marketing")
    sales = Team.objects.create(name="Sales", function="sales")
    leadership = Team.objects.create(name="Leadership", function="leadership")
    marketer, rep = member("Mia", marketing), member("Sam", sales)
    heads = member("Hana", marketing, "head"), member("Sid", sales, "head")
    executive = member("Eve", leadership, "head")
    period = make_period(executive, 2027)

    began = time.perf_counter()
    lines = []
    for n in range(args.lines):
        owner, team = (marketer, marketing) if n % 2 == 0 else (rep, sales)
        line = make_line(owner, period, team, name=f"Line {n:02d}", planned="120000")
        for i, month in enumerate(period.months):
            spending.record_spend(
                actor=owner, line=line, amount=str(100 + n + i), spent_on=month.replace(day=9)
            )
        spending.add_commitment(
            actor=owner, line=line, number=f"PO{n}", supplier="Hall", amount="500",
            month=period.months[6],
        )  # fmt: skip
        lines.append(line)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"database={database()} lines={len(lines)} months=12 spend={len(lines) * 12} "
        f"(written through the services in {time.perf_counter() - began:.1f} s)"
    )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(rep)

    def page(url: str) -> None:
        assert client.get(url).status_code == 200, url

    print(summary("floor: month totals as tuples", timed(
        lambda: list(month_totals(period.pk)), args.runs)))  # fmt: skip
    print(summary(f"budget overview ({len(lines)} lines x 12 months)", timed(
        lambda: page(f"/budget/periods/{period.pk}/"), args.runs)))  # fmt: skip
    print(summary("line page", timed(lambda: page(f"/budget/lines/{lines[0].pk}/"), args.runs)))
    print(summary("return page", timed(
        lambda: page(f"/budget/periods/{period.pk}/return/"), args.runs)))  # fmt: skip

    # --- Racing reallocations ---------------------------------------------------------
    sources = lines[:4]  # each has 120,000 - spend - 500 left; asked for far more
    targets = lines[4:8]
    requests = []
    for n in range(args.attempts):
        source, target = sources[n % len(sources)], targets[n % len(targets)]
        proposal = propose_reallocation(
            actor=marketer if source.team_id == marketing.pk else rep,
            from_line=source, to_line=target, amount="5000", rationale=f"attempt {n}",
        )  # fmt: skip
        request = ApprovalRequest.objects.about(proposal).get()
        approvals.decide(actor=heads[0], request=request, outcome="approve", version=1)
        requests.append(request)
    connection.close()
    barrier = threading.Barrier(args.threads)
    outcomes: Counter[str] = Counter()
    examples: dict[str, str] = {}
    lock = threading.Lock()

    def attempt(index: int) -> float:
        if index < args.threads:
            barrier.wait(timeout=60)
        started = time.perf_counter()
        try:
            approvals.decide(actor=heads[1], request=requests[index], outcome="approve", version=1)
            said = "approved"
        except DomainError as exc:
            said = f"refused ({exc.code}): {exc.message.split(':')[0]}"
            examples.setdefault(said, exc.message)
        finally:
            connection.close()
        with lock:
            outcomes[said] += 1
        return (time.perf_counter() - started) * 1000

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.threads) as pool:
        millis = list(pool.map(attempt, range(args.attempts)))
    elapsed = time.perf_counter() - began
    print(
        f"{args.attempts} approvals at once on {args.threads} connections in {elapsed:.1f} s "
        f"({args.attempts / elapsed:.0f}/s)"
    )
    print(summary("one approval (lock, re-check, move)", millis))
    for said, count in outcomes.most_common():
        print(f"  {count:4d} x {said}")
        if said in examples:
            print(f"         e.g. {examples[said]}")
    overdrawn = [
        line.name for line in BudgetLine.objects.filter(pk__in=[s.pk for s in sources])
        if line.available < 0
    ]  # fmt: skip
    moved = outcomes["approved"] * Decimal("5000")
    total = sum((line.planned for line in BudgetLine.objects.all()), Decimal(0))
    print(
        f"overdrawn lines: {overdrawn or 'none'}; moved {moved:,}; budget total {total:,} "
        f"(= {args.lines} x 120,000: {total == args.lines * 120000})"
    )
    assert not overdrawn and total == args.lines * 120000
    assert date.today()


if __name__ == "__main__":
    main()
