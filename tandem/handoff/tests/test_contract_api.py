"""The SLA contract through /api/v1/approvals/: listed for the head it waits for,
decided on the version seen, in force once both sides approved."""

from tandem.handoff.models import SlaPolicy
from tandem.handoff.tests.conftest import TIERS

APPROVE = {"outcome": "approve", "version": 1}


def test_a_contract_is_listed_decided_and_in_force_through_the_api(api_for, live_org):
    marketing, sales = api_for(live_org.marketing_head), api_for(live_org.sales_head)
    policy = marketing.post(
        "/sla/policies", json={"mqls_per_month": 90, "min_acceptance_rate": "60", "tiers": TIERS}
    ).json()
    waiting = sales.get("/approvals", params={"waiting": "me"}).json()["items"]
    assert [a["id"] for a in waiting] == [policy["approval_request_id"]]
    assert waiting[0]["kind"] == "handoff.sla" and waiting[0]["status"] == "open"
    assert waiting[0]["subject"] == f"handoff.slapolicy:{policy['id']}"
    sides = {r["side"]: r["satisfied_by_id"] for r in waiting[0]["requirements"]}
    assert sides == {"marketing": live_org.marketing_head.pk, "sales": None}
    assert marketing.get("/approvals", params={"waiting": "me"}).json()["items"] == []
    assert len(marketing.get("/approvals", params={"mine": "true"}).json()["items"]) == 1

    url = f"/approvals/{policy['approval_request_id']}"
    stale = sales.post(f"{url}/decide", json={"outcome": "approve", "version": 2})
    assert stale.status_code == 409 and stale.json()["code"] == "version_not_current"
    changes = sales.post(f"{url}/decide", json={"outcome": "changes", "version": 1})
    assert changes.status_code == 422 and changes.json()["details"]["field"] == "comment"
    done = sales.post(f"{url}/decide", json={**APPROVE, "comment": "Agreed"})
    assert done.status_code == 200 and done.json()["status"] == "approved"
    assert [d["comment"] for d in done.json()["decisions"]] == ["Agreed", ""]
    assert SlaPolicy.objects.in_force().pk == policy["id"]
    again = sales.post(f"{url}/decide", json=APPROVE)
    assert again.status_code == 409 and again.json()["code"] == "already_decided"
    assert sales.get(url).json()["closed_by_id"] == live_org.sales_head.pk
