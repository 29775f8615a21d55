"""Business hours are wall-clock times in the team's zone: an offset is refused naming the
field (it once gave a 500 on SQLite, and on PostgreSQL a save then a 500), and the
OpenAPI document declares the format the API accepts."""

from datetime import UTC, time

import pytest

from tandem.api.services import create_token
from tandem.core.dates import TIME_OF_DAY_PATTERN
from tandem.core.errors import DomainError
from tandem.handoff import configuration
from tandem.handoff.models import BusinessHours, Holiday


@pytest.fixture
def head(org):
    _, raw = create_token(actor=org.sales_head, name="test", scope="write")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _put_hours(client, head, team, **times):
    body = {"time_zone": "Europe/London", "weekdays": "12345", **times}
    return client.put(
        f"/api/v1/teams/{team.pk}/business-hours", body, content_type="application/json", **head
    )


@pytest.mark.parametrize(
    ("opens_at", "closes_at", "field"),
    [
        ("00:00:00Z", "17:00", "opens_at"),
        ("09:00", "17:00:00+02:00", "closes_at"),
        ("09:00:00.123456-05:00", "17:00", "opens_at"),
        (32400, "17:00", "opens_at"),  # seconds since midnight: not what is declared
        ("9am", "17:00", "opens_at"),
    ],
)
def test_a_time_with_an_offset_or_another_shape_is_refused(
    client, org, head, opens_at, closes_at, field
):
    response = _put_hours(client, head, org.sales, opens_at=opens_at, closes_at=closes_at)
    assert response.status_code == 422, response.content
    assert [e["field"] for e in response.json()["details"]["errors"]] == [field]
    assert not BusinessHours.objects.exists()


def test_local_times_are_stored_and_answered_one_way(client, org, head):
    response = _put_hours(client, head, org.sales, opens_at="08:30", closes_at="17:00:00")
    assert response.status_code == 200, response.content
    assert (response.json()["opens_at"], response.json()["closes_at"]) == ("08:30:00", "17:00:00")
    got = client.get(f"/api/v1/teams/{org.sales.pk}/business-hours", **head).json()
    assert (got["opens_at"], got["closes_at"]) == ("08:30:00", "17:00:00")
    hours = BusinessHours.objects.get()
    assert (hours.opens_at, hours.closes_at) == (time(8, 30), time(17))


def test_the_service_refuses_an_offset_from_any_door(org):
    with pytest.raises(DomainError) as refused:
        configuration.set_business_hours(
            actor=org.sales_head,
            team=org.sales,
            time_zone="Europe/London",
            opens_at=time(9, tzinfo=UTC),
            closes_at=time(17),
            weekdays="12345",
        )
    assert refused.value.field == "opens_at"
    assert not BusinessHours.objects.exists()


def test_the_openapi_document_declares_what_is_accepted(client, head):
    document = client.get("/api/v1/openapi.json", **head).json()
    schemas = document["components"]["schemas"]
    for name in ("BusinessHoursIn", "BusinessHoursOut"):
        for field in ("opens_at", "closes_at"):
            declared = schemas[name]["properties"][field]
            assert declared.get("format") != "time", (name, field)  # RFC 3339 needs an offset
            assert declared["pattern"] == TIME_OF_DAY_PATTERN


def test_holidays_and_absences_outside_the_range_are_refused(client, org, head):
    response = client.post(
        f"/api/v1/teams/{org.sales.pk}/holidays",
        {"day": "0001-01-01", "name": "Year one"},
        content_type="application/json",
        **head,
    )
    assert response.status_code == 422 and response.json()["details"]["field"] == "day"
    assert not Holiday.objects.exists()
    response = client.put(
        f"/api/v1/users/{org.sales_rep.pk}/capacity",
        {"away_until": "9999-12-31"},
        content_type="application/json",
        **head,
    )
    assert response.status_code == 422 and response.json()["details"]["field"] == "away_until"
    org.sales_rep.refresh_from_db()
    assert org.sales_rep.away_until is None
