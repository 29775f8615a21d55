"""The rules the services enforce, declared in the published schema and held to there:
what the schema calls valid is accepted, what it calls invalid is refused (422 naming
the field), and a date is ISO text, never a number."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder

from tandem.api.api import api
from tandem.api.services import create_token
from tandem.attribution.models import MAX_LOOKBACK_DAYS
from tandem.campaigns.models import Campaign
from tandem.core.api_pagination import encode_cursor
from tandem.core.errors import DomainError
from tandem.core.ids import MAX_ID
from tandem.handoff import configuration, contracts
from tandem.people import services as people_services

SCHEMA = json.loads(json.dumps(api.get_openapi_schema(), cls=DjangoJSONEncoder))
COMPONENTS = SCHEMA["components"]["schemas"]


@pytest.fixture(autouse=True)
def _fresh_throttle_counts() -> None:
    cache.clear()


@pytest.fixture
def call(client, org):
    _, raw = create_token(actor=org.admin, name="rules", scope="write")

    def send(method: str, path: str, body: Any = None) -> Any:
        return client.generic(
            method,
            f"/api/v1{path}",
            data="" if body is None else json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )

    return send


def _fields(response: Any) -> list[str]:
    """Every field a 422 names, whichever layer refused it."""
    assert response.status_code == 422, (response.status_code, response.content[:400])
    details = response.json()["details"]
    return [e["field"] for e in details.get("errors", [])] + [details.get("field")]


def _variants(schema: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in schema.get("anyOf", [schema]) if s.get("type") != "null"]


def _body(name: str) -> dict[str, Any]:
    return COMPONENTS[name]["properties"]


def _query(method: str, path: str) -> dict[str, dict[str, Any]]:
    operation = SCHEMA["paths"][f"/api/v1{path}"][method]
    return {p["name"]: p["schema"] for p in operation.get("parameters", [])}


# --- Dates: ISO text only, in range, at the schema level -----------------------------------
@pytest.mark.parametrize("value", [0, 1_700_000_000, 0.5, True, "0", "1700000000"])
def test_away_until_given_a_number_is_422_not_1970(call, org, value):
    response = call("PUT", f"/users/{org.sales_rep.pk}/capacity", {"away_until": value})

    assert "away_until" in _fields(response)
    org.sales_rep.refresh_from_db()
    assert org.sales_rep.away_until is None


@pytest.mark.parametrize("value", ["0", "20261205", "1700000000"])
def test_the_report_period_given_as_a_number_is_422_naming_it(call, value):
    assert "start" in _fields(call("GET", f"/attribution/report?start={value}"))
    assert "end" in _fields(call("POST", "/attribution/report/refresh", {"end": 0}))


def test_a_date_outside_the_range_is_refused_by_the_schema_naming_it(call, org):
    response = call("POST", f"/teams/{org.sales.pk}/holidays", {"day": "1899-12-31", "name": "x"})

    assert response.json()["details"]["errors"][0]["field"] == "day"


def test_a_time_without_its_zone_is_refused_by_the_schema_naming_it(call, org):
    body = {"kind": "call", "subject": "Hi", "occurred_at": "2026-01-05T09:00:00"}

    assert call("POST", "/activities", body).json()["details"]["errors"][0]["field"] == (
        "occurred_at"
    )


def test_every_input_date_is_declared_as_iso_text_within_the_range():
    found = 0
    for schema in [
        *(prop for comp in COMPONENTS.values() for prop in comp.get("properties", {}).values()),
        *(
            p["schema"]
            for item in SCHEMA["paths"].values()
            for op in item.values()
            for p in op.get("parameters", [])
        ),
    ]:
        for variant in _variants(schema):
            if variant.get("format") in ("date", "date-time") and "readOnly" not in variant:
                found += 1
                assert variant["type"] == "string"
    inputs = [
        _body("CapacityIn")["away_until"],
        _body("HolidayIn")["day"],
        _body("CampaignIn")["starts_on"],
        _body("CostIn")["incurred_on"],
        _body("ActivityIn")["due_at"],
        _query("get", "/attribution/report")["start"],
    ]
    for schema in inputs:
        (variant,) = _variants(schema)
        assert variant["pattern"].startswith("^(19"), schema
    assert found >= len(inputs)


# --- Ranges and required text: declared where the service enforces them ---------------------
def test_the_contract_ranges_are_declared_from_the_services_constants():
    report, refresh = _query("get", "/attribution/report"), _body("ScopeIn")
    for lookback in (report["lookback_days"], refresh["lookback_days"]):
        (variant,) = _variants(lookback)
        assert (variant["minimum"], variant["maximum"]) == (1, MAX_LOOKBACK_DAYS)
    scoring, sla = _body("ScoringModelIn"), _body("SlaPolicyIn")
    assert (scoring["threshold"]["minimum"], scoring["threshold"]["maximum"]) == contracts.THRESHOLD
    mqls = sla["mqls_per_month"]
    assert (mqls["minimum"], mqls["maximum"]) == contracts.MQLS_PER_MONTH
    assert sla["tiers"]["minItems"] == scoring["rules"]["minItems"] == 1
    assert _body("TierIn")["tier"]["enum"] == ["high", "medium", "low"]
    assert _body("CapacityIn")["lead_capacity"]["anyOf"][0]["maximum"] == (
        people_services.MAX_LEAD_CAPACITY
    )


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("AccountIn", "name"),
        ("AccountPatch", "name"),
        ("OpportunityIn", "name"),
        ("CampaignIn", "name"),
        ("CostIn", "description"),
        ("ConsentIn", "source"),
        ("ProfileIn", "full_name"),
        ("HolidayIn", "name"),
        ("RoutingRuleIn", "name"),
        ("RejectionReasonIn", "label"),
    ],
)
def test_a_required_name_is_declared_not_blank(component, field):
    (variant,) = _variants(_body(component)[field])
    assert variant["pattern"] == r"\S"


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("POST", "/accounts", {"name": "   "}, "name"),
        ("PATCH", "/me", {"full_name": " \t"}, "full_name"),
        ("PUT", "/rejection-reasons", {"code": "ok", "label": "  "}, "label"),
    ],
)
def test_a_blank_required_name_is_refused_by_the_schema(call, method, path, body, field):
    response = call(method, path, body)

    assert response.json()["details"]["errors"][0]["field"] == field


def test_a_reason_code_with_no_letter_or_digit_is_refused_as_declared(call, org):
    assert _body("RejectionReasonIn")["code"]["pattern"] == "[A-Za-z0-9]"
    assert "code" in _fields(call("PUT", "/rejection-reasons", {"code": "é", "label": "Accent"}))
    # The service holds the same rule for every door: "é" slugified to "e" and was stored.
    with pytest.raises(DomainError) as refused:
        configuration.save_rejection_reason(actor=org.sales_head, code="é", label="Accent")
    assert refused.value.field == "code"
    saved = configuration.save_rejection_reason(actor=org.sales_head, code="No Budget", label="x")
    assert saved.code == "no-budget"


# --- Cursors: what the schema admits is what Tandem issues and reads --------------------------
def test_a_cursor_is_declared_by_the_pattern_tandem_cursors_match():
    pattern = _query("get", "/teams")["cursor"]["anyOf"][0]["pattern"]
    timeline = _query("get", "/contacts/{contact_id}/timeline")["cursor"]["anyOf"][0]["pattern"]

    assert re.fullmatch(pattern, encode_cursor(MAX_ID))
    assert not re.fullmatch(pattern, "garbage") and not re.fullmatch(pattern, "")
    assert timeline != pattern


@pytest.mark.parametrize("cursor", ["pk0", "pk" + "9" * 19, "pk" + "0" * 19])
def test_any_cursor_the_schema_admits_is_read(call, cursor):
    response = call("GET", f"/teams?cursor={cursor}")

    assert response.status_code == 200, response.content


def test_an_empty_cursor_is_refused_as_the_schema_says(call):
    assert "cursor" in _fields(call("GET", "/teams?cursor="))


# --- Numbers are not booleans ----------------------------------------------------------------
@pytest.mark.parametrize("value", [False, True])
def test_a_number_given_as_true_or_false_is_422_naming_it(call, org, value):
    """Pydantic's lax integers read false as 0: the full probe's "bad input accepted"."""
    capacity = call("PUT", f"/users/{org.sales_rep.pk}/capacity", {"lead_capacity": value})
    assert "lead_capacity" in _fields(capacity)
    campaign = {
        "name": "Spring",
        "type": "webinar",
        "channel": "events",
        "starts_on": "2026-03-01",
        "ends_on": "2026-03-31",
        "expected_leads_per_week": value,
    }
    assert "expected_leads_per_week" in _fields(call("POST", "/campaigns", campaign))
    assert not Campaign.objects.exists()
