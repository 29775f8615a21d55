"""Campaign pages, the public web form over real HTTP, and the bulk touchpoint API."""

import pytest
import requests
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.campaigns import capture
from tandem.campaigns.models import Campaign, Touchpoint
from tandem.campaigns.tests.conftest import make_campaign
from tandem.conftest import STAFF_NAMES
from tandem.crm.models import Contact


@pytest.mark.parametrize("persona", STAFF_NAMES)
def test_campaign_pages_for_everyone_who_works_here(client, org, persona):
    campaign = make_campaign(org.marketer)
    client.force_login(getattr(org, persona))
    for url in (
        "/campaigns/",
        f"/campaigns/{campaign.pk}/",
        f"/records/campaigns.campaign/{campaign.pk}/history/",
    ):
        assert client.get(url).status_code == 200, url
    # Planning one is the office's: the front line only once an administrator grants it.
    planning = client.get("/campaigns/new/").status_code
    assert planning == (403 if persona == "front_liner" else 200)


def test_outsiders_see_no_campaigns(client, org):
    campaign = make_campaign(org.marketer)
    client.force_login(org.outsider)
    assert client.get("/campaigns/").status_code == 403
    assert client.get(f"/campaigns/{campaign.pk}/").status_code == 404


def test_planning_a_campaign_and_adding_a_cost_from_the_page(client, org):
    client.force_login(org.marketer)
    bad = client.post(
        "/campaigns/new/",
        {
            "name": "Backwards",
            "type": "email",
            "channel": "email",
            "starts_on": "2026-05-01",
            "ends_on": "2026-04-01",
            "planned_budget": "100",
            "currency": "GBP",
            "expected_leads_per_week": "5",
        },
    )
    assert "cannot end before it starts" in bad.content.decode()
    response = client.post(
        "/campaigns/new/",
        {
            "name": "May mailer",
            "type": "email",
            "channel": "email",
            "starts_on": "2026-05-01",
            "ends_on": "2026-05-31",
            "planned_budget": "800",
            "currency": "GBP",
            "expected_leads_per_week": "5",
        },
    )
    campaign = Campaign.objects.get(name="May mailer")
    assert response["Location"] == f"/campaigns/{campaign.pk}/"
    negative = client.post(
        f"/campaigns/{campaign.pk}/",
        {"form": "cost", "incurred_on": "2026-05-02", "amount": "-5", "description": "x"},
    )
    assert negative.status_code == 422 and "cannot be negative" in negative.content.decode()
    client.force_login(org.sales_rep)
    assert (
        client.post(f"/campaigns/{campaign.pk}/", {"form": "status", "status": "cut"}).status_code
        == 403
    )


def test_the_web_form_works_over_plain_http_without_csrf(live_server, live_org):
    cache.clear()
    campaign = make_campaign(live_org.marketer, channel="content", type="content")
    url = f"{live_server.url}/f/{campaign.form_key}/"
    hosted = requests.get(url + "?utm_source=flyer", timeout=10)
    assert hosted.status_code == 200 and 'value="flyer"' in hosted.text
    posted = requests.post(
        url,
        timeout=10,
        data={
            "email": "walk.in@example.com",
            "first_name": "<script>alert(1)</script>",
            "utm_source": "flyer",
            "consent": "on",
        },
    )
    assert posted.status_code == 200 and "Thank you" in posted.text
    contact = Contact.objects.get(email="walk.in@example.com")
    assert contact.first_name == "<script>alert(1)</script>"  # stored as typed, shown escaped
    assert Touchpoint.objects.get(contact=contact).utm_source == "flyer"
    bad = requests.post(url, data={"email": "nope"}, timeout=10)
    assert bad.status_code == 422 and "valid e-mail" in bad.text
    missing = requests.post(f"{live_server.url}/f/not-a-key/", data={"email": "a@b.co"}, timeout=10)
    assert missing.status_code == 404


