"""Times and amounts out of range are refused at every door of the customer record,
naming the field, and nothing is stored."""

import pytest

from tandem.conftest import bearer
from tandem.core.errors import DomainError
from tandem.crm import services


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("occurred_at", "0001-01-01T00:00:00Z"),
        ("occurred_at", "0001-01-01T00:00:00+14:00"),
        ("due_at", "9999-12-31T23:59:59-14:00"),
        ("due_at", "2026-11-22T09:00:00"),  # no zone: whose nine o'clock?
    ],
)
def test_the_activity_api_refuses_times_out_of_range(client, org, contact, field, value):
    body = {"kind": "task", "subject": "Call", "contact_id": contact.pk, "due_at": None}
    body[field] = value
    if field == "occurred_at":
        body["due_at"] = "2026-11-22T09:00:00Z"
    response = client.post(
        "/api/v1/activities", body, content_type="application/json", **bearer(org.marketer)
    )
    assert response.status_code == 422, response.content
    assert response.json()["details"]["field"] == field
    assert not contact.activities.exists()


def test_the_activity_form_refuses_year_1(client, org, contact):
    client.force_login(org.marketer)
    response = client.post(
        f"/records/crm.contact/{contact.pk}/activities/",
        {"kind": "task", "subject": "Call", "due_at": "0001-01-01T00:00"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422 and b"due_at must be a time between 1900" in response.content
    assert not contact.activities.exists()


def test_an_opportunity_refuses_a_close_date_of_year_1_and_a_nan_amount(client, org, contact):
    auth = bearer(org.sales_rep)
    body = {"name": "Deal", "account_id": contact.account_id, "close_date": "0001-01-01"}
    response = client.post("/api/v1/opportunities", body, content_type="application/json", **auth)
    assert response.status_code == 422 and response.json()["details"]["field"] == "close_date"
    with pytest.raises(DomainError) as refused:
        services.create_opportunity(
            actor=org.sales_rep, name="Deal", account=contact.account, amount="NaN"
        )
    assert refused.value.field == "amount" and "not a number" in refused.value.message
    with pytest.raises(DomainError) as refused:
        services.create_opportunity(
            actor=org.sales_rep, name="Deal", account=contact.account, amount="Infinity"
        )
    assert "infinity" in refused.value.message
