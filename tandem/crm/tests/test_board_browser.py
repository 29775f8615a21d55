"""The pipeline board in a real browser: a rep drags a deal to the next stage, moves
another with the keyboard alone through its "Move" menu, is told why a drop on "Lost"
needs a reason and gives it, and the columns' counts and totals follow each move."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tandem.conftest import sign_in
from tandem.crm import services
from tandem.crm.models import Opportunity

pytestmark = pytest.mark.browser


def column(page, stage):
    return page.locator(f'section[data-column="{stage}"]')


def test_moving_cards_by_drag_and_by_keyboard_updates_the_totals(page, live_org):
    rep = live_org.sales_rep
    acme = services.create_account(actor=rep, name="Acme Solar")
    soon = timezone.localdate() + timedelta(days=10)
    array = services.create_opportunity(
        actor=rep, name="Rooftop array", account=acme, amount="10000", close_date=soon
    )
    battery = services.create_opportunity(
        actor=rep, name="Battery store", account=acme, amount="20000", close_date=soon
    )
    services.move_opportunity(actor=rep, opportunity=battery, stage="proposal")
    chargers = services.create_opportunity(
        actor=rep, name="Car chargers", account=acme, amount="4000", close_date=soon
    )

    sign_in(page, rep.email, live_org.password)
    page.goto("/opportunities/board/")
    totals = page.locator('[data-pipeline-total="GBP"]')
    expect(totals).to_have_text("£34,000.00")
    expect(page.locator('[data-pipeline-weighted="GBP"]')).to_have_text("£16,400.00")
    qualification, proposal = column(page, "qualification"), column(page, "proposal")
    expect(qualification.locator("[data-count]")).to_have_text("2")
    expect(proposal.locator('[data-column-total="GBP"]')).to_have_text(
        "£20,000.00 · weighted £15,000.00"
    )

    # 1. Drag "Rooftop array" onto the Proposal column.
    page.locator(f"#deal-{array.pk}").drag_to(proposal.locator("ul[data-board-column]"))
    expect(page.get_by_role("status")).to_have_text("Rooftop array moved to Proposal.")
    expect(proposal.locator("[data-count]")).to_have_text("2")
    expect(proposal.locator('[data-column-total="GBP"]')).to_have_text(
        "£30,000.00 · weighted £22,500.00"
    )
    expect(qualification.locator("[data-count]")).to_have_text("1")
    expect(page.locator('[data-pipeline-weighted="GBP"]')).to_have_text("£22,900.00")
    assert Opportunity.objects.get(pk=array.pk).stage == "proposal"

    # 2. The keyboard alone: open "Battery store"'s Move menu, pick Negotiation, submit.
    card = page.locator(f"#deal-{battery.pk}")
    card.locator("summary").focus()
    page.keyboard.press("Enter")
    stage = card.get_by_label("Move Battery store to")
    expect(stage).to_be_visible()
    page.keyboard.press("Tab")
    expect(stage).to_be_focused()
    page.keyboard.type("Negotiation")
    page.keyboard.press("Tab")  # the reason, not needed here
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text("Battery store moved to Negotiation.")
    negotiation = column(page, "negotiation")
    expect(negotiation.locator('[data-column-total="GBP"]')).to_have_text(
        "£20,000.00 · weighted £18,000.00"
    )
    expect(page.locator(f"#deal-{battery.pk} a").first).to_be_focused()
    expect(page.locator('[data-pipeline-weighted="GBP"]')).to_have_text("£25,900.00")
    assert Opportunity.objects.get(pk=battery.pk).stage == "negotiation"

    # 3. A drop on Lost is refused until it says why; the card's menu opens for the reason.
    page.locator(f"#deal-{chargers.pk}").drag_to(
        column(page, "lost").locator("ul[data-board-column]")
    )
    expect(page.get_by_role("alert")).to_contain_text("Car chargers: Say why it was lost")
    reason = page.locator(f"#deal-{chargers.pk}").get_by_label("Why (needed when lost)")
    expect(reason).to_be_focused()
    assert Opportunity.objects.get(pk=chargers.pk).stage == "qualification"
    expect(qualification.locator("[data-count]")).to_have_text("1")
    page.keyboard.type("Chose a rival installer")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text("Car chargers moved to Lost.")
    expect(column(page, "lost").locator("[data-count]")).to_have_text("1")
    expect(column(page, "lost").locator('[data-column-total="GBP"]')).to_have_text("£4,000.00")
    expect(totals).to_have_text("£30,000.00")
    lost = Opportunity.objects.get(pk=chargers.pk)
    assert (lost.stage, lost.outcome_reason) == ("lost", "Chose a rival installer")


def test_a_property_is_edited_in_place_and_lands_on_the_timeline(page, live_org):
    rep = live_org.sales_rep
    acme = services.create_account(actor=rep, name="Acme Solar")
    deal = services.create_opportunity(
        actor=rep, name="Rooftop array", account=acme, amount="10000"
    )
    sign_in(page, rep.email, live_org.password)
    page.goto(f"/opportunities/{deal.pk}/")
    page.get_by_role("link", name="Edit amount").click()
    amount = page.get_by_label("Amount", exact=True)
    expect(amount).to_have_value("10000.00")
    amount.fill("-5")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text("amount cannot be negative.")
    page.get_by_label("Amount", exact=True).fill("12500")
    page.get_by_role("button", name="Save", exact=True).click()
    properties = page.locator("#properties")
    expect(properties).to_contain_text("£12,500.00")
    expect(properties.locator("#property-weighted")).to_contain_text("£1,250.00")
    expect(page.locator("#timeline")).to_contain_text("amount 10,000.00 → 12,500.00")
    assert Opportunity.objects.get(pk=deal.pk).amount == 12500
