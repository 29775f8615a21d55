"""The plan's pages as people use them: open a year, set or propose the target, change a
figure, read the reverse funnel and plan against actual."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.approvals import contracts
from tandem.planning.models import Assumption, PlanPeriod, RevenueTarget
from tandem.planning.services import open_period, propose_target
from tandem.planning.tests.conftest import make_funnel


def test_the_executive_opens_a_year_and_sets_its_target(client, org):
    client.force_login(org.executive)
    opened = client.post("/plan/", {"year": "2027"})
    period = PlanPeriod.objects.get()
    assert opened.status_code == 302 and opened["Location"] == f"/plan/{period.pk}/target/"
    form = client.get(opened["Location"]).content.decode()
    assert 'name="q1"' in form and 'name="split"' in form
    saved = client.post(
        f"/plan/{period.pk}/target/",
        {
            "q1": "300000", "q2": "300000", "q3": "450000", "q4": "450000",
            "dimension": "region",
            "split": "North: 100000, 100000, 150000, 150000\nSouth: 200000, 200000, 300000, 300000",
            "note": "Board plan",
        },
    )  # fmt: skip
    assert saved.status_code == 302
    page = client.get(f"/plan/{period.pk}/").content.decode()
    assert "£300,000.00" in page and "North: £100,000.00" in page
    assert "What the target needs, month by month" in page
    assert "(before the year)" in page  # January's leads are due in 2026
    assert "Too few cases to measure" in page  # an empty organisation: defaults, said so
    assert RevenueTarget.objects.get().status == RevenueTarget.Status.ACTIVE


def test_plan_takes_people_to_this_years_plan_and_lists_every_year(client, org):
    client.force_login(org.front_liner)
    empty = client.get("/plan/").content.decode()
    assert "No plan yet" in empty and "The executive opens the fiscal year" in empty
    this_year = open_period(actor=org.executive, starts_on=date.today())
    open_period(actor=org.executive, year=date.today().year + 1)
    assert client.get("/plan/")["Location"] == f"/plan/{this_year.pk}/"
    listed = client.get("/plan/?all=1").content.decode()
    assert listed.count("/plan/") >= 2 and "Open a fiscal year" not in listed


def test_a_split_that_does_not_add_up_is_shown_on_the_form(client, org):
    period = open_period(actor=org.executive, year=2027)
    client.force_login(org.executive)
    refused = client.post(
        f"/plan/{period.pk}/target/",
        {"q1": "300000", "dimension": "region", "split": "North: 1000"},
    )
    assert refused.status_code == 422
    assert "add up to £1,000.00, not the quarter&#x27;s £300,000.00" in refused.content.decode()
    garbled = client.post(
        f"/plan/{period.pk}/target/", {"q1": "5", "dimension": "region", "split": "North 1000"}
    )
    assert garbled.status_code == 422 and "Line 1" in garbled.content.decode()
    assert not RevenueTarget.objects.exists()


def test_a_heads_target_waits_for_the_executive_on_the_plan_page(client, org):
    period = open_period(actor=org.executive, year=2027)
    client.force_login(org.sales_head)
    client.post(f"/plan/{period.pk}/target/", {"q1": "120000", "note": "Stretch"})
    proposal = RevenueTarget.objects.get()
    assert proposal.status == RevenueTarget.Status.PROPOSED
    page = client.get(f"/plan/{period.pk}/").content.decode()
    assert "Proposed target" in page and "No target yet" in page
    contracts.approve(actor=org.executive, contract=proposal)
    assert "£120,000.00" in client.get(f"/plan/{period.pk}/").content.decode()


def test_a_figure_is_overridden_with_its_reason_and_bad_values_named(client, org):
    period = open_period(actor=org.executive, year=2027)
    client.force_login(org.marketing_head)
    form = client.get(f"/plan/{period.pk}/figures/?key=lead_mql").content.decode()
    assert 'value="lead_mql" selected' in form
    zero = client.post(
        f"/plan/{period.pk}/figures/",
        {"key": "lead_mql", "applies": "override", "value": "0", "reason": "x"},
    )
    assert zero.status_code == 422 and "0 % means nothing ever converts" in zero.content.decode()
    no_reason = client.post(
        f"/plan/{period.pk}/figures/", {"key": "lead_mql", "applies": "override", "value": "30"}
    )
    assert no_reason.status_code == 422 and "Say why" in no_reason.content.decode()
    client.post(
        f"/plan/{period.pk}/figures/",
        {"key": "lead_mql", "applies": "override", "value": "30", "reason": "New nurture"},
    )
    page = client.get(f"/plan/{period.pk}/").content.decode()
    assert "Override" in page and "New nurture" in page and "30.0 %" in page
    client.post(f"/plan/{period.pk}/figures/clear/", {"key": "lead_mql", "applies": "override"})
    assert not Assumption.objects.exists()


def test_everyone_reads_the_plan_but_only_heads_see_its_controls(client, org):
    period = open_period(actor=org.executive, year=2027)
    propose_target(actor=org.executive, period=period, quarters={"1": "100000"})
    client.force_login(org.front_liner)
    page = client.get(f"/plan/{period.pk}/").content.decode()
    assert "£100,000.00" in page
    assert "Change the target" not in page and "/figures/?key=" not in page
    assert client.get(f"/plan/{period.pk}/target/").status_code == 403


def test_the_plan_page_reads_the_same_queries_however_much_happened(client, org):
    period = open_period(actor=org.executive, year=date.today().year)
    propose_target(actor=org.executive, period=period, quarters={"1": "1", "4": "9"})
    client.force_login(org.sales_head)
    url = f"/plan/{period.pk}/"
    make_funnel(leads=5, mql=3, accepted=2, sql=2, won=1, lost=1, days_ago=30)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    make_funnel(leads=60, mql=40, accepted=30, sql=20, won=9, lost=9, days_ago=60)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_the_scorecard_shows_each_teams_view_with_targets(client, org):
    period = open_period(actor=org.executive, starts_on=date.today())
    make_funnel(leads=6, mql=4, accepted=4, sql=4, won=2, lost=2, days_ago=2, lags=(0, 0, 0, 1))
    client.force_login(org.sales_head)
    saved = client.post(
        f"/plan/{period.pk}/scorecard/targets/", {"win_rate": "40", "cycle_time": "30"}
    )
    assert saved.status_code == 302
    shared = client.get(f"/plan/{period.pk}/scorecard/").content.decode()
    assert "Revenue against target" in shared and "Win rate" not in shared
    sales = client.get(f"/plan/{period.pk}/scorecard/?view=sales").content.decode()
    assert "Win rate" in sales and "50.0 %" in sales and "125 % reached" in sales
    assert "Pipeline sourced by marketing" not in sales
    marketing = client.get(f"/plan/{period.pk}/scorecard/?view=marketing").content.decode()
    assert "Pipeline sourced by marketing" in marketing and "£80,000.00" in marketing


def test_the_scorecard_reads_the_same_queries_however_much_happened(client, org):
    period = open_period(actor=org.executive, starts_on=date.today())
    client.force_login(org.marketer)
    url = f"/plan/{period.pk}/scorecard/?view=all"
    make_funnel(leads=3, mql=2, accepted=2, sql=2, won=1, lost=1, days_ago=1, lags=(0, 0, 0, 0))
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    make_funnel(leads=40, mql=30, accepted=20, sql=20, won=8, lost=8, days_ago=2)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_the_incentive_is_proposed_approved_and_stated_to_both_teams(client, org):
    from tandem.planning.models import IncentivePlan

    period = open_period(actor=org.executive, starts_on=date.today())
    client.force_login(org.marketing_head)
    short = client.post(
        f"/plan/{period.pk}/incentive/propose/",
        {"pool": "20000", "revenue_vs_target_weight": "60", "mql_sql_rate_weight": "30"},
    )
    assert short.status_code == 422 and "add up to 90 %, not 100 %" in short.content.decode()
    client.post(
        f"/plan/{period.pk}/incentive/propose/",
        {
            "pool": "20000", "note": "One pool",
            "revenue_vs_target_weight": "70", "revenue_vs_target_threshold": "80",
            "revenue_vs_target_cap": "120",
            "mql_sql_rate_weight": "30", "mql_sql_rate_threshold": "50", "mql_sql_rate_cap": "150",
        },
    )  # fmt: skip
    plan = IncentivePlan.objects.get()
    waiting = client.get(f"/plan/{period.pk}/incentive/").content.decode()
    assert "Proposed formula" in waiting and "No shared incentive yet" in waiting
    contracts.approve(actor=org.sales_head, contract=plan)
    client.force_login(org.front_liner)
    page = client.get(f"/plan/{period.pk}/incentive/").content.decode()
    assert "A pool of <strong>£20,000.00</strong>" in page
    assert "Statement to date" in page and "Payout to date" in page
    assert "Revenue against target" in page and "MQL → SQL rate" in page
