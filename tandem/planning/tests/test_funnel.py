"""The reverse funnel: measured rates with samples and intervals, defaults where the
data are too few, overrides with reasons, and the counts due per month, lags respected."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tandem.core.errors import DomainError
from tandem.planning import funnel
from tandem.planning.assumptions import clear_assumption, set_assumption
from tandem.planning.measure import measure, wilson
from tandem.planning.models import Assumption
from tandem.planning.services import open_period, propose_target
from tandem.planning.tests.conftest import make_funnel

TODAY = date.today()


def by_key(figures):
    return {f.key: f for f in figures}


def test_rates_lags_and_deal_size_are_measured_with_samples_and_intervals(org):
    make_funnel(leads=100, mql=40, accepted=30, sql=24, won=6, lost=18, sales_sourced=8)
    found = measure(as_of=TODAY, currency="GBP")
    assert (found["lead_mql"].value, found["lead_mql"].sample) == (0.4, 100)
    assert found["lead_mql"].low < 0.4 < found["lead_mql"].high
    assert (found["mql_accepted"].value, found["mql_accepted"].sample) == (0.75, 40)
    assert (found["accepted_sql"].value, found["accepted_sql"].sample) == (0.8, 30)
    assert (found["win_rate"].value, found["win_rate"].sample) == (0.25, 24)
    assert found["lead_share"].value == pytest.approx(24 / 32)
    assert found["lead_mql_days"].value == pytest.approx(10, abs=0.01)
    assert found["mql_accepted_days"].value == pytest.approx(2, abs=0.01)
    assert found["accepted_sql_days"].value == pytest.approx(7, abs=0.01)
    assert found["sql_won_days"].value == pytest.approx(30, abs=0.01)
    assert found["sql_won_days"].sample == 6
    assert found["deal_size"].value == pytest.approx(20000)
    assert found["deal_size"].low == pytest.approx(20000)  # every deal the same size


def test_outside_the_window_nothing_is_measured(org):
    make_funnel(leads=30, mql=20, accepted=10, sql=5, won=2, days_ago=500)
    found = measure(as_of=TODAY, currency="GBP")
    assert found["lead_mql"].sample == 0 and found["lead_mql"].value is None


def test_wilson_interval_stays_inside_0_and_1():
    none = wilson(0, 25)
    assert none.value == 0 and none.low == 0 and 0 < none.high < 0.2
    every = wilson(25, 25)
    assert every.high == 1 and 0.8 < every.low < 1
    assert wilson(0, 0).value is None


def test_too_few_cases_use_the_stated_default_and_say_so(org):
    make_funnel(leads=100, mql=40, accepted=30, sql=24, won=6, lost=18)
    period = open_period(actor=org.executive, year=TODAY.year)
    figures = by_key(funnel.figures(period, as_of=TODAY))
    assert figures["lead_mql"].source == "measured"
    assert figures["sql_won_days"].source == "default"  # six wins
    assert figures["sql_won_days"].value == funnel.ASSUMPTIONS["sql_won_days"].default
    assert "only 6 cases" in figures["sql_won_days"].reason
    set_assumption(
        actor=org.sales_head, period=period, key="sql_won_days", applies="default", value=45
    )
    figures = by_key(funnel.figures(period, as_of=TODAY))
    assert figures["sql_won_days"].value == 45 and figures["sql_won_days"].source == "default"


def test_an_override_wins_and_keeps_its_reason(org):
    make_funnel(leads=100, mql=40, accepted=30, sql=24, won=6, lost=18)
    period = open_period(actor=org.executive, year=TODAY.year)
    set_assumption(
        actor=org.marketing_head, period=period, key="lead_mql", applies="override",
        value="30", reason="New nurture programme from March",
    )  # fmt: skip
    figure = by_key(funnel.figures(period, as_of=TODAY))["lead_mql"]
    assert (figure.source, figure.value, figure.reason) == (
        "override", 0.3, "New nurture programme from March"
    )  # fmt: skip
    assert figure.measured.value == 0.4  # still shown beside it
    clear_assumption(actor=org.marketing_head, period=period, key="lead_mql", applies="override")
    assert by_key(funnel.figures(period, as_of=TODAY))["lead_mql"].source == "measured"


@pytest.mark.parametrize(
    ("key", "value", "reason", "code", "field"),
    [
        ("win_rate", "0", "x", "planning_rate_unusable", "value"),
        ("win_rate", "100", "x", "planning_rate_unusable", "value"),
        ("win_rate", "101", "x", "invalid", "value"),
        ("win_rate", "-1", "x", "invalid", "value"),
        ("win_rate", "NaN", "x", "invalid", "value"),
        ("win_rate", "30", "", "invalid", "reason"),
        ("deal_size", "0", "x", "invalid", "value"),
        ("sql_won_days", "10000", "x", "invalid", "value"),
        ("nonsense", "1", "x", "invalid", "key"),
    ],
)
def test_unusable_assumptions_are_refused_naming_the_field(org, key, value, reason, code, field):
    period = open_period(actor=org.executive, year=TODAY.year)
    with pytest.raises(DomainError) as refused:
        set_assumption(
            actor=org.sales_head, period=period, key=key, applies="override", value=value,
            reason=reason,
        )  # fmt: skip
    assert (refused.value.code, refused.value.field) == (code, field)
    assert not Assumption.objects.exists()


def test_reps_and_front_line_may_not_change_the_plan(org):
    period = open_period(actor=org.executive, year=TODAY.year)
    for user in (org.sales_rep, org.marketer, org.front_liner, org.outsider):
        with pytest.raises(DomainError) as refused:
            set_assumption(
                actor=user, period=period, key="win_rate", applies="override", value=20,
                reason="x",
            )  # fmt: skip
        assert refused.value.code == "forbidden"


FIXED = {
    "deal_size": 10_000, "win_rate": 25, "lead_share": 50, "accepted_sql": 50,
    "mql_accepted": 80, "lead_mql": 25, "sql_won_days": 61, "accepted_sql_days": 14,
    "mql_accepted_days": 3, "lead_mql_days": 20,
}  # fmt: skip


def fixed_plan(org, year=2027):
    period = open_period(actor=org.executive, year=year)
    propose_target(actor=org.executive, period=period, quarters={"1": "300000"})
    for key, value in FIXED.items():
        set_assumption(
            actor=org.sales_head, period=period, key=key, applies="override", value=value,
            reason="fixed for the test",
        )  # fmt: skip
    return period


def test_the_reverse_funnel_counts_each_stage_back_from_the_target(org):
    period = fixed_plan(org)
    plan = funnel.plan_for(period)
    january = plan.steps[date(2027, 1, 1)]
    counts = {step.stage: step.count for step in january}
    assert counts == pytest.approx(
        {"wins": 10, "opportunities": 40, "sqls": 20, "accepted": 40, "mqls": 50, "leads": 200}
    )
    due = {step.stage: step.due for step in january}
    close = date(2027, 1, 15)
    assert due["wins"] == close
    assert due["opportunities"] == due["sqls"] == close - timedelta(days=61)
    assert due["accepted"] == close - timedelta(days=75)
    assert due["mqls"] == close - timedelta(days=78)
    assert due["leads"] == close - timedelta(days=98)
    assert plan.totals() == {
        "wins": 30, "opportunities": 120, "sqls": 60, "accepted": 120, "mqls": 150,
        "leads": 600,
    }  # fmt: skip
    rows = {row["month"]: row for row in plan.rows()}
    # January's leads are due in October of the year before: the plan says so.
    assert rows[date(2026, 10, 1)]["leads"] == 200 and rows[date(2026, 10, 1)]["before"]
    assert rows[date(2027, 4, 1)]["wins"] == 0 and rows[date(2027, 4, 1)]["revenue"] == 0
    assert sum(plan.revenue.values()) == Decimal("300000")


def test_a_quarter_splits_into_months_to_the_penny(org):
    period = open_period(actor=org.executive, year=2027)
    target = propose_target(actor=org.executive, period=period, quarters={"2": "100000"})
    months = funnel.monthly_revenue(period, target)
    q2 = [months[date(2027, m, 1)] for m in (4, 5, 6)]
    assert q2 == [Decimal("33333.33"), Decimal("33333.33"), Decimal("33333.34")]


def test_without_a_target_nothing_is_needed(org):
    period = open_period(actor=org.executive, year=2027)
    assert funnel.plan_for(period).totals()["leads"] == 0


def test_plan_against_actual_counts_each_stage_per_month(org):
    from tandem.planning.actuals import actuals

    make_funnel(leads=10, mql=6, accepted=4, sql=3, won=2, lost=1, days_ago=40, lags=(1, 1, 1, 1))
    period = open_period(actor=org.executive, year=TODAY.year)
    found = actuals(period)
    assert sum(found["leads"].values()) == 10
    assert sum(found["mqls"].values()) == 6
    assert sum(found["accepted"].values()) == 4
    assert sum(found["sqls"].values()) == sum(found["opportunities"].values()) == 3
    assert sum(found["wins"].values()) == 2
    assert sum(found["revenue"].values()) == Decimal("40000.00")


def test_the_slas_mql_promise_is_proposed_from_the_plan(org):
    from tandem.approvals import contracts
    from tandem.handoff.contracts import propose_sla_policy
    from tandem.handoff.models import SlaPolicy
    from tandem.handoff.tests.conftest import TIERS
    from tandem.planning.assumptions import propose_sla_from_plan

    period = fixed_plan(org)
    with pytest.raises(DomainError) as none:
        propose_sla_from_plan(actor=org.marketing_head, period=period)
    assert none.value.code == "planning_no_sla"
    sla = propose_sla_policy(
        actor=org.marketing_head, mqls_per_month=10, min_acceptance_rate=60, tiers=TIERS
    )
    contracts.approve(actor=org.sales_head, contract=sla)
    proposed = propose_sla_from_plan(actor=org.marketing_head, period=period)
    # The Q1 target needs 150 MQLs (due before the period starts): 12.5 a month.
    assert proposed.mqls_per_month == 13
    assert proposed.status == SlaPolicy.Status.PROPOSED
    assert proposed.min_acceptance_rate == sla.min_acceptance_rate
    assert proposed.tiers.count() == sla.tiers.count()
    assert "plan" in proposed.note
