"""The set-based write path (``core.bulk``) on touchpoints, as ingest uses it (moved from
crm's tests: they write campaigns' table)."""

from datetime import UTC, datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.campaigns.models import Touchpoint
from tandem.core import bulk, history_writes
from tandem.crm.models import Contact


def test_insert_new_skips_keys_already_stored(org):
    columns = ["idempotency_key", "channel", "kind", "occurred_at", "recorded_at", "visitor_id"]
    columns += ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"]
    now = datetime.now(UTC)
    row = ("k1", "web", "visit", now, now, "v1", "", "", "", "", "")
    assert bulk.insert_new(Touchpoint, columns, [row], unique="idempotency_key") == 1
    second = (*row[:5], "v2", *row[6:])  # the same key again, another visitor
    other = ("k2", *row[1:])
    assert bulk.insert_new(Touchpoint, columns, [second, other], unique="idempotency_key") == 1
    stored = dict(Touchpoint.objects.values_list("idempotency_key", "visitor_id"))
    assert stored == {"k1": "v1", "k2": "v1"}  # the first write of a key stands
    assert Touchpoint.objects.get(idempotency_key="k1").occurred_at == now


def test_bulk_statements_are_counted_like_the_orms(org):
    now = datetime.now(UTC)
    columns = ["idempotency_key", "channel", "kind", "occurred_at", "recorded_at", "visitor_id"]
    columns += ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"]
    with CaptureQueriesContext(connection) as queries:
        bulk.insert_new(
            Touchpoint,
            columns,
            [("q1", "web", "visit", now, now, "", "", "", "", "", "")],
            unique="idempotency_key",
        )
        history_writes.create_with_history(
            Contact, ["first_name"], [("Counted",)], actor=org.marketer, source="import"
        )
    statements = " ".join(q["sql"] for q in queries.captured_queries)
    assert "campaigns_touchpoint" in statements
    assert "crm_contact" in statements and "crm_historicalcontact" in statements
