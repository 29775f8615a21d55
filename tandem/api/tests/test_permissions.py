"""The REST API at /api/v1/, spoken to over real HTTP against the live test server.

Every test goes through the network, the middleware, token auth, the throttle and the
error mapping exactly as an integration would.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from django.core.cache import cache

from tandem.api import services
from tandem.api.models import ApiToken
from tandem.conftest import PERSONA_NAMES
from tandem.core.api_pagination import MAX_LIMIT, encode_cursor
from tandem.factories.people import TeamFactory
from tandem.notifications.models import Comment, Notification
from tandem.people.models import Team

ERROR_KEYS = {"code", "message", "details"}


@pytest.fixture(autouse=True)
def _fresh_throttle_counts() -> None:
    # The throttle counts live in the (locmem) cache, which outlives a test.
    cache.clear()


def assert_error(response: requests.Response, status: int, code: str) -> dict[str, Any]:
    """The response is an error of the one documented shape; returns its body."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == ERROR_KEYS, body
    assert body["code"] == code, body
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["details"], dict)
    return body


def comments_url(team: Team) -> str:
    return f"/records/people.team/{team.pk}/comments"


# --- Who is calling ----------------------------------------------------------------------
def test_me_is_the_tokens_user_with_teams_and_roles(live_org, api_for):
    response = api_for(live_org.marketing_head).get("/me")

    assert response.status_code == 200
    me = response.json()
    assert me["id"] == live_org.marketing_head.pk
    assert me["email"] == "hana@example.test"
    assert me["handle"] == "hana"
    assert me["full_name"] == "Hana Head"
    assert me["is_admin"] is False
    assert me["teams"] == [
        {
            "team_id": live_org.marketing.pk,
            "team": "Marketing",
            "function": Team.Function.MARKETING.value,
            "role": "head",
        }
    ]
    assert "password" not in me


def test_me_for_an_admin_without_teams(live_org, api_for):
    me = api_for(live_org.admin).get("/me").json()
    assert me["id"] == live_org.admin.pk
    assert me["is_admin"] is True
    assert me["teams"] == []


# --- Authentication ----------------------------------------------------------------------
def test_no_token_is_401_with_the_error_shape(live_org, api_for):
    response = api_for().get("/me")
    body = assert_error(response, 401, "unauthenticated")
    assert set(body) == {"code", "message", "details"}
    assert body["details"] == {}


@pytest.mark.parametrize(
    "header",
    [
        "Bearer not-a-token",
        "Bearer tdm_",
        "Bearer tdm_onlytwo",
        "Bearer xyz_0123456789ab_secret",
        "Token tdm_0123456789ab_secret",
        "Bearer tdm_0123456789ab_" + "x" * 43,  # well-formed, unknown key id
    ],
)
def test_malformed_or_unknown_token_is_401(live_org, api_for, header):
    response = requests.get(api_for().base + "/me", headers={"Authorization": header}, timeout=20)
    assert_error(response, 401, "unauthenticated")


def test_right_key_id_with_wrong_secret_is_401(live_org, live_server):
    _token, raw = services.create_token(actor=live_org.marketer, name="real", scope="write")
    forged = raw.rsplit("_", 1)[0] + "_" + "A" * 43
    assert forged != raw
    response = requests.get(
        live_server.url + "/api/v1/me", headers={"Authorization": f"Bearer {forged}"}, timeout=20
    )
    assert_error(response, 401, "unauthenticated")


def test_revoked_token_is_401(live_org, live_server):
    from tandem.conftest import ApiClient

    token, raw = services.create_token(actor=live_org.marketer, name="to revoke", scope="write")
    client = ApiClient(live_server.url, raw)
    assert client.get("/me").status_code == 200

    services.revoke_token(actor=live_org.marketer, token=token)

    assert_error(client.get("/me"), 401, "unauthenticated")
    assert_error(client.get("/teams"), 401, "unauthenticated")


def test_token_of_a_deactivated_user_is_401(live_org, api_for):
    client = api_for(live_org.sales_rep)
    assert client.get("/me").status_code == 200

    live_org.sales_rep.is_active = False
    live_org.sales_rep.save(update_fields=["is_active"])

    assert_error(client.get("/me"), 401, "unauthenticated")


