from datetime import date
from decimal import Decimal

from django.utils import timezone

from tandem.budget import spending
from tandem.budget.returns import ranking
from tandem.crm import services as crm
from tandem.crm.models import Opportunity
from tandem.factories.budget import make_line, make_period


def test_sales_lines_get_the_deals_of_the_reps_they_fund_on_the_same_scale(org):
    period = make_period(org.executive, timezone.localdate().year)
    month = period.months[0]
    sales = make_line(org.sales_rep, period, org.sales, name="Sam", funds=[org.sales_rep])
    marketing = make_line(org.marketer, period, org.marketing, name="Ads")
    spending.record_spend(actor=org.sales_rep, line=sales, amount="100", spent_on=month)
    account = crm.create_account(actor=org.sales_rep, name="Acme")
    deal = crm.create_opportunity(actor=org.sales_rep, name="Big", account=account)
    Opportunity.objects.filter(pk=deal.pk).update(
        amount=Decimal("1000"), currency=period.currency, stage="won", closed_at=timezone.now(),
        owner=org.sales_rep,
    )  # fmt: skip
    found = ranking(period, org.front_liner)
    first, second = found["rows"]
    assert first["line"] == sales and first["revenue"] == Decimal("1000.00")
    assert first["revenue_per_pound"] == Decimal("10.00")
    assert first["pipeline_per_pound"] == Decimal("10.00")
    assert second["line"] == marketing and second["revenue_per_pound"] is None
    assert date.today()  # the period is this year's: the deal closed in it


def test_cost_per_opportunity_joins_the_shared_scorecard(org):
    """The budget's spend over the opportunities opened, on the planning scorecard."""
    from django.utils import timezone

    from tandem.budget import services, spending
    from tandem.factories.budget import make_line
    from tandem.factories.crm import OpportunityFactory
    from tandem.planning.scorecard import scorecard
    from tandem.planning.services import open_period

    today = timezone.localdate()
    period = open_period(actor=org.executive, starts_on=today)
    line = make_line(org.marketer, period, org.marketing, planned="0")
    month = today.replace(day=1)
    services.set_plan(actor=org.marketer, line=line, amounts={month.strftime("%Y-%m"): "900"})
    spending.record_spend(actor=org.marketer, line=line, amount="600", spent_on=today)
    OpportunityFactory.create_batch(3)
    found = {s.kpi.key: s for s in scorecard(period, side="shared")}
    cost = found["cost_per_opportunity"]
    assert cost.kpi.side == "shared" and cost.to_date == 200


def test_the_campaigns_return_is_computed_on_asking_never_on_a_page_view(client, org):
    """A campaign line's return reads the stored attribution reports; the page offers to
    compute them, and only its POST queues the work (as the campaign page)."""
    from tandem.attribution.models import AttributionReport
    from tandem.campaigns.services import create_campaign
    from tandem.core.models import Job

    period = make_period(org.executive, timezone.localdate().year)
    campaign = create_campaign(
        actor=org.marketer, name="Ads", type="email", channel="email",
        starts_on=period.months[0], ends_on=period.months[1],
    )  # fmt: skip
    make_line(org.marketer, period, org.marketing, name="Ads", campaigns=[campaign])
    client.force_login(org.front_liner)
    url = f"/budget/periods/{period.pk}/return/"
    page = client.get(url).content.decode()
    assert "not computed yet" in page and "Compute the campaigns' return now" in page
    assert not Job.objects.exists() and not AttributionReport.objects.exists()
    assert client.post(url).status_code == 302
    assert AttributionReport.objects.count() == 2  # pipeline and revenue, in GBP
    assert Job.objects.count() == 2
    assert "being computed in the background" in client.get(url).content.decode()
