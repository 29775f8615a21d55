"""Touches dated at the edges of time, or valued at NaN: the row is refused with its
index and field, the rest of the batch stored, on SQLite and PostgreSQL alike."""

import csv
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from tandem.api.services import create_token
from tandem.campaigns.models import Campaign, CampaignCost, Touchpoint
from tandem.conftest import grant_capture
from tandem.core.models import Job
from tandem.factories.campaigns import CampaignFactory


@pytest.fixture
def auth(org):
    token, raw = create_token(actor=org.marketer, name="test", scope="write")
    grant_capture(token)  # an integration's token, granted touch capture
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _post(client, auth, path, body):
    return client.post(path, body, content_type="application/json", **auth)


def _touch(key, **fields):
    return {
        "idempotency_key": key,
        "kind": "visit",
        "email": "ann@example.com",
        "occurred_at": "2026-11-01T09:00:00Z",
        **fields,
    }


def test_bulk_touches_at_the_edges_of_time_are_refused_by_row(client, org, auth):
    rows = [
        _touch("ok"),
        _touch("year1", occurred_at="0001-01-01T00:00:00Z"),
        _touch("bc", occurred_at="0001-01-01T00:00:00+14:00"),
        _touch("10k", occurred_at="9999-12-31T23:59:59-14:00"),
        _touch("1899", occurred_at="1899-12-31T23:00:00Z"),
        _touch("ok2", occurred_at="1999-12-31T23:00:00-01:00"),
    ]
    response = _post(client, auth, "/api/v1/touchpoints/bulk", {"touchpoints": rows})
    assert response.status_code == 200, response.content
    result = response.json()
    assert result["created"] == 2
    assert [(r["row"], r["field"]) for r in result["rejected"]] == [
        (1, "occurred_at"),
        (2, "occurred_at"),
        (3, "occurred_at"),
        (4, "occurred_at"),
    ]
    assert "between 1900 and 2200" in result["rejected"][0]["message"]
    assert set(Touchpoint.objects.values_list("idempotency_key", flat=True)) == {"ok", "ok2"}


@pytest.mark.parametrize(("value", "says"), [("NaN", "not a number"), ("Infinity", "infinity")])
def test_a_touch_valued_at_nan_or_infinity_says_so(client, org, auth, value, says):
    rows = [_touch("ok", value="12.50"), _touch("bad", value=value)]
    result = _post(client, auth, "/api/v1/touchpoints/bulk", {"touchpoints": rows}).json()
    assert result["created"] == 1
    [rejected] = result["rejected"]
    assert (rejected["row"], rejected["field"]) == (1, "value")
    assert says in rejected["message"] and "negative" not in rejected["message"]


def test_an_imported_file_reports_the_row_dated_year_1(
    client, org, django_capture_on_commit_callbacks
):
    rows = [
        "idempotency_key,kind,occurred_at,email",
        "t1,visit,2026-11-01T09:00:00Z,ann@example.com",
        "t2,visit,0001-01-01T00:00:00+14:00,ann@example.com",
    ]
    client.force_login(org.marketer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/campaigns/touchpoints/import/",
            {"file": SimpleUploadedFile("touches.csv", "\n".join(rows).encode())},
        )
    job = Job.objects.get()
    assert job.status == "done", job.message
    assert "1 touches added" in job.message and "1 rows rejected" in job.message
    report = list(csv.reader((Path(settings.MEDIA_ROOT) / job.result_file).open()))
    assert report[1][:2] == ["3", "occurred_at"] and "between 1900 and 2200" in report[1][2]


def test_campaign_dates_and_costs_outside_the_range_are_refused(client, org, auth):
    body = {
        "name": "Ancient",
        "type": "webinar",
        "channel": "events",
        "starts_on": "0001-01-01",
        "ends_on": "2026-01-31",
    }
    response = _post(client, auth, "/api/v1/campaigns", body)
    assert response.status_code == 422 and response.json()["details"]["field"] == "starts_on"
    response = _post(
        client,
        auth,
        "/api/v1/campaigns",
        {**body, "starts_on": "2026-01-01", "ends_on": "9999-12-31"},
    )
    assert response.status_code == 422 and response.json()["details"]["field"] == "ends_on"
    assert not Campaign.objects.exists()

    campaign = CampaignFactory(owner=org.marketer)
    cost = {"incurred_on": "1066-10-14", "amount": "10", "description": "Arrows"}
    response = _post(client, auth, f"/api/v1/campaigns/{campaign.pk}/costs", cost)
    assert response.status_code == 422 and response.json()["details"]["field"] == "incurred_on"
    client.force_login(org.marketer)
    page = client.post(
        f"/campaigns/{campaign.pk}/",
        {"form": "cost", "incurred_on": "2201-01-01", "amount": "10", "description": "Later"},
    )
    assert page.status_code == 422 and "incurred_on must be a date between" in page.content.decode()
    assert not CampaignCost.objects.exists()
