"""After any sequence of plans, spend, commitments and reallocations (approved or
refused), the lines' plans add up to the budget's total, every stored total is the sum
of its entries, and no line has less than nothing left."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tandem.approvals import services as approvals
from tandem.approvals.models import ApprovalRequest
from tandem.budget import services, spending
from tandem.budget.models import BudgetLine, LineMonth, Spend
from tandem.budget.reallocation import planned_total, propose_reallocation
from tandem.core.errors import DomainError
from tandem.factories.budget import make_line

AMOUNT = st.integers(min_value=1, max_value=2000).map(lambda n: Decimal(n))
LINE = st.integers(min_value=0, max_value=2)
MONTH = st.integers(min_value=0, max_value=11)
OPERATION = st.one_of(
    st.tuples(st.just("plan"), LINE, MONTH, AMOUNT),
    st.tuples(st.just("spend"), LINE, MONTH, AMOUNT),
    st.tuples(st.just("commit"), LINE, MONTH, AMOUNT),
    st.tuples(st.just("move"), LINE, LINE, AMOUNT, st.booleans()),
)


def _run(org, period, lines, operation):
    kind, index, *rest = operation
    line = BudgetLine.objects.get(pk=lines[index].pk)
    actor = line.owner
    if kind == "plan":
        month, amount = rest
        services.set_plan(actor=actor, line=line, amounts={period.months[month]: amount})
    elif kind == "spend":
        month, amount = rest
        spending.record_spend(actor=actor, line=line, amount=amount, spent_on=period.months[month])
    elif kind == "commit":
        month, amount = rest
        spending.add_commitment(
            actor=actor, line=line, number="PO", supplier="S", amount=amount,
            month=period.months[month],
        )  # fmt: skip
    else:
        target, amount, approve = rest
        proposal = propose_reallocation(
            actor=org.marketer, from_line=line, to_line=lines[target], amount=amount,
            rationale="x",
        )  # fmt: skip
        request = ApprovalRequest.objects.about(proposal).get()
        if approve:
            for head in (org.marketing_head, org.sales_head):
                approvals.decide(actor=head, request=request, outcome="approve", version=1)
        else:
            approvals.decide(
                actor=org.sales_head, request=request, outcome="changes", version=1, comment="no"
            )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations=st.lists(OPERATION, max_size=8))
def test_the_budget_always_adds_up_and_no_line_is_overdrawn(org, period, operations):
    savepoint = transaction.savepoint()
    try:
        lines = [
            make_line(org.marketer, period, org.marketing, name="A", planned="1200"),
            make_line(org.sales_rep, period, org.sales, name="B", planned="600"),
            make_line(org.marketing_head, period, org.marketing, name="C", planned=""),
        ]
        budget = lines[0].budget_id
        expected = planned_total(budget)
        for operation in operations:
            before = planned_total(budget)
            try:
                _run(org, period, lines, operation)
            except DomainError:
                assert planned_total(budget) == before  # refused: nothing half-written
            if operation[0] == "plan":
                expected = planned_total(budget)  # a plan changes the total on purpose
            assert planned_total(budget) == expected  # nothing else makes or loses money
        for line in BudgetLine.objects.filter(budget_id=budget):
            assert line.available >= 0
            months = LineMonth.objects.filter(line=line).aggregate(
                p=Sum("planned"), c=Sum("committed"), a=Sum("actual")
            )
            spent = Spend.objects.filter(line=line).aggregate(s=Sum("amount"))["s"] or 0
            assert (line.planned, line.committed, line.actual) == (
                months["p"],
                months["c"],
                months["a"],
            )
            assert line.actual == spent
            assert line.committed == sum(c.open_amount for c in line.commitments.all())
    finally:
        transaction.savepoint_rollback(savepoint)


def test_the_period_months_are_the_ones_used_above(period):
    assert period.months[0] == date(2027, 1, 1)
