"""The opportunity's record page (properties, stage, timeline) and its edits: the whole
form, one property in place (htmx, the same URL), and PATCH in the API."""

import json
from datetime import date
from decimal import Decimal

import pytest

from tandem.conftest import STAFF_NAMES, bearer
from tandem.crm import services
from tandem.crm.models import Activity, Opportunity
from tandem.factories.people import UserFactory


@pytest.fixture
def deal(org):
    acme = services.create_account(actor=org.sales_rep, name="Acme Solar")
    return services.create_opportunity(
        actor=org.sales_rep,
        name="Rooftop array",
        account=acme,
        amount="10000",
        close_date=date(2026, 6, 30),
    )


def edit_url(deal, field=""):
    return f"/opportunities/{deal.pk}/edit/" + (f"?field={field}" if field else "")


HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.mark.parametrize("persona", STAFF_NAMES)
def test_everyone_who_works_here_reads_the_record_page(client, org, deal, persona):
    client.force_login(getattr(org, persona))
    page = client.get(f"/opportunities/{deal.pk}/").content.decode()
    assert "Rooftop array" in page and "£10,000.00" in page
    assert "Weighted amount" in page and "£1,000.00" in page  # qualification: 10%
    assert 'id="timeline"' in page
    can_edit = persona in ("sales_rep", "sales_head", "admin")
    assert ("Edit all" in page) is can_edit
    assert ('aria-label="Edit amount"' in page) is can_edit


def test_outsiders_and_unknown_ids_get_404(client, org, deal):
    client.force_login(org.outsider)
    for url in (f"/opportunities/{deal.pk}/", edit_url(deal), edit_url(deal, "amount")):
        assert client.get(url).status_code == 404
    assert client.post(edit_url(deal, "amount"), {"amount": "1"}).status_code == 404
    client.force_login(org.sales_rep)
    assert client.get("/opportunities/999999/edit/").status_code == 404


@pytest.mark.parametrize("persona", ["marketer", "front_liner", "executive", "marketing_head"])
def test_other_teams_may_not_edit(client, org, deal, persona):
    client.force_login(getattr(org, persona))
    assert client.get(edit_url(deal)).status_code == 403
    assert client.post(edit_url(deal, "amount"), {"amount": "1"}, **HTMX).status_code == 403
    deal.refresh_from_db()
    assert deal.amount == Decimal("10000.00")


def test_a_property_is_edited_in_place(client, org, deal):
    client.force_login(org.sales_rep)
    shown = client.get(edit_url(deal, "amount"), **HTMX)
    text = shown.content.decode()
    assert shown.status_code == 200 and text.lstrip().startswith('<article id="properties"')
    assert 'name="amount"' in text and 'name="currency"' not in text
    assert "HX-Request" in shown.headers["Vary"]
    saved = client.post(edit_url(deal, "amount"), {"amount": "12,5"}, **HTMX)
    assert saved.status_code == 422
    assert "amount must be a number" in saved.content.decode()
    assert 'name="amount"' in saved.content.decode()  # the form again, with the error
    saved = client.post(edit_url(deal, "amount"), {"amount": "12500.50"}, **HTMX)
    text = saved.content.decode()
    assert saved.status_code == 200 and "£12,500.50" in text and "Saved." in text
    assert 'name="amount"' not in text
    deal.refresh_from_db()
    assert deal.amount == Decimal("12500.50")
    # Cancel: the side column as it is.
    assert 'name="amount"' not in client.get(edit_url(deal), **HTMX).content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("currency", "XYZ", "not a currency code we know"),
        ("amount", "-5", "amount cannot be negative"),
        ("amount", "1000000000000", "amount is too large"),
        ("name", " ", "required"),
        ("close_date", "31/02/2026", "Enter a valid date"),
    ],
)
def test_bad_values_in_place_name_the_field(client, org, deal, field, value, message):
    client.force_login(org.sales_rep)
    refused = client.post(edit_url(deal, field), {field: value}, **HTMX)
    assert refused.status_code == 422
    text = refused.content.decode()
    assert message in text and f'name="{field}"' in text


def test_an_owner_who_cannot_own_deals_is_not_offered_nor_accepted(client, org, deal):
    gone = UserFactory(full_name="Gone Person", is_active=False)
    org.sales.memberships.create(user=gone, role="member")
    client.force_login(org.sales_rep)
    form = client.get(edit_url(deal, "owner"), **HTMX).content.decode()
    assert "Sid Head" in form and "Gone Person" not in form and "Otto Outsider" not in form
    refused = client.post(edit_url(deal, "owner"), {"owner": org.outsider.pk}, **HTMX)
    assert refused.status_code == 422 and "Select a valid choice" in refused.content.decode()
    moved = client.post(edit_url(deal, "owner"), {"owner": org.sales_head.pk}, **HTMX)
    assert moved.status_code == 200 and "Sid Head" in moved.content.decode()


def test_the_whole_form_without_javascript(client, org, deal):
    client.force_login(org.sales_head)
    page = client.get(edit_url(deal)).content.decode()
    for name in ("name", "amount", "currency", "close_date", "stage", "reason", "owner"):
        assert f'name="{name}"' in page
    body = {
        "name": "Rooftop array (two sites)",
        "amount": "18000",
        "currency": "EUR",
        "close_date": "2026-08-31",
        "stage": "lost",
        "reason": "",
        "owner": org.sales_rep.pk,
    }
    refused = client.post(edit_url(deal), body)
    assert refused.status_code == 422 and "Say why it was lost" in refused.content.decode()
    assert Opportunity.objects.get(pk=deal.pk).stage == "qualification"
    saved = client.post(edit_url(deal), {**body, "stage": "negotiation"})
    assert saved.status_code == 302 and saved.url == f"/opportunities/{deal.pk}/"
    deal.refresh_from_db()
    assert (deal.name, deal.amount, deal.currency, deal.close_date, deal.stage) == (
        "Rooftop array (two sites)",
        Decimal("18000.00"),
        "EUR",
        date(2026, 8, 31),
        "negotiation",
    )
    # One field without JS: a page with that field alone, back to the record after.
    one = client.get(edit_url(deal, "close_date")).content.decode()
    assert 'name="close_date"' in one and 'name="amount"' not in one


