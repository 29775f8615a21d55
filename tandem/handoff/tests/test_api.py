"""The hand-off over real HTTP: the contract, the queue, accept/reject, the SLA report."""

from datetime import timedelta

from django.utils import timezone

from tandem.campaigns.models import Touchpoint
from tandem.crm.models import Contact
from tandem.handoff.models import Lead, SlaPolicy, Stage
from tandem.handoff.tests.conftest import RULES, TIERS


def test_the_contract_through_the_api_needs_both_heads(api_for, live_org):
    marketing = api_for(live_org.marketing_head)
    sales = api_for(live_org.sales_head)
    proposed = marketing.post(
        "/sla/policies", json={"mqls_per_month": 90, "min_acceptance_rate": "60", "tiers": TIERS}
    )
    assert proposed.status_code == 201, proposed.text
    policy = proposed.json()
    assert policy["status"] == "proposed" and len(policy["tiers"]) == 3
    decide = f"/approvals/{policy['approval_request_id']}/decide"
    again = marketing.post(decide, json={"outcome": "approve", "version": 1})
    assert again.status_code == 409 and again.json()["code"] == "already_decided"
    rep = api_for(live_org.sales_rep).post(decide, json={"outcome": "approve", "version": 1})
    assert rep.status_code == 403
    passed = sales.post(decide, json={"outcome": "approve", "version": 1}).json()
    assert passed["status"] == "approved"
    assert sales.get("/sla/policies").json()["items"][0]["status"] == "active"

    bad = marketing.post(
        "/scoring/models",
        json={
            "threshold": 50,
            "half_life_days": "30",
            "rules": [
                {"kind": "fit", "field": "iq", "operator": "equals", "value": "x", "points": 5}
            ],
        },
    )
    assert bad.status_code == 422 and bad.json()["details"]["field"] == "rules[0].field"
    model = marketing.post(
        "/scoring/models", json={"threshold": 50, "half_life_days": "30", "rules": RULES}
    ).json()
    decide = f"/approvals/{model['approval_request_id']}/decide"
    assert sales.post(decide, json={"outcome": "approve", "version": 1}).status_code == 200
    listed = api_for(live_org.marketer).get("/scoring/models").json()["items"]
    assert [m["status"] for m in listed] == ["active"] and len(listed[0]["rules"]) == 4
    assert api_for(live_org.outsider).get("/sla/policies").status_code == 404
    assert SlaPolicy.objects.in_force().mqls_per_month == 90


def test_a_rep_works_the_queue_through_the_api(api_for, live_org):
    marketing, sales = api_for(live_org.marketing_head), api_for(live_org.sales_head)
    policy = marketing.post(
        "/sla/policies", json={"mqls_per_month": 90, "min_acceptance_rate": "60", "tiers": TIERS}
    ).json()
    approve = {"outcome": "approve", "version": 1}
    sales.post(f"/approvals/{policy['approval_request_id']}/decide", json=approve)
    model = marketing.post(
        "/scoring/models", json={"threshold": 50, "half_life_days": "30", "rules": RULES}
    ).json()
    sales.post(f"/approvals/{model['approval_request_id']}/decide", json=approve)
    # Reasons come from a data migration, which transactional tests flush: add the one used.
    sales.put(
        "/rejection-reasons", json={"code": "duplicate", "label": "Duplicate of another lead"}
    )
    api = api_for(live_org.marketer, capture=True)
    now = timezone.now()
    touches = [
        {
            "idempotency_key": f"t{n}-{i}",
            "kind": k,
            "email": f"lead{n}@shop.example",
            "occurred_at": (now - timedelta(minutes=n)).isoformat(),
        }
        for n in range(2)
        for i, k in enumerate(("form", "email_click", "email_click", "form"))
    ]
    assert api.post("/touchpoints/bulk", json={"touchpoints": touches}).status_code == 200
    rep = api_for(live_org.sales_rep)
    queue = rep.get("/leads/queue").json()
    assert len(queue) == 2 and all(q["stage"] == "mql" and q["rep_id"] for q in queue)
    assert queue[0]["accept_due_at"] <= queue[1]["accept_due_at"]
    first, second = (q["contact_id"] for q in queue)

    detail = api.get(f"/leads/{first}").json()
    assert detail["score"] == 70 and {r["label"] for r in detail["reasons"]} == {
        "Form: 2 touches (+30 each, decaying)",
        "E-mail click: 2 touches (+5 each, decaying)",
    }
    assert [e["to_stage"] for e in detail["events"]] == ["mql"]

    assert rep.post(f"/leads/{first}/accept").json()["stage"] == "accepted"
    twice = rep.post(f"/leads/{first}/accept")
    assert twice.status_code == 409
    no_reason = rep.post(f"/leads/{second}/reject", json={"reason": "", "note": "x"})
    assert no_reason.status_code == 422 and no_reason.json()["details"]["field"] == "reason"
    rejected = rep.post(
        f"/leads/{second}/reject", json={"reason": "duplicate", "note": "Same as #1"}
    )
    assert (
        rejected.json()["stage"] == "recycled"
        and rejected.json()["rejection_reason"] == "duplicate"
    )
    followed = rep.post(f"/leads/{first}/follow-up", json={"kind": "call", "subject": "Intro"})
    assert followed.json()["followed_up_at"] is not None

    marketer_try = api.post(f"/leads/{first}/stage", json={"stage": "sql", "why": "?"})
    assert marketer_try.status_code == 403
    outside = sales.post(f"/leads/{first}/reassign", json={"rep_id": live_org.marketer.pk})
    assert outside.status_code == 422 and outside.json()["details"]["field"] == "rep"
    assert api_for(live_org.outsider).get(f"/leads/{first}").status_code == 404
    assert rep.get("/leads/99999999").status_code == 404

    report = api.get("/sla/report").json()
    assert (report["mqls_delivered"], report["accepted"], report["rejected"]) == (2, 1, 1)
    assert report["acceptance_rate"] == "50.0" and report["mqls_promised"] == 90
    assert report["breaches"] == 0
    assert report["rejections_by_source"] == [
        {
            "campaign_id": None,
            "campaign": None,
            "source": "Web",
            "reason": "Duplicate of another lead",
            "count": 1,
        }
    ]
    listed = api.get("/leads?stage=recycled").json()["items"]
    assert [x["contact_id"] for x in listed] == [second]
    assert api.get("/leads?stage=nonsense").status_code == 422


