"""The REST API at /api/v1/, over real HTTP: every refusal is an error of the one
documented shape, naming the field at fault.

Every test goes through the network, the middleware, token auth, the throttle and the
error mapping exactly as an integration would.
"""

from __future__ import annotations

import pytest

from tandem.api.tests.conftest import assert_error, comments_url
from tandem.notifications.models import Comment
from tandem.people.models import Team

pytestmark = pytest.mark.usefixtures("fresh_throttle_counts")


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
