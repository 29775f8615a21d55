"""Lead conversion in a real browser: the rep opens an accepted lead, finds only the
moves the rules allow, moves it to sales qualified by opening the opportunity, and sees
the lead and its opportunity linked on the contact's page and the opportunity's."""

import re

import pytest
from playwright.sync_api import expect

from tandem.conftest import sign_in
from tandem.crm.models import Opportunity
from tandem.handoff import lifecycle
from tandem.handoff.tests.conftest import agree, hot_lead

pytestmark = pytest.mark.browser


def test_a_rep_converts_a_lead_and_sees_it_linked_on_the_contact(page, live_org):
    agree(live_org)
    lead = lifecycle.accept(actor=live_org.sales_rep, lead=hot_lead(live_org))

    sign_in(page, live_org.sales_rep.email, live_org.password)
    page.get_by_role("link", name=re.compile("^Leads")).click()
    page.get_by_role("link", name="Lee Lead 0").click()
    expect(page.get_by_text("routing: round robin")).to_be_visible()
    # The picker offers what the rules allow: sales qualified is the conversion below.
    page.get_by_text("Move to another stage").click()
    options = page.get_by_label("Stage").locator("option")
    expect(options).to_have_text(["Disqualified"])

    convert = page.locator("#convert")
    expect(convert.get_by_label("Open a new opportunity")).to_be_checked()
    expect(convert.get_by_label("Link an open opportunity")).to_have_count(0)  # none open
    convert.get_by_label("Name of the new opportunity").fill("Co 0: heat pumps")
    convert.get_by_label("Amount").fill("18000")
    convert.get_by_label("Expected close date").fill("2027-04-30")
    convert.get_by_role("button", name="Move to sales qualified").click()
    expect(
        page.get_by_text("Sales qualified, with the opportunity Co 0: heat pumps.")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Co 0: heat pumps")).to_be_visible()
    expect(page.locator("#convert")).to_have_count(0)

    page.get_by_role("link", name="Contact record and timeline").click()
    panel = page.locator("[data-panel=contact-lead]")
    expect(panel).to_contain_text("Sales qualified (opportunity)")
    panel.get_by_role("link", name="Co 0: heat pumps").click()
    expect(page.get_by_role("heading", name="Co 0: heat pumps")).to_be_visible()
    came_from = page.locator("[data-panel=opportunity-leads]")
    expect(came_from.get_by_role("link", name="Lee Lead 0")).to_have_attribute(
        "href", f"/leads/{lead.pk}/"
    )
    deal = Opportunity.objects.get()
    assert (deal.owner, str(deal.amount), str(deal.close_date)) == (
        live_org.sales_rep,
        "18000.00",
        "2027-04-30",
    )
