"""/api/v1/approvals/: one router decides every kind (the contracts' own use of it is
tested in handoff and attribution)."""

from tandem.approvals.tests.conftest import ask

APPROVE = {"outcome": "approve", "version": 1}


def test_withdraw_and_override_through_the_api(api_for, live_org, kinds):
    review = ask(live_org.marketer, kinds["review"], live_org.sales)
    url = f"/approvals/{review.pk}"
    other = api_for(live_org.marketing_head).post(f"{url}/withdraw")
    assert other.status_code == 403
    admin = api_for(live_org.admin).post(f"{url}/override", json={"reason": "Deadline"})
    assert admin.status_code == 403 and admin.json()["code"] == "no_override"
    blank = api_for(live_org.executive).post(f"{url}/override", json={"reason": " "})
    assert blank.status_code == 422
    done = api_for(live_org.executive).post(f"{url}/override", json={"reason": "Deadline"})
    assert done.json()["status"] == "overridden" and done.json()["override_reason"] == "Deadline"
    second = ask(live_org.marketer, kinds["two"], live_org.marketing)
    gone = api_for(live_org.marketer).post(f"/approvals/{second.pk}/withdraw")
    assert gone.json()["status"] == "withdrawn"


def test_filters_are_checked_and_outsiders_see_nothing(api_for, live_org, kinds):
    found = ask(live_org.marketer, kinds["two"], live_org.marketing)
    staff = api_for(live_org.front_liner)
    assert [a["id"] for a in staff.get("/approvals").json()["items"]] == [found.pk]
    assert staff.get("/approvals", params={"status": "approved"}).json()["items"] == []
    assert staff.get("/approvals", params={"kind": "test.two_heads"}).json()["items"] != []
    for bad in ({"status": "maybe"}, {"kind": "nope"}, {"waiting": "you"}):
        answer = staff.get("/approvals", params=bad)
        assert answer.status_code == 422 and answer.json()["details"]["field"] == next(iter(bad))
    outsider = api_for(live_org.outsider)
    assert outsider.get("/approvals").status_code == 404
    assert outsider.get(f"/approvals/{found.pk}").status_code == 404
    assert staff.get("/approvals/999999").status_code == 404
    assert outsider.post(f"/approvals/{found.pk}/decide", json=APPROVE).status_code == 404
