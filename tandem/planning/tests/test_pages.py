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