def test_the_record_page_shows_the_timeline_and_logs_on_the_deal(client, org, deal):
    client.force_login(org.sales_rep)
    logged = client.post(
        f"/records/crm.opportunity/{deal.pk}/activities/",
        {"kind": "meeting", "subject": "Site survey booked"},
    )
    assert logged.status_code == 302 and logged.url == f"/opportunities/{deal.pk}/"
    meeting = Activity.objects.get(subject="Site survey booked")
    assert meeting.opportunity_id == deal.pk and meeting.account_id == deal.account_id
    commented = client.post(
        f"/records/crm.opportunity/{deal.pk}/comments/", {"body": "Customer wants June"}
    )
    assert commented.status_code == 302
    client.post(edit_url(deal, "amount"), {"amount": "11000"}, **HTMX)
    page = client.get(f"/opportunities/{deal.pk}/").content.decode()
    for shown in (
        "Site survey booked",
        "Customer wants June",
        "amount 10,000.00 → 11,000.00",
        "Created",
    ):
        assert shown in page, shown
    changes = client.get(f"/opportunities/{deal.pk}/?side=change", **HTMX).content.decode()
    assert changes.lstrip().startswith('<section id="timeline"')
    assert "amount 10,000.00 → 11,000.00" in changes and "Site survey booked" not in changes


# --- API ------------------------------------------------------------------------------------
def patch(client, user, deal_id, body, scope="write"):
    return client.patch(
        f"/api/v1/opportunities/{deal_id}",
        json.dumps(body),
        content_type="application/json",
        **bearer(user, scope),
    )


def test_patch_changes_what_it_names(client, org, deal):
    response = patch(
        client,
        org.sales_rep,
        deal.pk,
        {
            "amount": "15000.25",
            "currency": "usd",
            "stage": "proposal",
            "owner_id": org.sales_head.pk,
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["amount"], body["currency"], body["stage"], body["owner_id"]) == (
        "15000.25",
        "USD",
        "proposal",
        org.sales_head.pk,
    )
    assert body["probability"] == 75 and body["weighted_amount"] == "11250.19"
    assert body["name"] == "Rooftop array" and body["close_date"] == "2026-06-30"
    cleared = patch(client, org.sales_rep, deal.pk, {"close_date": None}).json()
    assert cleared["close_date"] is None and cleared["amount"] == "15000.25"


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"currency": "XYZ"}, "unknown_currency", "currency"),
        ({"amount": "-1"}, "invalid", "amount"),
        ({"amount": "1e13"}, "invalid", "amount"),
        ({"amount": "lots"}, "invalid", "amount"),
        ({"stage": "lost"}, "lost_without_reason", "reason"),
        ({"stage": "closed"}, "unknown_stage", "stage"),
        ({"close_date": "30/06/2026"}, "invalid", "close_date"),
        ({"name": ""}, "invalid", "name"),
        ({"owner_id": "OUTSIDER"}, "owner_not_member", "owner_id"),
        ({"owner_id": 999999}, "invalid", "owner_id"),
        ({"probability": 50}, "invalid", "probability"),
    ],
)
def test_patch_refusals_name_the_field(client, org, deal, body, code, field):
    if body.get("owner_id") == "OUTSIDER":
        body = {"owner_id": org.outsider.pk}
    response = patch(client, org.sales_rep, deal.pk, body)
    assert response.status_code == 422, response.content
    error = response.json()
    assert error["code"] == code
    assert field in json.dumps(error["details"]), error
    assert Opportunity.objects.get(pk=deal.pk).amount == Decimal("10000.00")


def test_patch_permissions(client, org, deal):
    assert patch(client, org.marketer, deal.pk, {"amount": "1"}).status_code == 403
    assert patch(client, org.front_liner, deal.pk, {"amount": "1"}).status_code == 403
    assert patch(client, org.sales_rep, deal.pk, {"amount": "1"}, scope="read").status_code == 403
    assert patch(client, org.outsider, deal.pk, {"amount": "1"}).status_code == 404
    assert patch(client, org.sales_head, 999999, {"amount": "1"}).status_code == 404
    assert Opportunity.objects.get(pk=deal.pk).amount == Decimal("10000.00")
    assert patch(client, org.sales_head, deal.pk, {"amount": "1"}).status_code == 200


def test_the_timeline_through_the_api(client, org, deal):
    patch(client, org.sales_rep, deal.pk, {"stage": "proposal"})
    response = client.get(
        f"/api/v1/opportunities/{deal.pk}/timeline", **bearer(org.marketer, "read")
    )
    assert response.status_code == 200
    items = response.json()["items"]
    assert [(i["side"], i["kind"]) for i in items] == [
        ("change", "opportunity.stage_changed"),
        ("change", "opportunity.created"),
    ]
    assert json.loads(items[0]["detail"]) == {"from": "qualification", "to": "proposal"}
    outsider = client.get(
        f"/api/v1/opportunities/{deal.pk}/timeline", **bearer(org.outsider, "read")
    )
    assert outsider.status_code == 404
