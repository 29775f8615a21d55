"""Many connections at once: approvals of reallocations racing each other and spend on
the same line never overdraw it. (Each thread has its own connection; on PostgreSQL the
transactions really overlap, and the line's row lock takes them one at a time.)"""

import threading
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import OperationalError, connection

from tandem.approvals import services as approvals
from tandem.approvals.models import ApprovalRequest
from tandem.budget import spending
from tandem.budget.models import BudgetLine
from tandem.budget.reallocation import propose_reallocation
from tandem.core.errors import DomainError
from tandem.factories.budget import make_line, make_period


def at_once(*work: Callable[[], Any]) -> list[str]:
    start = threading.Barrier(len(work))
    results: list[str] = ["?"] * len(work)

    def run(index: int) -> None:
        try:
            start.wait(timeout=20)
            work[index]()
            results[index] = "ok"
        except DomainError as exc:
            results[index] = str(exc.code)
        except OperationalError:  # SQLite: one writer at a time, the others may time out
            results[index] = "locked"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(work))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_racing_approvals_and_spend_never_overdraw_a_line(live_org):
    org = live_org
    period = make_period(org.executive)
    source = make_line(org.marketer, period, org.marketing, name="Source", planned="1200")
    target = make_line(org.sales_rep, period, org.sales, name="Target", planned="0")
    requests = []
    for _ in range(6):  # 6 x 300 asks for 1,800 of 1,200
        proposal = propose_reallocation(
            actor=org.marketer, from_line=source, to_line=target, amount="300", rationale="x"
        )
        request = ApprovalRequest.objects.about(proposal).get()
        approvals.decide(actor=org.marketing_head, request=request, outcome="approve", version=1)
        requests.append(request)
    work = [
        lambda r=r: approvals.decide(actor=org.sales_head, request=r, outcome="approve", version=1)
        for r in requests
    ] + [
        lambda: spending.record_spend(
            actor=org.marketer, line=source, amount="200", spent_on=date(2027, 1, 5)
        )
        for _ in range(4)
    ]
    outcomes = at_once(*work)
    assert set(outcomes) <= {"ok", "budget_overdrawn", "locked"}, outcomes
    assert "budget_overdrawn" in outcomes or "locked" in outcomes
    source = BudgetLine.objects.get(pk=source.pk)
    target = BudgetLine.objects.get(pk=target.pk)
    assert source.available >= 0
    assert source.planned + target.planned == Decimal("1200.00")
    moved = 300 * outcomes[:6].count("ok")
    spent = 200 * outcomes[6:].count("ok")
    assert target.planned == moved and source.actual == spent
    assert moved + spent <= 1200
