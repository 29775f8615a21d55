"""The joint scorecard's KPIs from the data, and the shared incentive: shared KPIs only,
weights to 100 %, both heads approve the formula, the statement pays by it."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tandem.approvals import contracts
from tandem.core.errors import DomainError
from tandem.planning.incentive import propose_incentive, statement
from tandem.planning.models import IncentivePlan
from tandem.planning.scorecard import scorecard, set_kpi_target, set_kpi_targets
from tandem.planning.services import open_period, propose_target
from tandem.planning.tests.conftest import make_funnel

TODAY = timezone.localdate()


def scores(period, **kw):
    return {s.kpi.key: s for s in scorecard(period, as_of=TODAY, **kw)}


@pytest.fixture
def period(org):
    return open_period(actor=org.executive, starts_on=TODAY)


def test_kpis_are_computed_from_the_data(org, period):
    # Six deals from leads, 2 won and 2 lost a day after opening; 3 opened by sales.
    make_funnel(
        leads=10, mql=8, accepted=6, sql=6, won=2, lost=2, sales_sourced=3, days_ago=3,
        lags=(0, 0, 0, 1),
    )  # fmt: skip
    found = scores(period)
    assert found["marketing_pipeline"].to_date == 6 * 20000
    assert found["sales_pipeline"].to_date == 3 * 20000
    assert found["mql_sql_rate"].to_date == pytest.approx(100 * 6 / 8)
    assert found["win_rate"].to_date == pytest.approx(50)
    assert found["cycle_time"].to_date == pytest.approx(1, abs=0.01)
    assert found["signoff_coverage"].to_date is None  # nothing published: no rate
    assert found["marketing_sla"].to_date is None  # no SLA in force: nothing promised


def test_targets_give_attainment_and_lower_is_better_inverts(org, period):
    make_funnel(leads=4, mql=4, accepted=4, sql=4, won=2, lost=2, days_ago=2, lags=(0, 0, 0, 1))
    set_kpi_target(actor=org.sales_head, period=period, key="win_rate", value=40)
    set_kpi_target(actor=org.sales_head, period=period, key="cycle_time", value=2)
    found = scores(period)
    assert found["win_rate"].attainment == pytest.approx(125) and found["win_rate"].met
    assert found["cycle_time"].attainment == pytest.approx(200, rel=0.01)
    with pytest.raises(DomainError) as bad:
        set_kpi_target(actor=org.sales_head, period=period, key="win_rate", value=-1)
    assert bad.value.field == "value"
    with pytest.raises(DomainError) as one_bad:
        set_kpi_targets(
            actor=org.sales_head, period=period, values={"win_rate": 10, "cycle_time": "soon"}
        )
    assert one_bad.value.field == "cycle_time"
    assert found["win_rate"].target == 40  # nothing half-written
    assert scores(period)["win_rate"].target == 40
    with pytest.raises(DomainError) as rep:
        set_kpi_target(actor=org.sales_rep, period=period, key="win_rate", value=1)
    assert rep.value.code == "forbidden"


def test_team_views_hold_their_side_and_the_shared_kpis(org, period):
    marketing = {s.kpi.side for s in scorecard(period, side="marketing")}
    assert marketing == {"marketing", "shared"}
    assert {s.kpi.side for s in scorecard(period, side="sales")} == {"sales", "shared"}


SHARED = [
    {"key": "revenue_vs_target", "weight": 60, "threshold": 80, "cap": 120},
    {"key": "mql_sql_rate", "weight": 40, "threshold": 50, "cap": 150},
]


def test_the_incentive_pays_on_shared_kpis_only_with_weights_to_100(org, period):
    cases = [
        ([{"key": "win_rate", "weight": 100}], "measures[0].key", "sales' alone"),
        ([{"key": "mql_sql_rate", "weight": 60}], "measures", "not 100 %"),
        ([SHARED[0], SHARED[0]], "measures[1].key", "given twice"),
        ([{**SHARED[0], "weight": 100, "cap": 50}], "measures[0].cap", "at or above"),
        ([], "measures", "at least one"),
    ]
    for measures, field, said in cases:
        with pytest.raises(DomainError) as refused:
            propose_incentive(
                actor=org.marketing_head, period=period, pool=10000, measures=measures
            )
        assert refused.value.field == field and said in refused.value.message
    with pytest.raises(DomainError) as pool:
        propose_incentive(actor=org.marketing_head, period=period, pool="-5", measures=SHARED)
    assert pool.value.field == "pool"
    assert not IncentivePlan.objects.exists()


def test_both_heads_approve_the_formula_and_the_statement_pays_by_it(org, period):
    plan = propose_incentive(
        actor=org.marketing_head, period=period, pool="50000", measures=SHARED, note="FY pool"
    )
    assert plan.status == IncentivePlan.Status.PROPOSED
    with pytest.raises(DomainError):
        contracts.approve(actor=org.executive, contract=plan)
    contracts.approve(actor=org.sales_head, contract=plan)
    plan.refresh_from_db()
    assert plan.status == IncentivePlan.Status.ACTIVE
    # Revenue: a month's target of 30,000, and 36,000 won so far (120 %, at the cap);
    # MQL -> SQL: 3 of 4 MQLs (75 %) against a target of 100 % (75 %, above 50 %).
    quarter = period.quarter_of(date(TODAY.year, TODAY.month, 1))
    in_quarter = [m for m in period.months if m <= TODAY and period.quarter_of(m) == quarter]
    # The quarter's months so far want 30,000 in all.
    propose_target(
        actor=org.executive, period=period, quarters={str(quarter): 90000 / len(in_quarter)}
    )
    deals = make_funnel(
        leads=4, mql=4, accepted=3, sql=3, won=0, days_ago=0, lags=(0, 0, 0, 0),
        amount=Decimal("12000"),
    )  # fmt: skip
    for deal in deals:
        deal.stage, deal.closed_at = "won", timezone.now() - timedelta(minutes=1)
        deal.save(update_fields=["stage", "closed_at"])
    set_kpi_target(actor=org.sales_head, period=period, key="mql_sql_rate", value=100)
    found = statement(plan, as_of=TODAY)
    by_key = {line.measure.key: line for line in found.lines}
    assert by_key["revenue_vs_target"].score.attainment == pytest.approx(120, abs=0.01)
    assert by_key["revenue_vs_target"].factor == pytest.approx(120, abs=0.01)  # the cap
    assert by_key["mql_sql_rate"].factor == pytest.approx(75)
    share = 60 * 120 / 100 + 40 * 75 / 100
    assert found.share == pytest.approx(share, abs=0.01)
    assert found.share == pytest.approx(share)
    assert found.payout == (Decimal("50000") * Decimal(str(share)) / 100).quantize(Decimal("0.01"))
