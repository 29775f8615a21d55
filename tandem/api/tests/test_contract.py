"""The API's contract, checked over every operation of its OpenAPI schema rather than one
example each: ids, unknown fields, body shapes, documented errors, schema names.

Each test walks the schema the API publishes, so an operation added later is covered.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder

from tandem.api.api import api
from tandem.api.services import create_token
from tandem.conftest import grant_capture
from tandem.core.ids import MAX_ID

IMPOSSIBLE = ("99999999999999999999", str(MAX_ID + 1), "0")
# As clients read it: JSON, where status codes are strings.
SCHEMA = json.loads(json.dumps(api.get_openapi_schema(), cls=DjangoJSONEncoder))
COMPONENTS = SCHEMA["components"]["schemas"]
OPERATIONS = [
    (method.upper(), path, operation)
    for path, item in SCHEMA["paths"].items()
    for method, operation in item.items()
]


@pytest.fixture(autouse=True)
def _fresh_throttle_counts() -> None:
    cache.clear()


@pytest.fixture
def call(client, org):
    token, raw = create_token(actor=org.admin, name="contract", scope="write")
    grant_capture(token)  # the touch operations are probed too

    def send(method: str, path: str, body: Any = None, raw_body: str | None = None) -> Any:
        data = raw_body if raw_body is not None else (None if body is None else json.dumps(body))
        return client.generic(
            method,
            path,
            data=data or "",
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )

    return send


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    return COMPONENTS[ref.rsplit("/", 1)[1]] if ref else schema


def _json_body(operation: dict[str, Any]) -> dict[str, Any] | None:
    content = operation.get("requestBody", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema")
    return _resolve(schema) if schema else None


def _is_id(name: str) -> bool:
    return name.endswith(("_id", "_ids")) or name == "team"


def _filled(path: str, value: str = "1") -> str:
    """The path with every parameter given ``value`` (a record label where one goes)."""
    for param in ("label",):
        path = path.replace("{" + param + "}", "people.team")
    while "{" in path:
        start = path.index("{")
        path = path[:start] + value + path[path.index("}") + 1 :]
    return path


PATH_ID_OPERATIONS = [
    (method, path)
    for method, path, operation in OPERATIONS
    if any(p["in"] == "path" and _is_id(p["name"]) for p in operation.get("parameters", []))
]
QUERY_IDS = [
    (method, path, p["name"])
    for method, path, operation in OPERATIONS
    for p in operation.get("parameters", [])
    if p["in"] == "query" and _is_id(p["name"])
]
BODY_IDS = [
    (method, path, name)
    for method, path, operation in OPERATIONS
    if (body := _json_body(operation))
    for name in body.get("properties", {})
    if _is_id(name)
]
JSON_BODY_OPERATIONS = [
    (method, path) for method, path, operation in OPERATIONS if _json_body(operation)
]


def _errors(response: Any) -> list[str]:
    assert response.status_code == 422, (response.status_code, response.content[:500])
    body = response.json()
    assert body["code"] == "invalid", body
    return [e["field"] for e in body["details"]["errors"]]


def test_the_walk_finds_the_ids_and_bodies():
    assert len(PATH_ID_OPERATIONS) >= 40
    assert {("GET", "/api/v1/accounts", "owner_id"), ("GET", "/api/v1/leads", "rep_id")} <= set(
        QUERY_IDS
    )
    assert ("POST", "/api/v1/campaigns/{campaign_id}/members", "contact_ids") in BODY_IDS
    assert ("POST", "/api/v1/routing-rules", "rep_ids") in BODY_IDS
    assert len(JSON_BODY_OPERATIONS) >= 25


@pytest.mark.parametrize(("method", "path"), PATH_ID_OPERATIONS)
@pytest.mark.parametrize("impossible", IMPOSSIBLE)
def test_a_path_id_no_record_can_have_is_404(call, method, path, impossible):
    response = call(method, _filled(path, impossible), {})

    assert response.status_code == 404, (path, response.content[:300])
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(("method", "path", "name"), QUERY_IDS)
def test_a_query_id_past_64_bits_is_422_naming_it(call, method, path, name):
    assert name in _errors(call(method, _filled(path) + f"?{name}=99999999999999999999"))


@pytest.mark.parametrize(("method", "path", "name"), BODY_IDS)
@pytest.mark.parametrize("impossible", [10**20, MAX_ID + 1, 0])
def test_a_body_id_no_record_can_have_is_422_naming_it(call, method, path, name, impossible):
    value = [impossible] if name.endswith("_ids") else impossible
    fields = _errors(call(method, _filled(path), {name: value}))

    assert any(f == name or f.startswith(name + ".") for f in fields), fields


# --- Bodies: only the fields a schema names, only a JSON object --------------------------
@pytest.mark.parametrize(("method", "path"), JSON_BODY_OPERATIONS)
def test_an_unknown_body_field_is_422_naming_it(call, method, path):
    assert "no_such_field" in _errors(call(method, _filled(path), {"no_such_field": 1}))


@pytest.mark.parametrize(("method", "path"), JSON_BODY_OPERATIONS)
@pytest.mark.parametrize("body", ["5", "[]", '"text"', "true", "null"])
def test_a_body_that_is_not_a_json_object_is_422(call, method, path, body):
    response = call(method, _filled(path), raw_body=body)

    assert response.status_code == 422, (path, body, response.content[:300])


def test_a_misspelt_capacity_field_changes_nothing_and_says_so(call, org):
    response = call("PUT", f"/api/v1/users/{org.sales_rep.pk}/capacity", {"max_open_leads": 1})

    assert _errors(response) == ["max_open_leads"]
    org.sales_rep.refresh_from_db()
    assert org.sales_rep.lead_capacity != 1


@pytest.mark.parametrize("value", [["a"], True, {"a": 1}, 5])
def test_a_text_field_given_another_type_is_422_not_stored_as_python_text(call, org, value):
    from tandem.crm.services import create_contact

    contact = create_contact(actor=org.admin, first_name="Jane")
    response = call("PATCH", f"/api/v1/contacts/{contact.pk}", {"first_name": value})

    assert _errors(response) == ["first_name"]
    contact.refresh_from_db()
    assert contact.first_name == "Jane"


@pytest.mark.parametrize("value", [["a"], True, {"a": 1}, 5])
def test_a_bulk_contact_row_with_a_non_text_value_is_rejected_naming_it(call, value):
    rows = [
        {"email": "kept@example.test", "first_name": "Kept"},
        {"email": "bad@example.test", "first_name": value},
    ]
    response = call("POST", "/api/v1/contacts/bulk", {"contacts": rows})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["created"] == 1
    assert body["rejected"] == [{"row": 1, "field": "first_name", "message": "must be text"}]


# --- The schema itself ---------------------------------------------------------------------
def test_schema_names_are_unique():
    """Ninja names a component after its class: two classes of one name made /events
    documented with the lead-lifecycle EventOut and /teams/{id}/members with the campaign
    MemberOut. Every schema class any operation uses has a name of its own."""
    from pydantic import BaseModel

    seen: dict[str, set[str]] = {}
    visited: set[int] = set()

    def walk(model: Any) -> None:
        if isinstance(model, type) and issubclass(model, BaseModel):
            if id(model) in visited:  # ninja's wrappers share one name: go by identity
                return
            visited.add(id(model))
            if model.__module__.startswith("tandem."):
                qualified = f"{model.__module__}.{model.__qualname__}"
                seen.setdefault(model.__name__, set()).add(qualified)
            for field in model.model_fields.values():
                walk(field.annotation)
            return
        for arg in getattr(model, "__args__", ()):
            walk(arg)

    for bound in api._get_bound_routers():
        for path_view in bound.path_operations.values():
            for operation in path_view.operations:
                for model in [*operation.models, *operation.response_models.values()]:
                    walk(model)
    clashes = {name: sorted(found) for name, found in seen.items() if len(found) > 1}
    assert not clashes


@pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS, ids=lambda v: str(v)[:60])
def test_every_operation_documents_its_errors_in_one_shape(method, path, operation):
    responses = operation["responses"]
    expected = {"401", "403", "429"}
    if "{" in path:
        expected.add("404")
    if operation.get("parameters") or "requestBody" in operation:
        expected.add("422")
    assert expected <= set(responses), (method, path, sorted(responses))
    for status in expected:
        schema = responses[status]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/ErrorOut"}
    assert set(COMPONENTS["ErrorOut"]["required"]) == {"code", "message", "details"}


@pytest.mark.parametrize("name", ["idempotency_key", "email", "visitor_id", "utm_source"])
def test_a_touch_row_with_a_non_text_value_is_rejected_naming_it(call, org, name):
    from tandem.crm.services import create_contact

    contact = create_contact(actor=org.admin, first_name="Jane", email="jane@example.test")
    good = {
        "idempotency_key": "k1",
        "kind": "visit",
        "channel": "web",
        "occurred_at": "2026-01-05T09:00:00Z",
        "contact_id": contact.pk,
    }
    bad = {**good, "idempotency_key": "k2", name: ["a"]}
    response = call("POST", "/api/v1/touchpoints/bulk", {"touchpoints": [good, bad]})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["created"] == 1
    assert [(r["row"], r["field"]) for r in body["rejected"]] == [(1, name)]


def test_no_answer_is_held_to_the_rules_for_request_bodies():
    """InputSchema refuses unknown fields and anything but a JSON object; an answer built
    from a stored record (BusinessHoursOut was a BusinessHoursIn) must not inherit that."""
    from tandem.core.schemas import InputSchema

    def models(annotation: Any) -> list[Any]:
        if isinstance(annotation, type):
            return [annotation]
        return [m for arg in getattr(annotation, "__args__", ()) for m in models(arg)]

    for bound in api._get_bound_routers():
        for path_view in bound.path_operations.values():
            for operation in path_view.operations:
                for status, model in operation.response_models.items():
                    if model is None:
                        continue
                    for found in models(model.model_fields["response"].annotation):
                        assert not issubclass(found, InputSchema), (operation.path, status)


BODY_BOOLEANS = [
    (method, path, name)
    for method, path, operation in OPERATIONS
    if (body := _json_body(operation))
    for name, prop in body.get("properties", {}).items()
    if prop.get("type") == "boolean" or {"type": "boolean"} in prop.get("anyOf", [])
]


@pytest.mark.parametrize(("method", "path", "name"), BODY_BOOLEANS)
@pytest.mark.parametrize("value", [0, 1, "true", "no"])
def test_a_body_boolean_given_a_number_or_text_is_422_naming_it(call, method, path, name, value):
    """``clear_away: 0`` was read as false: a schema-violating body accepted."""
    assert name in _errors(call(method, _filled(path), {name: value}))
