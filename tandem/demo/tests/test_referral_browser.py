"""A front-line referral through to its outcome, in a real browser on the demo
organisation: the showroom advisor refers a walk-in and logs the visit from the
keyboard; the rep the hand-off chose accepts the lead, opens an opportunity and wins
it; the advisor reads each step on her home page and in her notifications."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from tandem.conftest import log_out, sign_in
from tandem.demo.tests.test_shell_browser import overflow, serious_violations
from tandem.handoff.models import Lead

pytestmark = pytest.mark.browser

GRACE = "grace.miller@brightwell.example"


def fits_and_passes_axe(page):
    assert serious_violations(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    assert overflow(page) == 0
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_walk_in_referred_from_the_showroom_is_accepted_converted_and_won(page, demo):
    cache.clear()
    sign_in(page, GRACE, demo.password)
    referrals = page.locator("[data-section=referrals]")
    # This week's referrals in the demo, each with what sales did with it.
    for name in ("Emma Clarke", "Tom Rhodes", "Priti Shah"):
        expect(referrals).to_contain_text(name)
    referrals.get_by_role("link", name="Refer a customer").click()
    expect(page.get_by_role("heading", name="Refer a customer")).to_be_visible()
    fits_and_passes_axe(page)
    page.get_by_label("First name").fill("Nora")
    page.get_by_label("Last name").fill("Whitfield")
    page.get_by_label("E-mail").fill("nora@whitfieldbakery.example")
    page.get_by_label("Phone").fill("0113 496 0123")
    page.get_by_label("Company").fill("Whitfield Bakery")
    page.get_by_label("What they would like").fill("Solar panels for the bakery roof")
    page.get_by_label("Note for sales").fill("Wants a quote before March; call after 3pm.")
    page.get_by_label("Urgency").select_option("urgent")
    page.get_by_label("Marketing consent").select_option("yes")
    page.get_by_role("button", name="Refer to sales").click()
    expect(page.get_by_text(re.compile(r"Nora Whitfield is with .+ in sales now"))).to_be_visible()
    row = page.locator("tr", has_text="Nora Whitfield")
    expect(row).to_contain_text("With sales")
    expect(row).to_contain_text("urgent")

    # Her contact page: the branch visit in two keys, then a note (no mouse).
    lead = Lead.objects.select_related("rep").get(contact__email="nora@whitfieldbakery.example")
    assert (lead.stage, lead.source, lead.tier) == ("mql", "branch", "high")
    page.goto(f"/contacts/{lead.pk}/")
    expect(page.locator("[data-panel=refer]")).to_contain_text("already with sales")
    page.get_by_role("button", name="Log branch visit").focus()
    page.keyboard.press("Enter")
    logged = page.locator("#quick-log")
    expect(logged).to_contain_text("Branch visit logged on")
    note = logged.get_by_placeholder("Add a note (optional)")
    expect(note).to_be_focused()
    page.keyboard.type("Brought the roof plans")
    page.keyboard.press("Enter")
    expect(logged).to_contain_text("Note added")
    expect(page.locator("#timeline")).to_contain_text("Served in branch")
    expect(page.locator("#timeline")).to_contain_text("Brought the roof plans")
    fits_and_passes_axe(page)
    log_out(page)

    # The rep the hand-off chose finds her in the queue, with who referred her and why.
    sign_in(page, lead.rep.email, demo.password)
    page.get_by_role("link", name=re.compile("^Leads")).click()
    page.get_by_role("link", name="Nora Whitfield").click()
    expect(page.get_by_text("Referred by Grace Miller", exact=True)).to_be_visible()
    expect(page.get_by_text("Would like: Solar panels for the bakery roof")).to_be_visible()
    expect(page.get_by_text("Wants a quote before March; call after 3pm.")).to_be_visible()
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("Accepted. The follow-up clock is running.")).to_be_visible()
    convert = page.locator("#convert")
    convert.get_by_label("Name of the new opportunity").fill("Whitfield Bakery: solar roof")
    convert.get_by_label("Amount").fill("14000")
    convert.get_by_role("button", name="Move to sales qualified").click()
    expect(page.get_by_text("Sales qualified, with the opportunity")).to_be_visible()
    page.get_by_role("link", name="Whitfield Bakery: solar roof").first.click()
    stage = page.get_by_role("form", name="Stage")
    stage.get_by_label("Stage").select_option("won")
    stage.get_by_role("button", name="Save stage").click()
    expect(page.locator(".record-title")).to_contain_text("Won")
    log_out(page)

    # Grace reads what became of her referral.
    sign_in(page, GRACE, demo.password)
    mine = page.locator("[data-section=referrals]")
    expect(mine).to_contain_text("Nora Whitfield")
    expect(mine).to_contain_text("Won")
    expect(mine).to_contain_text("Whitfield Bakery: solar roof")
    expect(mine).to_contain_text("£14,000.00")
    expect(
        page.get_by_text(f"Sales accepted Nora Whitfield, whom you referred: {lead.rep} has")
    ).to_be_visible()
    expect(
        page.get_by_text("Nora Whitfield, whom you referred, is now an opportunity")
    ).to_be_visible()
    expect(page.locator("canvas[data-chart=activity-data]")).to_be_visible()