def test_bulk_touchpoints_over_the_api(api_for, live_org):
    campaign = make_campaign(live_org.marketer)
    api = api_for(live_org.marketer, capture=True)
    batch = {
        "touchpoints": [
            {
                "idempotency_key": f"k{n}",
                "kind": "email_click",
                "email": f"p{n}@example.com",
                "campaign_id": campaign.pk,
                "occurred_at": "2026-11-01T09:00:00Z",
            }
            for n in range(3)
        ]
        + [
            {
                "idempotency_key": "bad",
                "kind": "visit",
                "occurred_at": "yesterday",
                "email": "x@example.com",
            }
        ]
    }
    first = api.post("/touchpoints/bulk", json=batch)
    assert first.status_code == 200, first.text
    assert first.json()["created"] == 3
    assert first.json()["rejected"] == [
        {
            "row": 3,
            "field": "occurred_at",
            "message": "Give the time as ISO 8601, e.g. 2026-11-22T09:30:00Z.",
        }
    ]
    again = api.post("/touchpoints/bulk", json=batch).json()
    assert again["created"] == 0 and again["duplicates"] == 3
    too_many = api.post("/touchpoints/bulk", json={"touchpoints": [{}] * 1001})
    assert too_many.status_code == 422
    reader = api_for(live_org.marketer, scope="read")
    assert reader.post("/touchpoints/bulk", json=batch).status_code == 403
    contact = Contact.objects.get(email="p0@example.com")
    timeline = api.get(f"/contacts/{contact.pk}/timeline").json()["items"]
    assert [(e["side"], e["kind"]) for e in timeline] == [("touch", "email_click")]


def test_campaign_list_query_count_is_constant(client, org):
    client.force_login(org.marketer)
    make_campaign(org.marketer)
    with CaptureQueriesContext(connection) as few:
        client.get("/campaigns/")
    for n in range(12):
        make_campaign(org.marketing_head, name=f"Campaign {n}")
    with CaptureQueriesContext(connection) as many:
        client.get("/campaigns/")
    assert len(many) == len(few)


def test_timeline_query_count_does_not_grow_with_touches(client, org):
    from tandem.crm.services import create_contact, log_activity

    jane = create_contact(actor=org.sales_rep, first_name="Jane", email="jane@example.com")
    client.force_login(org.sales_rep)
    log_activity(actor=org.sales_rep, kind="call", subject="Call", contact=jane)
    with CaptureQueriesContext(connection) as few:
        client.get(f"/contacts/{jane.pk}/")
    campaign = make_campaign(org.marketer)
    capture.ingest_touchpoints(
        actor=org.marketer,
        rows=[
            {
                "idempotency_key": f"t{n}",
                "kind": "visit",
                "contact_id": jane.pk,
                "campaign_id": campaign.pk,
                "occurred_at": "2026-11-01T09:00:00Z",
            }
            for n in range(30)
        ],
    )
    for n in range(5):
        log_activity(actor=org.sales_head, kind="note", subject=f"n{n}", contact=jane)
    with CaptureQueriesContext(connection) as many:
        client.get(f"/contacts/{jane.pk}/")
    assert len(many) == len(few)


def test_the_campaign_list_counts_each_campaigns_touches(client, org):
    busy = make_campaign(org.marketer, name="Busy")
    make_campaign(org.marketer, name="Quiet")
    capture.ingest_touchpoints(
        actor=org.marketer,
        rows=[
            {
                "idempotency_key": f"c{n}",
                "kind": "visit",
                "email": "a@example.com",
                "campaign_id": busy.pk,
                "occurred_at": "2026-11-01T09:00:00Z",
            }
            for n in range(3)
        ],
    )
    client.force_login(org.sales_rep)
    page = client.get("/campaigns/").content.decode()
    busy_row = page[page.index(">Busy</a>") :].split("</tr>")[0]
    quiet_row = page[page.index(">Quiet</a>") :].split("</tr>")[0]
    assert "<td>3</td>" in busy_row and "<td>0</td>" in quiet_row


def test_campaign_export_and_parent_campaigns(client, org):
    series = make_campaign(org.marketer, name="Trade shows 2026", type="trade_show")
    client.force_login(org.marketer)
    response = client.post(
        "/campaigns/new/",
        {
            "name": "=Harrogate show",
            "type": "trade_show",
            "channel": "events",
            "starts_on": "2026-03-10",
            "ends_on": "2026-03-12",
            "planned_budget": "900",
            "currency": "GBP",
            "expected_leads_per_week": "10",
            "parent": str(series.pk),
        },
    )
    child = Campaign.objects.get(name="=Harrogate show")
    assert response.status_code == 302 and child.parent == series
    parent_page = client.get(f"/campaigns/{series.pk}/").content.decode()
    assert f'href="/campaigns/{child.pk}/"' in parent_page
    assert "Part of" in client.get(f"/campaigns/{child.pk}/").content.decode()
    exported = b"".join(client.get("/campaigns/export.csv?q=harrogate").streaming_content)
    text = exported.decode("utf-8-sig")
    assert "'=Harrogate show" in text and "Trade shows 2026" in text  # the parent column
    assert "Spring heat pumps" not in text
