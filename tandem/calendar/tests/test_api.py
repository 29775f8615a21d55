"""The calendar through the API: items by date range with filters, a move with its
version check, and readiness, with the pages' permissions."""

from datetime import date

import pytest

from tandem.calendar.tests.test_calendar import plan  # noqa: F401  (the fixture)
from tandem.conftest import bearer

JSON = {"content_type": "application/json"}


def test_items_in_a_range_with_filters(client, org, plan):  # noqa: F811
    auth = bearer(org.front_liner, "read")
    body = client.get("/api/v1/calendar/items?first=2026-12-01&last=2026-12-31", **auth).json()
    names = {i["name"] for i in body["items"]}
    assert names == {
        "Heat-pump webinar",
        "Harrogate show",
        "New year mailing",
        "Press release",
        "December e-mails",
    }
    show = next(i for i in body["items"] if i["name"] == "Harrogate show")
    assert show["uid"] == str(plan["show"].uid) and show["needs_readiness"] is True
    assert show["readiness"] is None and show["version"] == 1
    shows = client.get(
        "/api/v1/calendar/items?first=2026-12-01&last=2026-12-31&type=trade_show", **auth
    ).json()["items"]
    assert [i["name"] for i in shows] == ["Harrogate show"]
    north = client.get(
        "/api/v1/calendar/items?first=2027-01-01&last=2027-01-31&region=North", **auth
    ).json()["items"]
    assert [i["name"] for i in north] == ["New year mailing"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("first=2026-12-31&last=2026-12-01", "last"),
        ("first=2026-01-01&last=2027-06-01", "last"),
        ("first=yesterday&last=2026-12-01", "first"),
        ("last=2026-12-01", "first"),
    ],
)
def test_a_bad_range_names_its_field(client, org, query, field):
    response = client.get(f"/api/v1/calendar/items?{query}", **bearer(org.marketer, "read"))
    assert response.status_code == 422
    body = response.json()
    fields = [e["field"] for e in body["details"].get("errors", [])] or [body["details"]["field"]]
    assert field in fields


def test_moving_and_marking_through_the_api(client, org, plan):  # noqa: F811
    show = plan["show"]
    url = f"/api/v1/calendar/items/{show.pk}"
    moved = client.post(
        f"{url}/move",
        {"starts_on": "2027-01-11", "ends_on": "2027-01-13", "version": 1},
        **JSON,
        **bearer(org.marketer),
    )
    assert moved.status_code == 200 and moved.json()["sequence"] == 1
    stale = client.post(
        f"{url}/move",
        {"starts_on": "2027-02-11", "ends_on": "2027-02-13", "version": 1},
        **JSON,
        **bearer(org.marketer),
    )
    assert stale.status_code == 409 and stale.json()["code"] == "edit_conflict"
    assert "(dates)" in stale.json()["message"]
    rep = client.post(
        f"{url}/move",
        {"starts_on": "2027-02-11", "ends_on": "2027-02-13", "version": 2},
        **JSON,
        **bearer(org.sales_rep),
    )
    assert rep.status_code == 403
    assert client.get(f"{url}/readiness", **bearer(org.marketer, "read")).status_code == 404
    marked = client.put(
        f"{url}/readiness",
        {"status": "ready", "reps_briefed": True, "collateral_signed_off": True,
         "capacity_booked": True},
        **JSON,
        **bearer(org.sales_head),
    )  # fmt: skip
    assert marked.status_code == 200 and marked.json()["status"] == "ready"
    item = client.get(url, **bearer(org.marketer, "read")).json()
    assert item["readiness"]["status"] == "ready" and item["starts_on"] == "2027-01-11"
    refused = client.put(
        f"{url}/readiness", {"status": "ready"}, **JSON, **bearer(org.marketing_head)
    )
    assert refused.status_code == 403
    assert client.get(url, **bearer(org.outsider, "read")).status_code == 404
    assert client.get("/api/v1/calendar/items/99999999", **bearer(org.marketer)).status_code == 404
    assert show.starts_on == date(2026, 12, 7)  # the fixture's copy; the database moved on
