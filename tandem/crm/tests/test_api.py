"""The customer record over the REST API (real HTTP against the live server)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.api.services import create_token
from tandem.crm import services
from tandem.crm.models import Account, Activity


def test_create_account_contact_deal_and_log_a_call(api_for, live_org):
    api = api_for(live_org.sales_rep)
    account = api.post("/accounts", json={"name": "Acme", "domain": "https://www.acme.co.uk"})
    assert account.status_code == 201, account.text
    assert account.json()["domain"] == "acme.co.uk"
    account_id = account.json()["id"]
    contact = api.post(
        "/contacts",
        json={"first_name": "Jane", "email": "JANE@acme.co.uk", "account_id": account_id},
    )
    assert contact.status_code == 201 and contact.json()["email"] == "jane@acme.co.uk"
    deal = api.post(
        "/opportunities",
        json={"name": "Array", "account_id": account_id, "amount": "12500.50", "currency": "gbp"},
    )
    assert deal.status_code == 201 and deal.json()["amount"] == "12500.50"
    assert deal.json()["currency"] == "GBP"
    call = api.post(
        "/activities", json={"kind": "call", "subject": "Intro", "contact_id": contact.json()["id"]}
    )
    assert call.status_code == 201 and call.json()["account_id"] == account_id
    timeline = api.get(f"/accounts/{account_id}/timeline").json()
    assert [(e["side"], e["title"]) for e in timeline["items"]] == [("activity", "Intro")]
    lost = api.post(f"/opportunities/{deal.json()['id']}/stage", json={"stage": "lost"})
    assert lost.status_code == 422 and lost.json()["details"]["field"] == "reason"


def test_duplicates_and_bad_input_name_the_field(api_for, live_org):
    api = api_for(live_org.sales_rep)
    api.post("/accounts", json={"name": "Acme", "domain": "acme.co.uk"})
    dup = api.post("/accounts", json={"name": "Acme 2", "domain": "ACME.co.uk"})
    assert dup.status_code == 409 and dup.json()["details"]["field"] == "domain"
    assert dup.json()["code"] == "duplicate_domain"
    bad = api.post("/contacts", json={"email": "nope"})
    assert bad.status_code == 422 and bad.json()["details"]["field"] == "email"
    negative = api.post("/opportunities", json={"name": "X", "account_id": 1, "amount": "-5"})
    assert negative.status_code == 422
    unknown = api.post("/activities", json={"kind": "call", "subject": "x", "contact_id": 99999})
    assert unknown.status_code == 422 and unknown.json()["details"]["field"] == "contact_id"
    huge = api.post("/accounts", json={"name": "x" * 201})
    assert huge.status_code == 422


def test_outsiders_and_read_tokens(api_for, live_org):
    account = services.create_account(actor=live_org.sales_rep, name="Acme")
    outsider = api_for(live_org.outsider)
    assert outsider.get("/accounts").status_code == 403
    assert outsider.get(f"/accounts/{account.pk}").status_code == 404
    assert outsider.post("/accounts", json={"name": "Mine"}).status_code == 403
    reader = api_for(live_org.marketer, scope="read")
    assert reader.get(f"/accounts/{account.pk}").status_code == 200
    assert reader.patch(f"/accounts/{account.pk}", json={"region": "X"}).status_code == 403
    colleague = api_for(live_org.marketer)  # not in the account's team: reads, cannot change
    response = colleague.patch(f"/accounts/{account.pk}", json={"region": "X"})
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert Account.objects.get(pk=account.pk).region == ""


def test_timeline_pages_with_a_cursor(api_for, live_org):
    jane = services.create_contact(actor=live_org.sales_rep, first_name="Jane")
    for n in range(7):
        services.log_activity(actor=live_org.sales_rep, kind="note", subject=f"n{n}", contact=jane)
    api = api_for(live_org.marketer)
    seen, cursor = [], None
    while True:
        page = api.get(
            f"/contacts/{jane.pk}/timeline",
            params={"limit": 3, "cursor": cursor} if cursor else {"limit": 3},
        ).json()
        seen += [e["title"] for e in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == [f"n{n}" for n in range(7)] and len(set(seen)) == 7


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/accounts",
        "/api/v1/contacts",
        "/api/v1/opportunities",
        "/api/v1/contacts/{jane}/timeline",
    ],
)
def test_api_list_query_counts_are_constant(client, org, path):
    _, raw = create_token(actor=org.sales_rep, name="count", scope="read")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    jane = services.create_contact(actor=org.sales_rep, first_name="Jane")
    path = path.format(jane=jane.pk)

    def grow(n, start):
        for i in range(start, start + n):
            account = services.create_account(actor=org.sales_rep, name=f"Co {i}")
            services.create_contact(actor=org.sales_rep, first_name=f"P{i}", account=account)
            services.create_opportunity(actor=org.sales_rep, name=f"D{i}", account=account)
            services.log_activity(actor=org.sales_rep, kind="call", subject=f"c{i}", contact=jane)

    grow(2, 0)
    client.get(path, **headers)
    with CaptureQueriesContext(connection) as few:
        client.get(path, **headers)
    grow(12, 2)
    with CaptureQueriesContext(connection) as many:
        response = client.get(path, **headers)
    assert len(response.json()["items"]) > 3
    assert len(many) == len(few)
    assert Activity.objects.count() == 14


def test_a_task_is_completed_through_the_api(api_for, live_org):
    from datetime import timedelta

    from django.utils import timezone

    contact = services.create_contact(actor=live_org.sales_rep, first_name="Jane")
    task = services.log_activity(
        actor=live_org.sales_rep,
        kind="task",
        subject="Send the quote",
        contact=contact,
        due_at=timezone.now() + timedelta(days=2),
    )
    call = services.log_activity(
        actor=live_org.sales_rep, kind="call", subject="Intro", contact=contact
    )
    rep = api_for(live_org.sales_rep)
    entries = rep.get(f"/contacts/{contact.pk}/timeline").json()["items"]
    listed = next(e for e in entries if e["id"] == task.pk and e["side"] == "activity")
    assert listed["due_at"] is not None and listed["done_at"] is None
    done = rep.post(f"/activities/{task.pk}/done")
    assert done.status_code == 200 and done.json()["done_at"] is not None
    again = rep.post(f"/activities/{task.pk}/done")
    assert again.json()["done_at"] == done.json()["done_at"]  # done once
    not_a_task = rep.post(f"/activities/{call.pk}/done")
    assert not_a_task.status_code == 422 and not_a_task.json()["details"]["field"] == "kind"
    assert api_for(live_org.front_liner).post(f"/activities/{task.pk}/done").status_code == 403
    assert api_for(live_org.outsider).post(f"/activities/{task.pk}/done").status_code == 404
    assert rep.post("/activities/987654/done").status_code == 404
