"""The REST API at /api/v1/, over real HTTP: who may read and change what, per persona.

Every test goes through the network, the middleware, token auth, the throttle and the
error mapping exactly as an integration would.
"""

from __future__ import annotations

import pytest

from tandem.api import services
from tandem.api.models import ApiToken
from tandem.api.tests.conftest import assert_error, comments_url
from tandem.conftest import PERSONA_NAMES
from tandem.notifications.models import Comment

pytestmark = pytest.mark.usefixtures("fresh_throttle_counts")


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
