"""Routing honours ownership: a lead whose contact, or else whose account, already has a
sales owner who is in and below their limit goes to that owner; the reason is kept on
the lead, shown on its page and in the API, and each routing rule may switch it off."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tandem.conftest import bearer
from tandem.crm.models import Contact
from tandem.factories.campaigns import TouchpointFactory
from tandem.factories.crm import AccountFactory, ContactFactory
from tandem.factories.people import MembershipFactory, TeamFactory, UserFactory
from tandem.handoff import arrivals, routing, scoring_runs
from tandem.handoff.models import Lead, RoutingReason, RoutingRule
from tandem.people.models import Team


def _rep(org, name, **fields):
    rep = UserFactory(full_name=name, **fields)
    MembershipFactory(user=rep, team=org.sales)
    return rep


def _lead(n, *, owner=None, account_owner=None, region=""):
    """A contact (and account) owned as given, whose form fill hands it off now."""
    account = AccountFactory(
        name=f"Owned Co {n}", region=region, industry="Retail", owner=account_owner
    )
    contact = ContactFactory(
        email=f"owned{n}@co.test",
        last_name=f"Owned {n}",
        job_title="Director",
        account=account,
        owner=owner,
    )
    TouchpointFactory(contact=contact, channel="search", kind="form")
    assert arrivals.lead_arrived([contact.pk]) == 1
    return Lead.objects.select_related("rep", "team").get(pk=contact.pk)


def test_the_contacts_sales_owner_gets_the_lead_instead_of_the_next_in_turn(org, contract):
    rae = _rep(org, "Rae Rep")
    leads = [_lead(n, owner=rae) for n in range(3)]  # the round robin would alternate
    assert [lead.rep for lead in leads] == [rae, rae, rae]
    assert {lead.routing_reason for lead in leads} == {RoutingReason.CONTACT_OWNER}
    assert leads[0].team == org.sales and leads[0].accept_due_at is not None


def test_else_the_accounts_sales_owner(org, contract):
    rae = _rep(org, "Rae Rep")
    # The contact's owner is a marketer: not a sales owner, so the account's decides.
    lead = _lead(1, owner=org.marketer, account_owner=rae)
    assert (lead.rep, lead.routing_reason) == (rae, RoutingReason.ACCOUNT_OWNER)
    lead = _lead(2, account_owner=rae)
    assert (lead.rep, lead.routing_reason) == (rae, RoutingReason.ACCOUNT_OWNER)


def test_an_owner_who_left_is_no_owner_and_the_round_robin_decides(org, contract):
    gone = _rep(org, "Gus Gone", is_active=False)
    lead = _lead(1, owner=gone)
    assert (lead.rep, lead.routing_reason) == (org.sales_rep, RoutingReason.ROUND_ROBIN)


def test_a_full_owner_passes_to_the_round_robin_and_says_so(org, contract):
    rae = _rep(org, "Rae Rep", lead_capacity=1)
    assert _lead(1, owner=rae).rep == rae  # now at her limit
    lead = _lead(2, owner=rae)
    assert (lead.rep, lead.routing_reason) == (org.sales_rep, RoutingReason.OWNER_FULL)
    # A full contact owner, a free account owner: the account's owner has it.
    lead = _lead(3, owner=rae, account_owner=org.sales_rep)
    assert (lead.rep, lead.routing_reason) == (org.sales_rep, RoutingReason.ACCOUNT_OWNER)


def test_an_away_owner_passes_to_the_round_robin(org, contract):
    rae = _rep(org, "Rae Rep", away_until=timezone.localdate() + timedelta(days=2))
    lead = _lead(1, owner=rae)
    assert (lead.rep, lead.routing_reason) == (org.sales_rep, RoutingReason.OWNER_AWAY)


def test_a_rule_that_switches_owners_off_goes_round_its_reps(org, contract):
    rae, nora = _rep(org, "Rae Rep"), _rep(org, "Nora North")
    rule = RoutingRule.objects.create(name="North", region="North", team=org.sales)
    rule.reps.add(nora)
    assert _lead(1, owner=rae, region="North").rep == rae  # on by default
    rule.prefer_owner = False
    rule.save()
    lead = _lead(2, owner=rae, region="North")
    assert (lead.rep, lead.routing_reason) == (nora, RoutingReason.ROUND_ROBIN)
    assert _lead(3, owner=rae, region="South").rep == rae  # no rule: owners first


def test_an_owner_in_another_sales_team_takes_the_lead_into_their_team(org, contract):
    enterprise = TeamFactory(name="Enterprise", function=Team.Function.SALES)
    ena = UserFactory(full_name="Ena Enterprise")
    MembershipFactory(user=ena, team=enterprise)
    lead = _lead(1, owner=ena)
    assert (lead.rep, lead.team, lead.routing_reason) == (ena, enterprise, "contact_owner")


def test_no_rep_free_says_so_and_a_reassignment_says_who_decided(org, contract):
    org.sales_rep.lead_capacity = 0
    org.sales_rep.save()
    lead = _lead(1)
    assert (lead.rep, lead.routing_reason) == (None, RoutingReason.NO_REP_FREE)
    org.sales_rep.lead_capacity = 5
    org.sales_rep.save()
    routing.reassign(actor=org.sales_head, lead=lead, rep=org.sales_rep)
    lead.refresh_from_db()
    assert (lead.rep, lead.routing_reason) == (org.sales_rep, RoutingReason.REASSIGNED)


def test_owners_in_a_batch_are_loaded_once_and_kept_to_their_limit(
    org, contract, django_assert_max_num_queries
):
    rae = _rep(org, "Rae Rep", lead_capacity=15)
    people = [
        ContactFactory(job_title="Director", owner=rae if n % 2 else org.sales_rep)
        for n in range(40)
    ]
    for person in people:
        TouchpointFactory(contact=person, kind="form")
    now = timezone.now()
    ids = [p.pk for p in people]
    scoring_runs.ensure_leads(Contact.objects.all(), now)
    scoring_runs.score_contacts(scoring_runs.scoring_in_force(), now, {"in": ids})
    with django_assert_max_num_queries(20):  # two more than with nobody owning them
        assert routing.hand_off(ids, now=now) == 40
    by_rep = {
        (rep, reason): Lead.objects.filter(rep=rep, routing_reason=reason).count()
        for rep in (rae, org.sales_rep)
        for reason in ("contact_owner", "owner_full", "round_robin")
    }
    # Sam owns 20 and gets them; Rae owns 20 but takes 15, the other 5 go round.
    assert by_rep[(org.sales_rep, "contact_owner")] == 20
    assert by_rep[(rae, "contact_owner")] == 15
    assert by_rep[(org.sales_rep, "owner_full")] == 5


def test_the_lead_page_and_the_api_say_why_this_rep(client, org, contract):
    rae = _rep(org, "Rae Rep")
    lead = _lead(1, account_owner=rae)
    client.force_login(org.marketer)
    page = client.get(reverse("handoff:lead", args=[lead.pk])).content.decode()
    assert "routing: owner of the account" in page
    answer = client.get(f"/api/v1/leads/{lead.pk}", **bearer(org.marketer, "read")).json()
    assert answer["routing_reason"] == "account_owner"
    assert answer["routing_reason_text"] == "owner of the account"
    listed = client.get("/api/v1/leads", **bearer(org.marketer, "read")).json()
    assert listed["items"][0]["routing_reason"] == "account_owner"


def test_the_routing_page_shows_and_saves_the_switch(client, org, contract):
    client.force_login(org.sales_head)
    page = client.get(reverse("handoff:routing")).content.decode()
    assert "Send to the contact&#x27;s or account&#x27;s owner first" in page
    assert re.search(r'<input[^>]*name="prefer_owner"[^>]* checked', page)  # on, for a new rule
    form = {"name": "North", "position": "1", "region": "North", "team": org.sales.pk}
    assert client.post(reverse("handoff:routing"), {**form, "active": "on"}).status_code == 302
    rule = RoutingRule.objects.get()
    assert rule.prefer_owner is False  # the box was left unticked
    page = client.get(reverse("handoff:routing"), {"rule": rule.pk}).content.decode()
    assert not re.search(r'<input[^>]*name="prefer_owner"[^>]* checked', page)
    answer = client.post(
        reverse("handoff:routing"), {**form, "rule": rule.pk, "prefer_owner": "on"}
    )
    assert answer.status_code == 302
    rule.refresh_from_db()
    assert rule.prefer_owner is True
    assert rule.history.filter(prefer_owner=False).exists()  # the change is in its history


def test_the_routing_page_is_a_fixed_number_of_queries(client, org, contract):
    client.force_login(org.sales_head)

    def queries_with(rules):
        for n in range(RoutingRule.objects.count(), rules):
            rule = RoutingRule.objects.create(name=f"Rule {n}", region=f"R{n}", team=org.sales)
            rule.reps.add(org.sales_rep)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("handoff:routing"))
        assert page.content.decode().count("<td>yes</td><td>yes</td>") == rules
        return len(queries)

    assert queries_with(1) == queries_with(15)


@pytest.mark.parametrize("switch", [True, False])
def test_the_switch_through_the_api(client, org, switch):
    headers = bearer(org.sales_head)
    body = {"name": "North", "team_id": org.sales.pk, "region": "North", "prefer_owner": switch}
    answer = client.post("/api/v1/routing-rules", body, content_type="application/json", **headers)
    assert answer.status_code == 201 and answer.json()["prefer_owner"] is switch
    del body["prefer_owner"]  # left out: on
    rule_id = answer.json()["id"]
    answer = client.put(
        f"/api/v1/routing-rules/{rule_id}", body, content_type="application/json", **headers
    )
    assert answer.json()["prefer_owner"] is True
    assert RoutingRule.objects.get(pk=rule_id).prefer_owner is True
    assert client.get("/api/v1/routing-rules", **headers).json()[0]["prefer_owner"] is True
