"""Referrals over the API: refer a known contact or a walk-in, the same refusals as the
pages, and my referrals with what became of each."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.conftest import bearer
from tandem.crm import services as crm
from tandem.handoff import lifecycle, referrals
from tandem.handoff.models import Lead, add_default_reasons
from tandem.handoff.tests.conftest import agree


def test_refer_a_walk_in_and_a_contact_then_read_what_became_of_them(api_for, live_org):
    agree(live_org)
    api = api_for(live_org.front_liner)
    walk_in = api.post(
        "/referrals",
        json={
            "first_name": "Wanda",
            "last_name": "Walker",
            "phone": "0113 496 0001",
            "interest": "Solar for the bakery",
            "urgency": "urgent",
            "consent": True,
        },
    )
    assert walk_in.status_code == 201, walk_in.text
    body = walk_in.json()
    assert body["source"] == "branch" and body["outcome"] == "with_sales"
    assert body["rep_id"] == live_org.sales_rep.pk and body["urgency"] == "urgent"
    assert (body["contact_existed"], body["consent_result"]) == (False, "recorded")
    assert Lead.objects.get(pk=body["contact_id"]).tier == "high"

    jane = crm.create_contact(actor=live_org.marketer, first_name="Jane", email="j@home.test")
    known = api.post("/referrals", json={"contact_id": jane.pk, "interest": "Heat pump"})
    assert known.status_code == 201 and known.json()["contact_name"] == "Jane"
    again = api.post("/referrals", json={"contact_id": jane.pk, "interest": "Heat pump"})
    assert again.status_code == 409
    assert again.json()["code"] == "referral_already_with_sales"
    assert again.json()["details"]["lead_id"] == jane.pk

    lead = Lead.objects.get(pk=jane.pk)
    add_default_reasons()  # a live server's database is emptied between tests
    lifecycle.reject(actor=live_org.sales_rep, lead=lead, reason="no-budget", note="Renting")
    mine = api.get("/referrals").json()["items"]
    assert [r["contact_name"] for r in mine] == ["Jane", "Wanda Walker"]  # newest first
    assert (mine[0]["outcome"], mine[0]["rejection_reason"], mine[0]["outcome_note"]) == (
        "rejected",
        "no-budget",
        "Renting",
    )
    assert api_for(live_org.sales_rep).get("/referrals").json()["items"] == []  # theirs only


def test_bad_input_and_who_may_refer(api_for, live_org):
    jane = crm.create_contact(actor=live_org.marketer, first_name="Jane", email="j@home.test")
    api = api_for(live_org.front_liner)
    both = api.post(
        "/referrals", json={"contact_id": jane.pk, "first_name": "Jane", "interest": "x"}
    )
    assert both.status_code == 422 and both.json()["details"]["field"] == "contact_id"
    nobody = api.post("/referrals", json={"first_name": "No", "interest": "Solar"})
    assert nobody.status_code == 422 and nobody.json()["details"]["field"] == "email"
    blank = api.post("/referrals", json={"contact_id": jane.pk, "interest": " "})
    assert blank.status_code == 422
    missing = api.post("/referrals", json={"contact_id": 999999, "interest": "Solar"})
    assert missing.status_code == 422 and missing.json()["details"]["field"] == "contact_id"
    outsider = api_for(live_org.outsider)
    assert (
        outsider.post("/referrals", json={"contact_id": jane.pk, "interest": "x"}).status_code
        == 404
    )
    assert outsider.get("/referrals").status_code == 404
    read_only = api_for(live_org.front_liner, scope="read")
    assert (
        read_only.post("/referrals", json={"contact_id": jane.pk, "interest": "x"}).status_code
        == 403
    )
    assert not Lead.objects.exists()


def test_my_referrals_read_in_the_same_queries_for_many(client, org, contract):
    headers = bearer(org.front_liner, scope="read")

    def grow(n, start):
        for i in range(start, start + n):
            contact = crm.create_contact(actor=org.marketer, first_name="C", email=f"{i}@h.test")
            referrals.refer_contact(actor=org.front_liner, contact=contact, interest=f"I {i}")
            if i % 2:
                lifecycle.accept(actor=org.sales_rep, lead=Lead.objects.get(pk=contact.pk))

    grow(2, 0)
    client.get("/api/v1/referrals", **headers)
    with CaptureQueriesContext(connection) as few:
        assert len(client.get("/api/v1/referrals", **headers).json()["items"]) == 2
    grow(10, 10)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/api/v1/referrals", **headers).json()["items"]) == 12
    assert len(many) == len(few)
