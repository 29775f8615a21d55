"""Fiscal periods and the revenue target: who may set it, the split, closed periods."""

from datetime import date
from decimal import Decimal

import pytest

from tandem.approvals import contracts
from tandem.core.errors import DomainError
from tandem.planning import fiscal
from tandem.planning.models import RevenueTarget
from tandem.planning.services import close_period, open_period, propose_target

Q = {"1": "300000", "2": "300000", "3": "450000", "4": "450000"}


def test_fiscal_year_from_the_setting(settings):
    settings.TANDEM_FISCAL_YEAR_START = 4
    assert fiscal.year_containing(date(2027, 3, 31)) == date(2026, 4, 1)
    assert fiscal.year_containing(date(2027, 4, 1)) == date(2027, 4, 1)
    months = fiscal.months(date(2026, 4, 1))
    assert months[0] == date(2026, 4, 1) and months[-1] == date(2027, 3, 1)
    assert fiscal.quarter_of(date(2026, 4, 1), date(2027, 1, 1)) == 4
    assert fiscal.year_name(date(2026, 4, 1)) == "FY 2026/27"
    assert fiscal.year_name(date(2027, 1, 1)) == "FY 2027"


def test_only_the_executive_opens_a_period_and_once(org):
    with pytest.raises(DomainError) as refused:
        open_period(actor=org.marketing_head, year=2027)
    assert refused.value.code == "forbidden"
    period = open_period(actor=org.executive, year=2027)
    assert period.months[0] == date(2027, 1, 1) and period.name == "FY 2027"
    with pytest.raises(DomainError) as twice:
        open_period(actor=org.executive, year=2027)
    assert twice.value.code == "planning_period_exists"
    with pytest.raises(DomainError) as bad:
        open_period(actor=org.executive, year="twenty")
    assert bad.value.field == "year"


def test_the_executive_sets_the_target_in_force_at_once(org):
    period = open_period(actor=org.executive, year=2027)
    target = propose_target(actor=org.executive, period=period, quarters=Q, note="Board plan")
    assert target.status == RevenueTarget.Status.ACTIVE
    assert target.quarter_totals() == {
        q: Decimal(v) for q, v in zip(range(1, 5), Q.values(), strict=True)
    }


def test_a_heads_target_waits_for_the_executive_and_replaces_the_old_one(org):
    period = open_period(actor=org.executive, year=2027)
    first = propose_target(actor=org.executive, period=period, quarters=Q)
    proposed = propose_target(actor=org.sales_head, period=period, quarters={"1": "1"})
    assert proposed.status == RevenueTarget.Status.PROPOSED
    with pytest.raises(DomainError):
        contracts.approve(actor=org.marketing_head, contract=proposed)
    contracts.approve(actor=org.executive, contract=proposed)
    first.refresh_from_db()
    assert proposed.status == RevenueTarget.Status.ACTIVE
    assert first.status == RevenueTarget.Status.SUPERSEDED


def test_a_rep_may_not_propose_a_target(org):
    period = open_period(actor=org.executive, year=2027)
    with pytest.raises(DomainError) as refused:
        propose_target(actor=org.sales_rep, period=period, quarters=Q)
    assert refused.value.code == "forbidden"


@pytest.mark.parametrize(
    ("quarters", "field"),
    [
        ({"1": "-5"}, "Q1 target"),
        ({"5": "10"}, "quarters"),
        ({"1": "NaN"}, "Q1 target"),
        ({"1": "1e40"}, "Q1 target"),
        ({"1": "0"}, "quarters"),
        ("lots", "quarters"),
    ],
)
def test_bad_targets_name_the_field(org, quarters, field):
    period = open_period(actor=org.executive, year=2027)
    with pytest.raises(DomainError) as bad:
        propose_target(actor=org.executive, period=period, quarters=quarters)
    assert bad.value.field == field
    assert not RevenueTarget.objects.exists()


def test_a_split_must_add_up_to_each_quarter(org):
    period = open_period(actor=org.executive, year=2027)
    split = {"North": {"1": "100000"}, "South": {"1": "150000"}}
    with pytest.raises(DomainError) as short:
        propose_target(
            actor=org.executive,
            period=period,
            quarters={"1": "300000"},
            dimension="region",
            split=split,
        )
    assert short.value.code == "planning_target_split"
    assert "£250,000.00, not the quarter's £300,000.00" in short.value.message
    split["South"]["1"] = "200000"
    target = propose_target(
        actor=org.executive,
        period=period,
        quarters={"1": "300000"},
        dimension="region",
        split=split,
    )
    assert {(a.key, a.amount) for a in target.amounts.filter(quarter=1)} == {
        ("", Decimal("300000.00")),
        ("North", Decimal("100000.00")),
        ("South", Decimal("200000.00")),
    }


def test_a_closed_period_refuses_a_target_and_its_approval(org):
    period = open_period(actor=org.executive, year=2027)
    proposed = propose_target(actor=org.sales_head, period=period, quarters=Q)
    close_period(actor=org.executive, period=period)
    with pytest.raises(DomainError) as late:
        contracts.approve(actor=org.executive, contract=proposed)
    assert late.value.code == "planning_period_closed"
    proposed.refresh_from_db()
    assert proposed.status == RevenueTarget.Status.PROPOSED
    with pytest.raises(DomainError):
        propose_target(actor=org.executive, period=period, quarters=Q)


def test_a_split_into_too_many_parts_or_without_names_is_refused(org):
    period = open_period(actor=org.executive, year=2027)
    many = {f"Region {n}": {"1": "1"} for n in range(51)}
    with pytest.raises(DomainError) as huge:
        propose_target(
            actor=org.executive, period=period, quarters={"1": "51"}, dimension="region",
            split=many,
        )  # fmt: skip
    assert huge.value.field == "split" and "at most 50" in huge.value.message
    with pytest.raises(DomainError) as unnamed:
        propose_target(
            actor=org.executive, period=period, quarters={"1": "5"}, dimension="region",
            split={"  ": {"1": "5"}},
        )  # fmt: skip
    assert unnamed.value.field == "split"
    with pytest.raises(DomainError) as no_dimension:
        propose_target(
            actor=org.executive, period=period, quarters={"1": "5"}, split={"North": {"1": "5"}}
        )
    assert no_dimension.value.field == "split"
    assert not RevenueTarget.objects.exists()
