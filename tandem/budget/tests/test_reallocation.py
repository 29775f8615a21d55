from decimal import Decimal

import pytest

from tandem.approvals import services as approvals
from tandem.approvals.models import ApprovalRequest
from tandem.budget import spending
from tandem.budget.models import LineMonth
from tandem.budget.reallocation import planned_total, propose_reallocation
from tandem.core.errors import DomainError
from tandem.factories.budget import make_line, make_period
from tandem.planning.services import close_period


def _request(proposal):
    return ApprovalRequest.objects.about(proposal).get()


def _approve(who, proposal):
    request = _request(proposal)
    return approvals.decide(actor=who, request=request, outcome="approve", version=request.version)


def test_both_heads_approve_and_the_money_moves_month_by_month(org, period, mline, sline):
    total = planned_total(mline.budget_id)
    proposal = propose_reallocation(
        actor=org.marketer, from_line=mline, to_line=sline, amount="150",
        months=["2027-11", "2027-12"], rationale="Events moved to sales",
    )  # fmt: skip
    _approve(org.marketing_head, proposal)
    mline.refresh_from_db()
    assert mline.planned == Decimal("1200.00")  # one head is not enough
    _approve(org.sales_head, proposal)
    proposal.refresh_from_db()
    mline.refresh_from_db()
    sline.refresh_from_db()
    assert proposal.status == "active"
    assert (mline.planned, sline.planned) == (Decimal("1050.00"), Decimal("1350.00"))
    months = dict(LineMonth.objects.filter(line=mline).values_list("month", "planned"))
    assert months[period.months[-1]] == 0 and months[period.months[-2]] == Decimal("50.00")
    assert planned_total(mline.budget_id) == total


def test_the_proposer_never_approves_not_even_for_their_own_side(org, mline, sline):
    proposal = propose_reallocation(
        actor=org.marketing_head, from_line=mline, to_line=sline, amount="10", rationale="x"
    )
    with pytest.raises(DomainError) as caught:
        _approve(org.marketing_head, proposal)
    assert "never count" in caught.value.message
    second = make_line(org.marketing_head, mline.budget.period, org.marketing, name="Print")
    assert second  # a second head of marketing would be needed; the sales head alone is not
    _approve(org.sales_head, proposal)
    assert _request(proposal).is_open


def test_the_executive_overrides_with_a_reason(org, mline, sline):
    proposal = propose_reallocation(
        actor=org.marketer, from_line=mline, to_line=sline, amount="10", rationale="x"
    )
    with pytest.raises(DomainError):
        approvals.override(actor=org.marketing_head, request=_request(proposal), reason="now")
    approvals.override(actor=org.executive, request=_request(proposal), reason="Quarter end")
    sline.refresh_from_db()
    assert sline.planned == Decimal("1210.00")


def test_approval_that_would_overdraw_is_refused_and_rolled_back(org, mline, sline):
    first = propose_reallocation(
        actor=org.marketer, from_line=mline, to_line=sline, amount="700", rationale="a"
    )
    second = propose_reallocation(
        actor=org.sales_rep, from_line=mline, to_line=sline, amount="700", rationale="b"
    )
    for proposal in (first, second):
        _approve(org.marketing_head, proposal)
    _approve(org.sales_head, first)
    with pytest.raises(DomainError) as caught:
        _approve(org.sales_head, second)
    assert caught.value.code == "budget_overdrawn"
    second.refresh_from_db()
    assert second.status == "proposed" and _request(second).is_open
    mline.refresh_from_db()
    assert mline.planned == Decimal("500.00") and mline.available >= 0


def test_spend_since_the_proposal_is_counted_when_it_is_approved(org, mline, sline):
    from datetime import date

    proposal = propose_reallocation(
        actor=org.marketer, from_line=mline, to_line=sline, amount="1000", rationale="a"
    )
    spending.record_spend(actor=org.marketer, line=mline, amount="300", spent_on=date(2027, 2, 1))
    _approve(org.marketing_head, proposal)
    with pytest.raises(DomainError) as caught:
        _approve(org.sales_head, proposal)
    assert caught.value.code == "budget_overdrawn"


def test_approving_after_the_period_closed_is_refused(org, period, mline, sline):
    proposal = propose_reallocation(
        actor=org.marketer, from_line=mline, to_line=sline, amount="10", rationale="a"
    )
    _approve(org.marketing_head, proposal)
    close_period(actor=org.executive, period=period)
    with pytest.raises(DomainError) as caught:
        _approve(org.sales_head, proposal)
    assert caught.value.code == "budget_period_closed"
    sline.refresh_from_db()
    assert sline.planned == Decimal("1200.00")


@pytest.mark.parametrize(
    ("amount", "field"), [("-5", "amount"), ("NaN", "amount"), ("0", "amount"), ("5000", "amount")]
)
def test_bad_proposals_are_refused_naming_the_field(org, mline, sline, amount, field):
    with pytest.raises(DomainError) as caught:
        propose_reallocation(
            actor=org.marketer, from_line=mline, to_line=sline, amount=amount, rationale="x"
        )
    assert caught.value.field == field
    assert not ApprovalRequest.objects.exists()


def test_who_may_propose_and_what_lines(org, period, mline, sline):
    for who in (org.front_liner, org.executive, org.admin):
        with pytest.raises(DomainError) as caught:
            propose_reallocation(
                actor=who, from_line=mline, to_line=sline, amount="1", rationale="x"
            )
        assert caught.value.code == "forbidden"
    with pytest.raises(DomainError) as caught:
        propose_reallocation(
            actor=org.marketer, from_line=mline, to_line=mline, amount="1", rationale="x"
        )
    assert caught.value.field == "to_line"
    euro = make_line(org.marketer, period, org.marketing, name="EU", currency="EUR")
    with pytest.raises(DomainError) as caught:
        propose_reallocation(
            actor=org.marketer, from_line=mline, to_line=euro, amount="1", rationale="x"
        )
    assert caught.value.code == "budget_currency_mismatch"
    with pytest.raises(DomainError) as caught:
        propose_reallocation(
            actor=org.marketer,
            from_line=mline,
            to_line=sline,
            amount="1",
            rationale="x",
            months=["2029-01"],
        )
    assert caught.value.field == "months"


def test_unspent_money_carries_forward_into_the_next_periods_budget(org, period, mline):
    following = make_period(org.executive, 2028)
    later = make_line(org.marketer, following, org.marketing, name="Webinars 2028", planned="")
    proposal = propose_reallocation(
        actor=org.marketer, from_line=mline, to_line=later, amount="100", months=["2027-12"],
        rationale="Carry forward",
    )  # fmt: skip
    _approve(org.marketing_head, proposal)
    _approve(org.sales_head, proposal)
    months = dict(LineMonth.objects.filter(line=later).values_list("month", "planned"))
    assert months[following.months[-1]] == Decimal("100.00")