def test_reason_list_is_the_heads_to_edit(api_for, live_org):
    head = api_for(live_org.sales_head)
    saved = head.put(
        "/rejection-reasons", json={"code": "competitor", "label": "Went to a competitor"}
    )
    assert saved.status_code == 200 and saved.json()["code"] == "competitor"
    rep = api_for(live_org.sales_rep).put("/rejection-reasons", json={"code": "x", "label": "y"})
    assert rep.status_code == 403
    codes = [r["code"] for r in api_for(live_org.marketer).get("/rejection-reasons").json()]
    assert "competitor" in codes


def test_the_openapi_document_lists_the_hand_off(api_for, live_org):
    paths = api_for(live_org.marketer).get("/openapi.json").json()["paths"]
    for path in (
        "/api/v1/leads/queue",
        "/api/v1/leads/{lead_id}/reject",
        "/api/v1/sla/report",
        "/api/v1/approvals/{approval_id}/decide",
    ):
        assert path in paths
    assert (
        Contact.objects.count() == 0
        and Lead.objects.count() == 0
        and Touchpoint.objects.count() == 0
    )
    assert Stage.MQL == "mql"


def test_routing_capacity_and_hours_through_the_api(api_for, live_org):
    head, rep = api_for(live_org.sales_head), api_for(live_org.sales_rep)
    bad = head.post(
        "/routing-rules",
        json={"name": "North", "team_id": live_org.sales.pk, "rep_ids": [live_org.marketer.pk]},
    )
    assert bad.status_code == 422 and bad.json()["details"]["field"] == "reps"
    made = head.post(
        "/routing-rules",
        json={
            "name": "North",
            "team_id": live_org.sales.pk,
            "region": "North",
            "rep_ids": [live_org.sales_rep.pk],
        },
    )
    assert made.status_code == 201 and made.json()["rep_ids"] == [live_org.sales_rep.pk]
    assert (
        rep.put(
            f"/routing-rules/{made.json()['id']}",
            json={"name": "Mine", "team_id": live_org.sales.pk},
        ).status_code
        == 403
    )

    assert (
        rep.put(f"/users/{live_org.sales_rep.pk}/capacity", json={"lead_capacity": 999}).status_code
        == 403
    )
    away = rep.put(f"/users/{live_org.sales_rep.pk}/capacity", json={"away_until": "2026-12-31"})
    assert away.status_code == 200 and away.json()["away_until"] == "2026-12-31"
    limit = head.put(
        f"/users/{live_org.sales_rep.pk}/capacity", json={"lead_capacity": 25, "clear_away": True}
    )
    assert limit.json() == {"id": live_org.sales_rep.pk, "lead_capacity": 25, "away_until": None}

    team = live_org.sales.pk
    assert head.get(f"/teams/{team}/business-hours").json()["weekdays"] == "12345"
    wrong = head.put(
        f"/teams/{team}/business-hours",
        json={"time_zone": "UTC", "opens_at": "18:00", "closes_at": "09:00", "weekdays": "12345"},
    )
    assert wrong.status_code == 422 and wrong.json()["details"]["field"] == "closes_at"
    hours = head.put(
        f"/teams/{team}/business-hours",
        json={
            "time_zone": "Europe/Dublin",
            "opens_at": "08:30",
            "closes_at": "17:00",
            "weekdays": "51234",
        },
    )
    assert hours.status_code == 200 and hours.json()["weekdays"] == "12345"
    added = head.post(f"/teams/{team}/holidays", json={"day": "2026-12-25", "name": "Christmas"})
    assert added.status_code == 201
    assert (
        head.post(
            f"/teams/{team}/holidays", json={"day": "2026-12-25", "name": "Again"}
        ).status_code
        == 409
    )
    assert rep.delete(f"/teams/{team}/holidays/{added.json()['id']}").status_code == 403
    assert head.delete(f"/teams/{team}/holidays/{added.json()['id']}").status_code == 204
    assert head.get(f"/teams/{team}/holidays").json() == []
    assert api_for(live_org.outsider).get(f"/teams/{team}/holidays").status_code == 404
