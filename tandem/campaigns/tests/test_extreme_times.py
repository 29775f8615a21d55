"""Times already stored at the edges of what Python or PostgreSQL hold: the contact and
account pages and the timeline API still answer (they once gave a 500)."""

from datetime import UTC, datetime

import pytest
from django.db import connection

from tandem.campaigns.models import Touchpoint
from tandem.conftest import bearer
from tandem.crm import services


def _pages_and_timelines_answer(client, org, contact):
    client.force_login(org.marketer)
    for url in (f"/contacts/{contact.pk}/", f"/accounts/{contact.account_id}/", "/contacts/"):
        assert client.get(url).status_code == 200, url
    auth = bearer(org.marketer, "read")
    entries = []
    for url in (
        f"/api/v1/contacts/{contact.pk}/timeline",
        f"/api/v1/accounts/{contact.account_id}/timeline",
    ):
        response = client.get(url, **auth)
        assert response.status_code == 200, url
        entries = response.json()["items"]
    return [entry["occurred_at"] for entry in entries]


def test_pages_show_touches_already_stored_at_year_1_and_9999(client, org, contact):
    # Written around the validation, as a row from before it would be.
    for key, when in (
        ("first", datetime(1, 1, 1, tzinfo=UTC)),
        ("last", datetime(9999, 12, 31, 23, 59, tzinfo=UTC)),
    ):
        Touchpoint.objects.create(
            contact=contact, kind="form", channel="web", occurred_at=when, idempotency_key=key
        )
    services.log_activity(actor=org.marketer, kind="note", subject="Met", contact=contact)
    assert _pages_and_timelines_answer(client, org, contact)[::2] == [
        "9999-12-31T23:59:00Z",
        "0001-01-01T00:00:00Z",
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL stores BC and infinity")
def test_pages_show_times_postgresql_holds_and_python_cannot(client, org, contact):
    touch = Touchpoint.objects.create(
        contact=contact,
        kind="form",
        channel="web",
        occurred_at=datetime(2026, 1, 1, tzinfo=UTC),
        idempotency_key="bc",
    )
    later = Touchpoint.objects.create(
        contact=contact,
        kind="visit",
        channel="web",
        occurred_at=datetime(2026, 1, 1, tzinfo=UTC),
        idempotency_key="inf",
    )
    with connection.cursor() as cursor:  # what 0001-01-01T00:00:00+14:00 became
        cursor.execute(
            "UPDATE campaigns_touchpoint SET occurred_at = %s::timestamptz WHERE id = %s",
            ["0001-01-01T00:00:00+14:00", touch.pk],
        )
        cursor.execute(
            "UPDATE campaigns_touchpoint SET occurred_at = 'infinity' WHERE id = %s", [later.pk]
        )
    assert set(_pages_and_timelines_answer(client, org, contact)) == {
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999Z",
    }
