"""The REST API at /api/v1/, over real HTTP: cursor pagination and its limits.

Every test goes through the network, the middleware, token auth, the throttle and the
error mapping exactly as an integration would.
"""

from __future__ import annotations

from typing import Any

import pytest

from tandem.api.tests.conftest import assert_error
from tandem.core.api_pagination import MAX_LIMIT, encode_cursor
from tandem.factories.people import TeamFactory
from tandem.people.models import Team

pytestmark = pytest.mark.usefixtures("fresh_throttle_counts")


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
