"""Lead conversion and the allowed moves through the API: the same service, rules and
refusals as the pages, each with its code."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.conftest import bearer
from tandem.crm.models import Opportunity
from tandem.factories.crm import OpportunityFactory
from tandem.factories.people import MembershipFactory, UserFactory
from tandem.handoff.models import Lead, Stage
from tandem.handoff.tests.conftest import hot_lead
from tandem.handoff.tests.test_conversion import accepted_lead


def _post(client, user, path, body):
    return client.post(f"/api/v1{path}", body, content_type="application/json", **bearer(user))


def test_the_lead_says_which_moves_this_user_may_make(client, org, contract):
    lead = accepted_lead(org)
    mine = client.get(f"/api/v1/leads/{lead.pk}", **bearer(org.sales_rep, "read")).json()
    assert mine["moves"] == ["sql", "disqualified"] and mine["opportunity_id"] is None
    theirs = client.get(f"/api/v1/leads/{lead.pk}", **bearer(org.marketer, "read")).json()
    assert theirs["moves"] == []


def test_a_rep_converts_a_lead_through_the_api_once(client, org, contract):
    lead = accepted_lead(org)
    body = {"name": "Co 0: heat pumps", "amount": "7500.00", "close_date": "2027-02-28"}
    answer = _post(client, org.sales_rep, f"/leads/{lead.pk}/convert", body)
    assert answer.status_code == 200, answer.content
    converted = answer.json()
    assert converted["stage"] == "sql" and converted["opportunity_id"]
    deal = client.get(
        f"/api/v1/opportunities/{converted['opportunity_id']}", **bearer(org.sales_rep, "read")
    ).json()
    assert (deal["name"], deal["amount"], deal["close_date"], deal["contact_id"]) == (
        "Co 0: heat pumps",
        "7500.00",
        "2027-02-28",
        lead.pk,
    )
    again = _post(client, org.sales_rep, f"/leads/{lead.pk}/convert", body)
    assert again.status_code == 409 and again.json()["code"] == "lead_already_converted"
    assert again.json()["details"]["opportunity_id"] == converted["opportunity_id"]
    assert Opportunity.objects.count() == 1
    detail = client.get(f"/api/v1/leads/{lead.pk}", **bearer(org.sales_rep, "read")).json()
    assert detail["moves"] == ["customer", "recycled"]
    assert detail["events"][0]["why"] == "Opened the opportunity Co 0: heat pumps"


def test_linking_through_the_api_and_its_refusals(client, org, contract):
    lead = accepted_lead(org)
    url = f"/leads/{lead.pk}/convert"
    won = OpportunityFactory(account=lead.contact.account, stage="won")
    elsewhere = OpportunityFactory()
    for body, status, code, field in (
        ({"opportunity_id": won.pk}, 409, "conversion_opportunity_closed", "opportunity"),
        ({"opportunity_id": elsewhere.pk}, 422, "conversion_opportunity_elsewhere", "opportunity"),
        ({"opportunity_id": 99999999}, 422, "invalid", "opportunity_id"),
        ({"name": "Deal", "account_id": 99999999}, 422, "invalid", "account_id"),
        ({"name": "Deal", "amount": "-1"}, 422, "invalid", "amount"),
        ({"name": ""}, 422, "invalid", "name"),
    ):
        answer = _post(client, org.sales_rep, url, body)
        assert answer.status_code == status, (body, answer.content)
        assert answer.json()["code"] == code, body
        assert answer.json()["details"].get("field", field) == field, answer.json()
    assert Lead.objects.get(pk=lead.pk).stage == Stage.ACCEPTED
    deal = OpportunityFactory(account=lead.contact.account, stage="proposal")
    answer = _post(client, org.sales_rep, url, {"opportunity_id": deal.pk})
    assert answer.status_code == 200 and answer.json()["opportunity_id"] == deal.pk


def test_a_lead_with_no_account_through_the_api(client, org, contract):
    lead = accepted_lead(org)
    lead.contact.account = None
    lead.contact.save()
    url = f"/leads/{lead.pk}/convert"
    answer = _post(client, org.sales_rep, url, {"name": "Deal"})
    assert answer.status_code == 422 and answer.json()["code"] == "lead_needs_account"
    assert answer.json()["details"]["field"] == "account"
    answer = _post(client, org.sales_rep, url, {"name": "Deal", "account_name": "Lee Ltd"})
    assert answer.status_code == 200
    assert Lead.objects.get(pk=lead.pk).contact.account.name == "Lee Ltd"


def test_converting_is_refused_through_the_api_to_anyone_not_working_the_lead(
    client, org, contract
):
    lead = accepted_lead(org)
    other = UserFactory()
    MembershipFactory(user=other, team=org.sales)
    url = f"/leads/{lead.pk}/convert"
    for user, status in ((other, 403), (org.front_liner, 403), (org.outsider, 404)):
        answer = _post(client, user, url, {"name": "Deal"})
        assert answer.status_code == status, user
    assert _post(client, org.sales_rep, "/leads/99999999/convert", {"name": "D"}).status_code == 404
    assert Opportunity.objects.count() == 0


def test_the_stage_route_keeps_to_the_rule(client, org, contract):
    lead = accepted_lead(org)
    url = f"/leads/{lead.pk}/stage"
    refused = _post(client, org.sales_rep, url, {"stage": "customer", "why": "Won"})
    assert refused.status_code == 422 and refused.json()["code"] == "lead_move_not_allowed"
    assert refused.json()["details"]["field"] == "stage"
    needs = _post(client, org.sales_rep, url, {"stage": "sql", "why": "Qualified"})
    assert needs.status_code == 422 and needs.json()["code"] == "lead_needs_opportunity"
    mql = hot_lead(org, 1)
    assert (
        _post(client, org.sales_rep, f"/leads/{mql.pk}/convert", {"name": "D"}).json()["code"]
        == "lead_move_not_allowed"
    )


def test_the_lead_list_is_a_fixed_number_of_queries(client, org, contract):
    headers = bearer(org.marketer, "read")
    accepted_lead(org)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            answer = client.get("/api/v1/leads", **headers)
        assert answer.status_code == 200
        return len(captured), len(answer.json()["items"])

    queries()  # the token's first use is recorded once
    few, count = queries()
    for n in range(1, 12):
        hot_lead(org, n)
    assert queries() == (few, count + 11)
