import json
from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.approvals.models import ApprovalRequest
from tandem.budget import spending
from tandem.budget.reallocation import propose_reallocation
from tandem.conftest import bearer
from tandem.factories.budget import make_line

JSON = "application/json"


def _post(client, user, path, body):
    return client.post(f"/api/v1{path}", json.dumps(body), content_type=JSON, **bearer(user))


def test_a_line_is_added_planned_spent_from_and_read(client, org, period):
    created = _post(
        client, org.sales_rep, "/budget/lines",
        {"period_id": period.pk, "team_id": org.sales.pk, "name": "Reps", "category": "headcount",
         "funds_ids": [org.sales_rep.pk]},
    )  # fmt: skip
    assert created.status_code == 201, created.content
    line = created.json()["id"]
    planned = client.put(
        f"/api/v1/budget/lines/{line}/plan",
        json.dumps({"total": "1200", "months": ["2027-01", "2027-02"]}),
        content_type=JSON,
        **bearer(org.sales_rep),
    )
    assert planned.json()["planned"] == "1200.00"
    spent = _post(
        client,
        org.sales_rep,
        f"/budget/lines/{line}/spend",
        {"amount": "100", "spent_on": "2027-01-03"},
    )
    assert spent.status_code == 201 and spent.json()["rate"] is None
    months = client.get(f"/api/v1/budget/lines/{line}/months", **bearer(org.front_liner)).json()
    assert months[0]["actual"] == "100.00" and months[0]["available"] == "500.00"


def test_errors_name_the_field(client, org, period, mline):
    too_much = _post(
        client,
        org.marketer,
        f"/budget/lines/{mline.pk}/spend",
        {"amount": "5000", "spent_on": "2027-01-03"},
    )
    assert too_much.status_code == 409 and too_much.json()["code"] == "budget_overdrawn"
    negative = _post(
        client,
        org.marketer,
        f"/budget/lines/{mline.pk}/spend",
        {"amount": "-5", "spent_on": "2027-01-03"},
    )
    assert negative.status_code == 422
    euros = _post(
        client, org.marketer, f"/budget/lines/{mline.pk}/spend",
        {"amount": "5", "spent_on": "2027-01-03", "currency": "EUR"},
    )  # fmt: skip
    assert euros.status_code == 422 and euros.json()["code"] == "budget_currency_mismatch"
    outside = _post(
        client, org.marketer, f"/budget/lines/{mline.pk}/commitments",
        {"number": "P", "supplier": "S", "amount": "5", "month": "2031-01"},
    )  # fmt: skip
    assert outside.status_code == 422 and outside.json()["code"] == "budget_month_outside"


def test_a_proposal_is_decided_through_the_approvals_api(client, org, mline, sline):
    made = _post(
        client, org.marketer, "/budget/reallocations",
        {"from_line_id": mline.pk, "to_line_id": sline.pk, "amount": "100", "rationale": "Events"},
    )  # fmt: skip
    assert made.status_code == 201, made.content
    request_id = made.json()["approval_request_id"]
    mine = _post(
        client,
        org.marketer,
        f"/approvals/{request_id}/decide",
        {"outcome": "approve", "version": 1},
    )
    assert mine.status_code in (403, 409, 422)
    for head in (org.marketing_head, org.sales_head):
        answer = _post(
            client, head, f"/approvals/{request_id}/decide", {"outcome": "approve", "version": 1}
        )
        assert answer.status_code == 200, answer.content
    sline.refresh_from_db()
    assert str(sline.planned) == "1300.00"


def test_guessed_ids_are_404_and_outsiders_see_nothing(client, org, mline):
    assert client.get("/api/v1/budget/lines/999999", **bearer(org.marketer)).status_code == 404
    assert client.get(f"/api/v1/budget/lines/{mline.pk}", **bearer(org.outsider)).status_code == 404


def _count(client, user, path):
    with CaptureQueriesContext(connection) as ctx:
        answer = client.get(f"/api/v1{path}", **bearer(user))
    assert answer.status_code == 200, answer.content
    return len(ctx)


def test_api_lists_keep_their_query_count(client, org, period, mline, sline):
    def more(i):
        make_line(org.marketer, period, org.marketing, name=f"L{i}")
        spending.record_spend(actor=org.marketer, line=mline, amount="1", spent_on=date(2027, 1, 2))
        spending.add_commitment(
            actor=org.marketer,
            line=mline,
            number=f"P{i}",
            supplier="S",
            amount="1",
            month="2027-01",
        )
        propose_reallocation(
            actor=org.marketer, from_line=mline, to_line=sline, amount="1", rationale="x"
        )

    more(0)
    paths = [
        "/budget/budgets",
        f"/budget/lines?period_id={period.pk}",
        f"/budget/lines/{mline.pk}/spend",
        f"/budget/lines/{mline.pk}/commitments",
        "/budget/reallocations",
        f"/budget/periods/{period.pk}/return",
    ]
    few = [_count(client, org.sales_rep, p) for p in paths]
    for i in range(1, 8):
        more(i)
    assert [_count(client, org.sales_rep, p) for p in paths] == few
    assert ApprovalRequest.objects.count() == 8
