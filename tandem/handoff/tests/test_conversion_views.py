"""Lead conversion on the pages: the stage picker offers only the moves the rule allows,
and the rep converts from the lead page."""

import re

import pytest
from django.urls import reverse

from tandem.core.errors import DomainError
from tandem.crm.models import Opportunity
from tandem.factories.crm import OpportunityFactory
from tandem.factories.handoff import LeadFactory
from tandem.factories.people import MembershipFactory, UserFactory
from tandem.handoff import conversion, lifecycle
from tandem.handoff.models import Lead, Stage
from tandem.handoff.tests.conftest import hot_lead
from tandem.handoff.tests.test_conversion import accepted_lead


def _offered(page):
    """The stages the "Move to another stage" picker offers."""
    picker = re.search(r'<select name="stage"[^>]*>(.*?)</select>', page, re.S)
    return re.findall(r'<option value="(\w+)"', picker.group(1)) if picker else []


def _page(client, lead):
    return client.get(reverse("handoff:lead", args=[lead.pk])).content.decode()


def test_the_picker_offers_only_the_moves_the_rule_allows(client, org, contract):
    lead = accepted_lead(org)
    client.force_login(org.sales_rep)
    page = _page(client, lead)
    # Sales qualified is the conversion form; the picker has the rest of what's allowed.
    assert _offered(page) == ["disqualified"] and "Move to sales qualified" in page
    client.force_login(org.marketer)  # not the marketer's to work: no picker, no form
    page = _page(client, lead)
    assert _offered(page) == [] and "Move to sales qualified" not in page
    assert "Move to another stage" not in page

    converted = conversion.convert(actor=org.sales_rep, lead=lead, name="Deal")
    client.force_login(org.sales_rep)
    page = _page(client, converted)
    assert _offered(page) == ["customer", "recycled"] and "Move to sales qualified" not in page


def test_an_mql_has_no_picker_and_a_nurtured_lead_offers_its_moves_to_the_contacts_editors(
    client, org, contract
):
    client.force_login(org.sales_rep)
    assert "Move to another stage" not in _page(client, hot_lead(org))  # accept or reject
    from tandem.crm import services as crm

    nurtured = LeadFactory(contact=crm.create_contact(actor=org.marketer, first_name="Nia"))
    client.force_login(org.marketer)
    assert _offered(_page(client, nurtured)) == ["disqualified"]
    client.force_login(org.sales_rep)
    assert _offered(_page(client, nurtured)) == []


@pytest.mark.parametrize("persona", ["marketer", "sales_rep", "sales_head", "front_liner", "admin"])
@pytest.mark.parametrize("stage", Stage.values)
def test_the_picker_and_the_service_agree_for_every_stage_and_persona(org, persona, stage):
    """One rule: a move is offered exactly when the service would make it."""
    from tandem.crm import services as crm

    contact = crm.create_contact(actor=org.marketer, first_name="Nia")
    lead = LeadFactory(contact=contact, stage=stage, rep=org.sales_rep, team=org.sales)
    actor = getattr(org, persona)
    offered = lifecycle.moves_for(actor, lead)
    for target in Stage.values:
        try:
            lifecycle.check_move(actor, lead, target)
        except DomainError:
            allowed = False
        else:
            allowed = True
        assert (target in offered) == allowed, (persona, stage, target)


def test_a_hand_posted_move_the_rule_refuses_is_still_refused(client, org, contract):
    lead = accepted_lead(org)
    client.force_login(org.sales_rep)
    url = reverse("handoff:move_stage", args=[lead.pk])
    answer = client.post(url, {"stage": "customer", "why": "Won it"})
    assert answer.status_code == 422
    assert "A lead cannot go from sales accepted to customer." in answer.content.decode()
    answer = client.post(url, {"stage": "sql", "why": "Qualified"})
    assert answer.status_code == 422 and "convert it" in answer.content.decode()
    assert Lead.objects.get(pk=lead.pk).stage == Stage.ACCEPTED
    answer = client.post(url, {"stage": "disqualified", "why": "A competitor"})
    assert answer.status_code == 302
    assert Lead.objects.get(pk=lead.pk).stage == Stage.DISQUALIFIED


def test_the_rep_opens_the_opportunity_from_the_lead_page(client, org, contract):
    lead = accepted_lead(org)
    client.force_login(org.sales_rep)
    page = _page(client, lead)
    assert 'value="Co 0: new opportunity"' in page  # the name it suggests
    assert "Link an open opportunity" not in page  # the account has none
    url = reverse("handoff:convert", args=[lead.pk])
    form = {"choice": "new", "name": "Co 0: heat pumps", "amount": "9000", "currency": "GBP"}
    answer = client.post(url, {**form, "close_date": "2027-01-31"}, follow=True)
    page = answer.content.decode()
    assert "Sales qualified, with the opportunity Co 0: heat pumps." in page
    deal = Opportunity.objects.get()
    assert f'href="/opportunities/{deal.pk}/"' in page and "Sales qualified (opportunity)" in page
    assert str(deal.close_date) == "2027-01-31" and deal.owner == org.sales_rep
    again = client.post(url, form)  # a second post (a double click) opens nothing
    assert again.status_code == 422 and Opportunity.objects.count() == 1
    assert (
        "already sales qualified, with the opportunity Co 0: heat pumps" in again.content.decode()
    )


def test_the_rep_links_an_open_opportunity_from_the_lead_page(client, org, contract):
    lead = accepted_lead(org)
    deal = OpportunityFactory(account=lead.contact.account, name="Boiler swap", amount=5000)
    client.force_login(org.sales_rep)
    page = _page(client, lead)
    assert "Link an open opportunity" in page and "Boiler swap (Qualification, 5000" in page
    url = reverse("handoff:convert", args=[lead.pk])
    answer = client.post(url, {"choice": "link", "currency": "GBP"})
    assert (
        answer.status_code == 422 and "Choose the opportunity to link." in answer.content.decode()
    )
    answer = client.post(url, {"choice": "link", "opportunity": deal.pk, "currency": "GBP"})
    assert answer.status_code == 302
    assert Lead.objects.get(pk=lead.pk).opportunity == deal and Opportunity.objects.count() == 1


def test_a_contact_with_no_account_is_asked_for_one_on_the_form(client, org, contract):
    lead = accepted_lead(org)
    lead.contact.account = None
    lead.contact.save()
    client.force_login(org.sales_rep)
    assert "has no account yet" in _page(client, lead)
    url = reverse("handoff:convert", args=[lead.pk])
    answer = client.post(url, {"choice": "new", "name": "Deal", "currency": "GBP"})
    page = answer.content.decode()
    assert answer.status_code == 422 and "choose their company&#x27;s account" in page
    answer = client.post(
        url, {"choice": "new", "name": "Deal", "currency": "GBP", "account_name": "Lee Ltd"}
    )
    assert answer.status_code == 302
    assert Lead.objects.get(pk=lead.pk).contact.account.name == "Lee Ltd"


def test_converting_is_refused_to_anyone_not_working_the_lead(client, org, contract):
    lead = accepted_lead(org)
    other = UserFactory()
    MembershipFactory(user=other, team=org.sales)
    url = reverse("handoff:convert", args=[lead.pk])
    form = {"choice": "new", "name": "Deal", "currency": "GBP"}
    for user, status in ((other, 403), (org.front_liner, 403), (org.outsider, 404)):
        client.force_login(user)
        assert client.post(url, form).status_code == status
    client.force_login(org.sales_rep)
    assert client.post(reverse("handoff:convert", args=[999999]), form).status_code == 404
    assert Opportunity.objects.count() == 0
