"""The REST API at /api/v1/, over real HTTP: who is calling, which tokens are let in,
and what a read-only token may do.

Every test goes through the network, the middleware, token auth, the throttle and the
error mapping exactly as an integration would.
"""

from __future__ import annotations

import pytest
import requests

from tandem.api import services
from tandem.api.models import ApiToken
from tandem.api.tests.conftest import assert_error, comments_url
from tandem.notifications.models import Comment
from tandem.people.models import Team

pytestmark = pytest.mark.usefixtures("fresh_throttle_counts")


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