def test_using_a_token_marks_it_used(live_org, live_server):
    from tandem.conftest import ApiClient

    token, raw = services.create_token(actor=live_org.marketer, name="used", scope="read")
    assert token.last_used_at is None
    assert ApiClient(live_server.url, raw).get("/me").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


# --- Read-only tokens --------------------------------------------------------------------
def test_read_token_reads_but_cannot_write(live_org, api_for):
    client = api_for(live_org.marketer, scope="read")
    assert client.get("/me").status_code == 200
    assert client.get(f"/teams/{live_org.sales.pk}").status_code == 200
    before = Comment.objects.count()

    response = client.post(comments_url(live_org.sales), json={"body": "Hello from a script"})

    assert_error(response, 403, "read_only_token")
    assert Comment.objects.count() == before
    assert not Comment.objects.filter(body="Hello from a script").exists()


def test_read_token_cannot_revoke_tokens_either(live_org, api_for):
    client = api_for(live_org.marketer, scope="read")
    token = ApiToken.objects.get(user=live_org.marketer)
    assert_error(client.delete(f"/tokens/{token.pk}"), 403, "read_only_token")
    token.refresh_from_db()
    assert token.revoked_at is None


# --- Error bodies ------------------------------------------------------------------------
def test_unknown_team_is_404_with_the_error_shape(live_org, api_for):
    missing = Team.objects.order_by("-pk").first().pk + 1000
    assert_error(api_for(live_org.marketer).get(f"/teams/{missing}"), 404, "not_found")


def test_unknown_record_kind_is_404(live_org, api_for):
    response = api_for(live_org.marketer).get(f"/records/nope.thing/{live_org.sales.pk}/comments")
    assert_error(response, 404, "not_found")


@pytest.mark.parametrize("body", ["", "x" * 5001])
def test_comment_body_must_be_1_to_5000_characters(live_org, api_for, body):
    before = Comment.objects.count()
    response = api_for(live_org.marketer).post(comments_url(live_org.sales), json={"body": body})

    error = assert_error(response, 422, "invalid")
    fields = [e["field"] for e in error["details"]["errors"]]
    assert fields == ["body"]
    assert all(e["message"] for e in error["details"]["errors"])
    assert "body" in error["message"]
    assert Comment.objects.count() == before


def test_whitespace_only_comment_is_rejected_naming_the_field(live_org, api_for):
    response = api_for(live_org.marketer).post(comments_url(live_org.sales), json={"body": "   "})
    error = assert_error(response, 422, "invalid")
    assert error["details"]["field"] == "body"
    assert Comment.objects.count() == 0


def test_missing_body_is_422_and_non_json_is_400_with_enum_codes(live_org, api_for):
    client = api_for(live_org.marketer)
    error = assert_error(client.post(comments_url(live_org.sales), json={}), 422, "invalid")
    assert [e["field"] for e in error["details"]["errors"]] == ["body"]

    response = client.post(
        comments_url(live_org.sales),
        data="this is not json",
        headers={"Content-Type": "application/json"},
    )
    assert_error(response, 400, "invalid")
    assert Comment.objects.count() == 0


def test_validation_errors_name_nested_fields_by_position_not_by_value(live_org, api_for):
    # A query field and a body field are named plainly; the body field called "body"
    # must not vanish because it shares its name with the request's body.
    client = api_for(live_org.marketer)
    error = assert_error(client.get("/teams", params={"limit": 0}), 422, "invalid")
    assert error["details"]["errors"][0]["field"] == "limit"
    assert "limit" in error["message"]
    error = assert_error(
        client.post(comments_url(live_org.sales), json={"body": ""}), 422, "invalid"
    )
    assert error["message"] == "Some input is not valid: body"


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage!!",
        "bm90LWEtY3Vyc29y",  # base64 of "not-a-cursor"
        "aWQ6Nw",  # base64 of "id:7": wrong kind
        "cGs6YWJj",  # base64 of "pk:abc"
        "//79",  # not UTF-8 once decoded
    ],
)
def test_invalid_cursor_is_422_naming_the_cursor(live_org, api_for, cursor):
    response = api_for(live_org.marketer).get("/teams", params={"cursor": cursor})
    error = assert_error(response, 422, "invalid")
    assert error["details"]["field"] == "cursor"


