from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.budget import spending
from tandem.budget.models import BudgetLine, Reallocation, Spend
from tandem.budget.querysets import spend_by_team_and_month
from tandem.budget.reallocation import propose_reallocation
from tandem.factories.budget import make_line


def _lines(org, period, n):
    for i in range(n):
        line = make_line(org.marketer, period, org.marketing, name=f"Line {i}")
        spending.record_spend(actor=org.marketer, line=line, amount="10", spent_on=date(2027, 2, 3))


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(ctx)


def test_the_overview_shows_lines_by_team_and_reads_in_a_fixed_number_of_queries(
    client, org, period, mline, sline
):
    propose_reallocation(
        actor=org.marketer, from_line=mline, to_line=sline, amount="5", rationale="x"
    )
    client.force_login(org.sales_rep)
    url = f"/budget/periods/{period.pk}/"
    few = _queries(client, url)
    _lines(org, period, 12)
    many = _queries(client, url)
    assert many == few
    page = client.get(url).content.decode()
    assert "Marketing" in page and "Sales" in page and "£" in page
    assert 'data-chart="budget-data"' in page and "Reallocations waiting" in page


def test_an_empty_budget_says_what_to_do(client, org, period):
    client.force_login(org.marketer)
    assert "Add the first line" in client.get(f"/budget/periods/{period.pk}/").content.decode()
    assert client.get("/budget/").status_code == 302


def test_the_line_and_return_pages_keep_their_query_count(client, org, period, mline, sline):
    client.force_login(org.marketer)

    def one_of_each(i):
        spending.record_spend(actor=org.marketer, line=mline, amount="1", spent_on=date(2027, 3, 1))
        spending.add_commitment(
            actor=org.marketer,
            line=mline,
            number=f"PO{i}",
            supplier="S",
            amount="1",
            month="2027-04",
        )
        propose_reallocation(
            actor=org.marketer, from_line=mline, to_line=sline, amount="1", rationale="x"
        )

    one_of_each(0)
    few = _queries(client, f"/budget/lines/{mline.pk}/")
    few_return = _queries(client, f"/budget/periods/{period.pk}/return/")
    _lines(org, period, 6)
    for i in range(1, 7):
        one_of_each(i)
    assert _queries(client, f"/budget/lines/{mline.pk}/") == few
    assert _queries(client, f"/budget/periods/{period.pk}/return/") == few_return


def test_forms_write_through_the_services(client, org, period, mline, sline):
    client.force_login(org.marketer)
    response = client.post(
        f"/budget/periods/{period.pk}/lines/new/",
        {"team": org.marketing.pk, "name": "Print", "category": "print", "total": "1200"},
    )
    assert response.status_code == 302
    line = BudgetLine.objects.get(name="Print")
    assert line.planned == Decimal("1200.00")
    response = client.post(
        f"/budget/lines/{line.pk}/spend/", {"amount": "5000", "spent_on": "2027-01-05"}
    )
    assert response.status_code == 422 and "below zero" in response.content.decode()
    client.post(f"/budget/lines/{line.pk}/spend/", {"amount": "50", "spent_on": "2027-01-05"})
    assert Spend.objects.filter(line=line).count() == 1
    response = client.post(
        f"/budget/lines/{line.pk}/propose/",
        {
            "to_line": sline.pk,
            "amount": "100",
            "rationale": "Sales needs it",
            "months": ["2027-12-01"],
        },
    )
    assert response.status_code == 302
    assert Reallocation.objects.get().months == ["2027-12-01"]


def test_the_export_is_budget_against_actual_by_line_and_month(client, org, period, mline):
    client.force_login(org.front_liner)
    response = client.get(f"/budget/periods/{period.pk}/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_spend_by_team_and_month(org, period, mline, sline):
    spending.record_spend(actor=org.sales_rep, line=sline, amount="30", spent_on=date(2027, 5, 9))
    rows = spend_by_team_and_month(period.pk)
    assert len(rows) == 24
    may = [r for r in rows if r["month"] == date(2027, 5, 1)]
    assert {(r["function"], r["actual"]) for r in may} == {
        ("marketing", 0),
        ("sales", Decimal("30.00")),
    }


@pytest.mark.parametrize("who", ["outsider"])
def test_a_guessed_id_is_a_404(client, org, mline, who):
    client.force_login(getattr(org, who))
    assert client.get(f"/budget/lines/{mline.pk}/").status_code == 404
    client.force_login(org.marketer)
    assert client.get(f"/budget/lines/{mline.pk + 999}/").status_code == 404


def test_money_freed_by_a_cut_campaign_shows_on_the_budget(client, org, period, mline):
    from django.utils import timezone

    from tandem.calendar.models import KillDecision
    from tandem.campaigns.services import create_campaign

    campaign = create_campaign(
        actor=org.marketer, name="Flop", type="email", channel="email",
        starts_on=date(2027, 1, 1), ends_on=date(2027, 2, 1),
    )  # fmt: skip
    mline.campaigns.add(campaign)
    KillDecision.objects.create(
        campaign=campaign, outcome="cut", freed_budget=Decimal("750"), decided_at=timezone.now()
    )
    client.force_login(org.sales_head)
    page = client.get(f"/budget/periods/{period.pk}/").content.decode()
    assert "Freed by cut campaigns" in page and "£750.00" in page
    assert "Flop, cut" in page and f"/budget/lines/{mline.pk}/propose/" in page


def test_a_proposal_waits_on_the_decisions_page_for_both_heads(client, org, mline, sline):
    propose_reallocation(
        actor=org.marketer, from_line=mline, to_line=sline, amount="25", rationale="Trade show"
    )
    client.force_login(org.sales_head)
    page = client.get("/decisions/").content.decode()
    assert "Move £25.00 from Webinars to Enablement" in page
    client.force_login(org.marketer)
    line_page = client.get(f"/budget/lines/{mline.pk}/").content.decode()
    assert "Trade show" in line_page or "a head of a sales team" in line_page
