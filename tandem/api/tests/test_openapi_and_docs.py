"""The REST API at /api/v1/, over real HTTP: the OpenAPI schema and the docs page.

Every test goes through the network, the middleware, token auth, the throttle and the
error mapping exactly as an integration would.
"""

from __future__ import annotations

import json

import pytest
import requests

from tandem.api.tests.conftest import assert_error

pytestmark = pytest.mark.usefixtures("fresh_throttle_counts")


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