def test_non_integer_path_id_is_422(live_org, api_for):
    error = assert_error(api_for(live_org.marketer).get("/teams/abc"), 422, "invalid")
    assert error["details"]["errors"][0]["field"] == "team_id"


def test_unknown_route_is_404(live_org, api_for):
    response = api_for(live_org.marketer).get("/no-such-thing")
    assert response.status_code == 404


# --- Pagination --------------------------------------------------------------------------
def test_cursor_pagination_visits_every_team_exactly_once(live_org, api_for):
    TeamFactory.create_batch(7)
    expected = set(Team.objects.values_list("pk", flat=True))
    assert len(expected) == 11
    client = api_for(live_org.marketer)

    seen: list[int] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 3}
        if cursor:
            params["cursor"] = cursor
        response = client.get("/teams", params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        assert set(page) == {"items", "next_cursor"}
        assert 1 <= len(page["items"]) <= 3
        seen.extend(item["id"] for item in page["items"])
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
        assert pages < 10, "pagination does not end"

    assert pages == 4  # 3 + 3 + 3 + 2
    assert len(seen) == len(set(seen)), "a team appeared twice"
    assert set(seen) == expected
    assert seen == sorted(seen)


def test_exact_multiple_of_the_limit_ends_without_an_empty_page(live_org, api_for):
    TeamFactory.create_batch(2)  # 6 teams = 2 pages of 3
    client = api_for(live_org.marketer)
    first = client.get("/teams", params={"limit": 3}).json()
    assert first["next_cursor"]
    second = client.get("/teams", params={"limit": 3, "cursor": first["next_cursor"]}).json()
    assert len(second["items"]) == 3
    assert second["next_cursor"] is None


def test_rows_added_while_paging_do_not_shift_pages(live_org, api_for):
    client = api_for(live_org.marketer)
    first = client.get("/teams", params={"limit": 2}).json()
    TeamFactory.create_batch(2)
    second = client.get("/teams", params={"limit": 2, "cursor": first["next_cursor"]}).json()
    first_ids = {t["id"] for t in first["items"]}
    assert not first_ids & {t["id"] for t in second["items"]}
    assert [t["id"] for t in second["items"]] == [live_org.front_line.pk, live_org.leadership.pk]


def test_cursor_is_opaque_keyset(live_org, api_for):
    response = api_for(live_org.marketer).get(
        "/teams", params={"cursor": encode_cursor(live_org.front_line.pk)}
    )
    assert [t["id"] for t in response.json()["items"]] == [live_org.leadership.pk]


def test_team_list_shows_member_counts(live_org, api_for):
    items = api_for(live_org.marketer).get("/teams").json()["items"]
    counts = {t["name"]: t["member_count"] for t in items}
    assert counts == {"Marketing": 2, "Sales": 2, "Leeds Branch": 1, "Leadership": 1}


@pytest.mark.parametrize("limit", [0, -1, MAX_LIMIT + 1, 1000, "many"])
def test_limit_out_of_range_is_422(live_org, api_for, limit):
    response = api_for(live_org.marketer).get("/teams", params={"limit": limit})
    error = assert_error(response, 422, "invalid")
    assert [e["field"] for e in error["details"]["errors"]] == ["limit"]


def test_limit_at_the_bounds_is_accepted(live_org, api_for):
    client = api_for(live_org.marketer)
    one = client.get("/teams", params={"limit": 1})
    assert one.status_code == 200 and len(one.json()["items"]) == 1
    most = client.get("/teams", params={"limit": MAX_LIMIT})
    assert most.status_code == 200 and len(most.json()["items"]) == 4
    assert most.json()["next_cursor"] is None


# --- Permissions per persona -------------------------------------------------------------
def test_outsider_sees_no_teams_and_cannot_guess_ids(live_org, api_for):
    client = api_for(live_org.outsider)
    response = client.get("/teams")
    assert response.status_code == 200
    assert response.json() == {"items": [], "next_cursor": None}

    for team in (live_org.sales, live_org.marketing):
        assert_error(client.get(f"/teams/{team.pk}"), 404, "not_found")
        assert_error(client.get(f"/teams/{team.pk}/members"), 404, "not_found")
        assert_error(client.get(comments_url(team)), 404, "not_found")
        assert_error(client.post(comments_url(team), json={"body": "hi"}), 404, "not_found")
    assert Comment.objects.count() == 0


@pytest.mark.parametrize(
    "persona", ["marketer", "marketing_head", "sales_rep", "sales_head", "front_liner", "admin"]
)
def test_staff_see_every_team(live_org, api_for, persona):
    response = api_for(getattr(live_org, persona)).get("/teams")
    assert response.status_code == 200
    assert {t["id"] for t in response.json()["items"]} == {
        live_org.marketing.pk,
        live_org.sales.pk,
        live_org.front_line.pk,
        live_org.leadership.pk,
    }


def test_cannot_revoke_another_users_token_by_guessing_its_id(live_org, api_for):
    victim_client = api_for(live_org.sales_rep)
    victim_token = ApiToken.objects.get(user=live_org.sales_rep)

    for attacker in (live_org.marketer, live_org.admin, live_org.outsider):
        response = api_for(attacker).delete(f"/tokens/{victim_token.pk}")
        assert_error(response, 404, "not_found")

    victim_token.refresh_from_db()
    assert victim_token.revoked_at is None
    assert victim_client.get("/me").status_code == 200


def test_token_list_shows_only_your_own_and_never_the_secret(live_org, api_for):
    client = api_for(live_org.marketer)
    api_for(live_org.sales_rep)
    response = client.get("/tokens")
    assert response.status_code == 200
    items = response.json()["items"]
    mine = ApiToken.objects.get(user=live_org.marketer)
    assert [t["id"] for t in items] == [mine.pk]
    assert items[0]["display"] == mine.display
    assert items[0]["scope"] == "write"
    assert "secret_hash" not in items[0]
    assert mine.secret_hash not in response.text


def test_revoking_your_own_token_through_the_api(live_org, api_for):
    keeper = api_for(live_org.marketer)
    other, _ = services.create_token(actor=live_org.marketer, name="old script", scope="read")

    response = keeper.delete(f"/tokens/{other.pk}")

    assert response.status_code == 200
    assert response.json()["id"] == other.pk
    assert response.json()["revoked_at"] is not None
    other.refresh_from_db()
    assert other.revoked_at is not None
    assert keeper.get("/me").status_code == 200  # only the named token was revoked


def test_only_heads_and_admins_add_members(live_org, api_for):
    url = f"/teams/{live_org.marketing.pk}/members"
    payload = {"email": live_org.front_liner.email}

    body = assert_error(api_for(live_org.sales_rep).post(url, json=payload), 403, "forbidden")
    assert "manage members" in body["message"]
    assert_error(api_for(live_org.marketer).post(url, json=payload), 403, "forbidden")
    assert not live_org.marketing.memberships.filter(user=live_org.front_liner).exists()

    head = api_for(live_org.marketing_head)
    response = head.post(url, json=payload)
    assert response.status_code == 201, response.text
    added = response.json()
    assert added["person"]["id"] == live_org.front_liner.pk
    assert added["role"] == "member"
    assert live_org.marketing.memberships.filter(user=live_org.front_liner).count() == 1

    again = head.post(url, json=payload)
    assert_error(again, 409, "already_member")
    assert live_org.marketing.memberships.filter(user=live_org.front_liner).count() == 1

    # The admin manages every team.
    response = api_for(live_org.admin).post(
        url, json={"email": live_org.sales_rep.email.upper(), "role": "head"}
    )
    assert response.status_code == 201, response.text
    assert response.json()["role"] == "head"


def test_adding_an_unknown_email_or_bad_role_names_the_field(live_org, api_for):
    head = api_for(live_org.marketing_head)
    url = f"/teams/{live_org.marketing.pk}/members"

    error = assert_error(head.post(url, json={"email": "nobody@example.test"}), 422, "invalid")
    assert error["details"]["field"] == "email"

    error = assert_error(
        head.post(url, json={"email": live_org.sales_rep.email, "role": "owner"}), 422, "invalid"
    )
    assert [e["field"] for e in error["details"]["errors"]] == ["role"]
    assert not live_org.marketing.memberships.filter(user=live_org.sales_rep).exists()


@pytest.mark.parametrize(
    "persona",
    [name for name in PERSONA_NAMES if name != "admin"],
)
def test_event_log_is_for_admins_only(live_org, api_for, persona):
    assert_error(api_for(getattr(live_org, persona)).get("/events"), 403, "forbidden")


def test_admin_reads_the_event_log(live_org, api_for):
    api_for(live_org.marketer)  # creating a token records an event
    response = api_for(live_org.admin).get("/events", params={"name": "api_token."})
    assert response.status_code == 200
    events = response.json()["items"]
    assert events, "expected api_token.created events"
    assert all(e["name"].startswith("api_token.") for e in events)
    ids = [e["id"] for e in events]
    assert ids == sorted(ids, reverse=True)  # newest first
    assert events[0]["subject_type"] == "api.apitoken"


def test_audit_export_runs_as_a_job_the_admin_can_follow(live_org, api_for):
    admin = api_for(live_org.admin)

    started = admin.post("/audit/exports")

    assert started.status_code == 202, started.text
    job_id = started.json()["id"]
    response = admin.get(f"/jobs/{job_id}")
    assert response.status_code == 200
    job = response.json()
    assert job["id"] == job_id
    assert job["kind"] == "core.audit_export"
    assert job["status"] == "done", job
    assert job["percent"] == 100
    assert job["finished_at"] is not None
    assert job["download_url"]
    assert str(job_id) in job["download_url"]

    # Another (non-admin) person cannot see it, and cannot start one.
    marketer = api_for(live_org.marketer)
    assert_error(marketer.get(f"/jobs/{job_id}"), 404, "not_found")
    assert_error(marketer.post("/audit/exports"), 403, "forbidden")


# --- Comments and notifications ----------------------------------------------------------
def test_mentions_notify_those_who_can_see_and_name_those_who_cannot(live_org, api_for):
    marketer = api_for(live_org.marketer)

    response = marketer.post(comments_url(live_org.sales), json={"body": "Hi @sam and @otto"})

    assert response.status_code == 201, response.text
    posted = response.json()
    assert posted["comment"]["body"] == "Hi @sam and @otto"
    assert posted["comment"]["author"]["id"] == live_org.marketer.pk
    assert [p["id"] for p in posted["notified"]] == [live_org.sales_rep.pk]
    assert [p["handle"] for p in posted["cannot_see"]] == ["otto"]
    assert not Notification.objects.filter(recipient=live_org.outsider).exists()

    comments = marketer.get(comments_url(live_org.sales)).json()["items"]
    assert [c["id"] for c in comments] == [posted["comment"]["id"]]

    rep = api_for(live_org.sales_rep)
    unread = rep.get("/notifications", params={"unread": "true"}).json()["items"]
    assert len(unread) == 1
    note = unread[0]
    assert note["kind"] == "mention"
    assert note["read_at"] is None
    assert "Mia Marketer" in note["text"]

    # The marketer cannot touch the rep's notification, even knowing its id.
    assert_error(marketer.post(f"/notifications/{note['id']}/read"), 404, "not_found")
    assert Notification.objects.get(pk=note["id"]).read_at is None
    assert marketer.get("/notifications").json()["items"] == []

    read = rep.post(f"/notifications/{note['id']}/read")
    assert read.status_code == 200, read.text
    assert read.json()["read_at"] is not None
    assert Notification.objects.get(pk=note["id"]).read_at is not None
    assert rep.get("/notifications", params={"unread": "true"}).json()["items"] == []
    assert len(rep.get("/notifications").json()["items"]) == 1


def test_mentioning_a_handle_that_does_not_exist_notifies_nobody(live_org, api_for):
    response = api_for(live_org.marketer).post(
        comments_url(live_org.sales), json={"body": "Ask @nobody-here please"}
    )
    assert response.status_code == 201, response.text
    assert response.json()["notified"] == []
    assert Notification.objects.count() == 0


def test_hostile_comment_is_stored_verbatim_and_returned_as_json(live_org, api_for):
    hostile = '<script>alert(1)</script> "quoted" & <img src=x onerror=alert(2)>'
    client = api_for(live_org.marketer)

    response = client.post(comments_url(live_org.sales), json={"body": hostile})

    assert response.status_code == 201, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json()["comment"]["body"] == hostile
    stored = Comment.objects.get(pk=response.json()["comment"]["id"])
    assert stored.body == hostile

    listed = client.get(comments_url(live_org.sales))
    assert listed.headers["Content-Type"].startswith("application/json")
    assert listed.json()["items"][0]["body"] == hostile
    # JSON, not HTML: the text is a JSON string value, never markup the server rendered.
    assert json.loads(listed.text)["items"][0]["body"] == hostile
    assert "text/html" not in listed.headers["Content-Type"]


def test_comment_of_exactly_5000_characters_is_accepted(live_org, api_for):
    response = api_for(live_org.marketer).post(
        comments_url(live_org.sales), json={"body": "y" * 5000}
    )
    assert response.status_code == 201, response.text
    assert len(Comment.objects.get().body) == 5000


# --- Rate limit --------------------------------------------------------------------------
def test_rate_limit_answers_429_with_retry_after_per_token(live_org, api_for, settings):
    settings.API_RATE_LIMIT = "3/m"
    cache.clear()
    busy = api_for(live_org.marketer)
    other = api_for(live_org.sales_rep)

    for _ in range(3):
        assert busy.get("/me").status_code == 200

    limited = busy.get("/me")

    assert_error(limited, 429, "rate_limited")
    retry_after = limited.headers.get("Retry-After")
    assert retry_after is not None and retry_after.isdigit(), retry_after
    assert 0 < int(retry_after) <= 60

    # Another token has its own allowance.
    assert other.get("/me").status_code == 200
    # Writes count too, and are refused without being done.
    before = Comment.objects.count()
    assert_error(busy.post(comments_url(live_org.sales), json={"body": "x"}), 429, "rate_limited")
    assert Comment.objects.count() == before


def test_a_second_token_of_the_same_user_is_counted_separately(live_org, api_for, settings):
    settings.API_RATE_LIMIT = "2/m"
    cache.clear()
    first = api_for(live_org.marketer)
    second = api_for(live_org.marketer)
    assert [first.get("/me").status_code for _ in range(3)] == [200, 200, 429]
    assert second.get("/me").status_code == 200


# --- OpenAPI and docs --------------------------------------------------------------------
def test_openapi_schema_is_valid_json_with_the_paths(live_org, api_for):
    # Code generators hold a token, not a session: the token is enough.
    response = api_for(live_org.marketer, scope="read").get("/openapi.json", allow_redirects=False)
    assert response.status_code == 200, response.text[:300]
    assert response.headers["Content-Type"].startswith("application/json")
    schema = json.loads(response.text)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Tandem API"
    for path in (
        "/api/v1/me",
        "/api/v1/teams",
        "/api/v1/teams/{team_id}",
        "/api/v1/tokens/{token_id}",
        "/api/v1/records/{label}/{record_id}/comments",
        "/api/v1/jobs/{job_id}",
    ):
        assert path in schema["paths"], path


def test_openapi_schema_without_credentials_is_401_json(live_org, api_for):
    response = api_for().get("/openapi.json", allow_redirects=False)
    assert_error(response, 401, "unauthenticated")
    bad = requests.get(
        api_for().base + "/openapi.json",
        headers={"Authorization": "Bearer tdm_nope_nope"},
        allow_redirects=False,
        timeout=20,
    )
    assert_error(bad, 401, "unauthenticated")


def test_docs_page_sends_an_anonymous_browser_to_log_in(live_org, live_server):
    response = requests.get(live_server.url + "/api/v1/docs", allow_redirects=False, timeout=20)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "/login/" in location
    assert "next=/api/v1/docs" in location.replace("%2F", "/")


def test_docs_page_opens_for_a_signed_in_person(live_org, live_server):
    session = requests.Session()
    login_url = live_server.url + "/login/"
    session.get(login_url, timeout=20)
    response = session.post(
        login_url,
        data={
            "username": live_org.marketer.email,
            "password": live_org.password,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": login_url},
        allow_redirects=False,
        timeout=20,
    )
    assert response.status_code == 302, response.text[:500]
    docs = session.get(live_server.url + "/api/v1/docs", allow_redirects=False, timeout=20)
    assert docs.status_code == 200
    assert "text/html" in docs.headers["Content-Type"]
    assert "openapi.json" in docs.text
    schema = session.get(live_server.url + "/api/v1/openapi.json", timeout=20)
    assert schema.status_code == 200
    assert "/api/v1/me" in schema.json()["paths"]
