"""The plan through the API: periods, a target set and one proposed and decided through
the approvals API, the funnel's figures and overrides, plan against actual, the
scorecard and the shared incentive, with the pages' permissions and the one error body."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.conftest import bearer
from tandem.planning.services import open_period, propose_target
from tandem.planning.tests.conftest import make_funnel

JSON = {"content_type": "application/json"}
API = "/api/v1/planning"


def test_the_executive_opens_a_year_and_sets_the_target_and_a_head_proposes(client, org):
    exec_ = bearer(org.executive)
    opened = client.post(f"{API}/periods", {"year": 2027}, **JSON, **exec_)
    assert opened.status_code == 201, opened.content
    period = opened.json()
    assert period["name"] == "FY 2027" and len(period["months"]) == 12
    again = client.post(f"{API}/periods", {"year": 2027}, **JSON, **exec_)
    assert again.status_code == 409 and again.json()["code"] == "planning_period_exists"
    refused = client.post(f"{API}/periods", {"year": 2028}, **JSON, **bearer(org.sales_head))
    assert refused.status_code == 403

    url = f"{API}/periods/{period['id']}/targets"
    body = {"quarters": {"1": 300000, "2": 300000}, "note": "Board"}
    set_ = client.post(url, body, **JSON, **exec_)
    assert set_.status_code == 201 and set_.json()["status"] == "active"
    proposed = client.post(url, {"quarters": {"1": 350000}}, **JSON, **bearer(org.sales_head))
    assert proposed.status_code == 201 and proposed.json()["status"] == "proposed"
    request_id = proposed.json()["approval_request_id"]
    decided = client.post(
        f"/api/v1/approvals/{request_id}/decide",
        {"outcome": "approve", "version": 1},
        **JSON,
        **exec_,
    )
    assert decided.status_code == 200, decided.content
    listed = client.get(url, **bearer(org.front_liner)).json()["items"]
    assert [t["status"] for t in listed] == ["active", "superseded"]

    bad = client.post(url, {"quarters": {"7": 1}}, **JSON, **exec_)
    assert bad.status_code == 422 and bad.json()["details"]["field"] == "quarters"
    split = client.post(
        url,
        {"quarters": {"1": 100}, "dimension": "region", "split": {"North": {"1": 60}}},
        **JSON,
        **exec_,
    )
    assert split.status_code == 422 and split.json()["code"] == "planning_target_split"


def test_the_funnel_its_figures_and_overrides(client, org):
    period = open_period(actor=org.executive, year=2027)
    propose_target(actor=org.executive, period=period, quarters={"2": "90000"})
    head = bearer(org.marketing_head)
    override = client.post(
        f"{API}/periods/{period.pk}/assumptions",
        {"key": "lead_mql", "applies": "override", "value": 30, "reason": "Nurture"},
        **JSON,
        **head,
    )
    assert override.status_code == 200
    figure = next(f for f in override.json() if f["key"] == "lead_mql")
    assert (figure["source"], figure["value"], figure["reason"]) == ("override", 0.3, "Nurture")
    zero = client.post(
        f"{API}/periods/{period.pk}/assumptions",
        {"key": "win_rate", "applies": "override", "value": 0, "reason": "x"},
        **JSON,
        **head,
    )
    assert zero.status_code == 422 and zero.json()["code"] == "planning_rate_unusable"
    rep = client.post(
        f"{API}/periods/{period.pk}/assumptions",
        {"key": "win_rate", "applies": "override", "value": 20, "reason": "x"},
        **JSON,
        **bearer(org.sales_rep),
    )
    assert rep.status_code == 403
    funnel = client.get(f"{API}/periods/{period.pk}/funnel", **bearer(org.sales_rep)).json()
    assert funnel["totals"]["wins"] == 9  # 90,000 at the default 10,000 a deal
    assert {f["source"] for f in funnel["figures"]} == {"default", "override"}
    april = next(m for m in funnel["by_when"] if m["month"] == "2027-04-01")
    assert [s["stage"] for s in april["steps"]][-1] == "wins"
    cleared = client.delete(f"{API}/periods/{period.pk}/assumptions/lead_mql/override", **head)
    assert next(f for f in cleared.json() if f["key"] == "lead_mql")["source"] == "default"
    actual = client.get(f"{API}/periods/{period.pk}/actuals", **head).json()
    assert len(actual) == 12 and actual[3]["revenue_target"] == "30000.00"


def test_the_scorecard_and_the_incentive(client, org):
    period = open_period(actor=org.executive, starts_on=date.today())
    make_funnel(leads=4, mql=4, accepted=4, sql=4, won=2, lost=2, days_ago=1, lags=(0, 0, 0, 0))
    card = client.get(f"{API}/periods/{period.pk}/scorecard?side=sales", **bearer(org.marketer))
    assert card.status_code == 200
    win = next(k for k in card.json() if k["key"] == "win_rate")
    assert win["to_date"] == 50 and win["side"] == "sales"
    wrong = client.get(f"{API}/periods/{period.pk}/scorecard?side=finance", **bearer(org.marketer))
    assert wrong.status_code == 422
    targets = client.post(
        f"{API}/periods/{period.pk}/kpi-targets",
        {"key": "win_rate", "value": 25},
        **JSON,
        **bearer(org.sales_head),
    )
    assert next(k for k in targets.json() if k["key"] == "win_rate")["attainment"] == 200

    none = client.get(f"{API}/periods/{period.pk}/incentive/statement", **bearer(org.marketer))
    assert none.status_code == 404 and none.json()["code"] == "planning_no_incentive"
    body = {
        "pool": "10000.00",
        "measures": [{"key": "mql_sql_rate", "weight": 100, "threshold": 50, "cap": 150}],
    }
    sales_only = {**body, "measures": [{"key": "win_rate", "weight": 100}]}
    refused = client.post(
        f"{API}/periods/{period.pk}/incentives", sales_only, **JSON, **bearer(org.marketing_head)
    )
    assert refused.status_code == 422 and refused.json()["details"]["field"] == "measures[0].key"
    made = client.post(
        f"{API}/periods/{period.pk}/incentives", body, **JSON, **bearer(org.marketing_head)
    )
    assert made.status_code == 201 and made.json()["status"] == "proposed"
    client.post(
        f"/api/v1/approvals/{made.json()['approval_request_id']}/decide",
        {"outcome": "approve", "version": 1},
        **JSON,
        **bearer(org.sales_head),
    )
    statement = client.get(
        f"{API}/periods/{period.pk}/incentive/statement", **bearer(org.front_liner)
    ).json()
    # No MQL -> SQL target: nothing attained, nothing paid, and the statement says so.
    assert statement["lines"][0]["attainment"] is None and statement["payout"] == "0.00"


def test_a_guessed_period_is_a_404_and_outsiders_are_refused(client, org):
    period = open_period(actor=org.executive, year=2027)
    assert client.get(f"{API}/periods/{period.pk + 99}", **bearer(org.marketer)).status_code == 404
    # Someone in no team is told nothing is there, as for every record.
    outsider = client.get(f"{API}/periods/{period.pk}", **bearer(org.outsider))
    assert outsider.status_code == 404


def test_lists_read_the_same_queries_however_many_rows(client, org):
    auth = bearer(org.marketer)
    period = open_period(actor=org.executive, year=2027)
    propose_target(actor=org.executive, period=period, quarters={"1": "1"})
    client.get(f"{API}/periods", **auth)  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as few:
        client.get(f"{API}/periods/{period.pk}/targets", **auth)
    for n in range(2, 6):
        propose_target(actor=org.sales_head, period=period, quarters={"1": str(n)})
    with CaptureQueriesContext(connection) as many:
        client.get(f"{API}/periods/{period.pk}/targets", **auth)
    assert len(many) == len(few)
    for year in (2028, 2029, 2030):
        open_period(actor=org.executive, year=year)
    with CaptureQueriesContext(connection) as periods:
        assert len(client.get(f"{API}/periods", **auth).json()["items"]) == 4
    assert len(periods) <= len(few)
