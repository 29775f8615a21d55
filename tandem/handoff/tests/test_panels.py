"""The hand-off's sections of crm's record pages: the contact and the account show the
lead and its opportunity, the opportunity the lead it came from; each reads its leads
in one query, however many there are."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.factories.crm import ContactFactory, OpportunityFactory
from tandem.factories.handoff import LeadFactory
from tandem.handoff import conversion
from tandem.handoff.models import Stage
from tandem.handoff.tests.test_conversion import accepted_lead


def test_the_contact_account_and_opportunity_pages_show_the_link_both_ways(client, org, contract):
    lead = accepted_lead(org)
    deal = conversion.convert(actor=org.sales_rep, lead=lead, name="Co 0: heat pumps").opportunity
    client.force_login(org.marketer)
    contact = client.get(reverse("crm:contact", args=[lead.pk])).content.decode()
    assert 'data-panel="contact-lead"' in contact
    assert f'href="/leads/{lead.pk}/"' in contact and f'href="/opportunities/{deal.pk}/"' in contact
    assert "Sales qualified (opportunity)" in contact and "routing: round robin" in contact
    account = client.get(reverse("crm:account", args=[deal.account_id])).content.decode()
    assert 'data-panel="account-leads"' in account and f'href="/leads/{lead.pk}/"' in account
    assert account.count(f'href="/opportunities/{deal.pk}/"') == 2  # its list, and the lead's
    shown = client.get(reverse("crm:opportunity", args=[deal.pk])).content.decode()
    assert 'data-panel="opportunity-leads"' in shown and "Came from" in shown
    assert f'<a href="/leads/{lead.pk}/">Lee Lead 0</a>' in shown
    # A contact with no lead, an opportunity no lead came from: no section.
    plain = ContactFactory()
    assert (
        "contact-lead" not in client.get(reverse("crm:contact", args=[plain.pk])).content.decode()
    )
    other = OpportunityFactory(account=deal.account)
    assert (
        "Came from" not in client.get(reverse("crm:opportunity", args=[other.pk])).content.decode()
    )


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_account_and_opportunity_pages_read_their_leads_in_one_query(client, org, contract):
    first = accepted_lead(org)
    account = first.contact.account
    deal = conversion.convert(actor=org.sales_rep, lead=first, name="Deal").opportunity
    client.force_login(org.marketer)
    account_url = reverse("crm:account", args=[account.pk])
    deal_url = reverse("crm:opportunity", args=[deal.pk])
    few = (_queries(client, account_url), _queries(client, deal_url))
    for _ in range(24):
        LeadFactory(
            contact=ContactFactory(account=account),
            stage=Stage.SQL,
            rep=org.sales_rep,
            opportunity=deal,
        )
    assert (_queries(client, account_url), _queries(client, deal_url)) == few
    page = client.get(account_url).content.decode()
    assert len(re.findall(r'href="/leads/\d', page)) == 20 and "The 20 latest to change." in page
