"""Attribution in a real browser, on the demo organisation: every model side by side for
revenue by campaign, with the chart and the models explained; the two heads agree the
model, and a campaign page then measures its return by it."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tandem.campaigns.models import Campaign
from tandem.conftest import log_out, sign_in

pytestmark = pytest.mark.browser


def test_both_heads_read_every_model_and_agree_the_one_roi_uses(page, demo):
    sign_in(page, "priya.raman@brightwell.example", demo.password)
    page.get_by_role("link", name="Attribution").click()
    expect(page.get_by_role("heading", name="Attribution", exact=True)).to_be_visible()
    page.get_by_label("Conversion", exact=True).select_option("revenue")
    page.locator("select[name=by]").select_option("campaign")
    page.get_by_label("From").fill(str(timezone.localdate() - timedelta(days=200)))
    page.get_by_role("button", name="Show").click()
    table = page.locator("table.attribution")
    expect(table).to_contain_text("Installer partner referrals")
    for model in ("First touch", "Linear", "Time decay", "W-shaped", "Markov (data-driven)"):
        expect(table.get_by_role("columnheader", name=model)).to_be_visible()
    expect(page.locator("canvas[data-chart='attribution-chart']")).to_be_visible()
    expect(page.get_by_text("Every touch in the journey gets an equal share.")).to_be_visible()
    expect(page.get_by_role("link", name="Export CSV")).to_be_visible()

    page.get_by_role("link", name="Propose a model").click()
    page.get_by_label("Model").select_option(label="Markov (data-driven)")
    page.get_by_role("button", name="Propose").click()
    expect(page.get_by_text("Proposed. It takes effect when")).to_be_visible()
    log_out(page)

    sign_in(page, "david.okafor@brightwell.example", demo.password)
    page.goto("/attribution/")
    waiting = page.locator("article.decision-card", has_text="Attribution by Markov")
    waiting.get_by_role("button", name="Approve version 1").click()
    expect(waiting).to_contain_text("approved by David Okafor")
    page.reload()
    expect(
        page.get_by_text(re.compile(r"Markov \(data-driven\).* agreed by both heads"))
    ).to_be_visible()

    partner = Campaign.objects.get(name="Installer partner referrals")
    page.goto(f"/campaigns/{partner.pk}/")
    # Viewing the page starts no job; the return of a campaign is computed on asking.
    expect(page.locator("p.returns")).to_contain_text("not computed yet")
    page.get_by_role("button", name="Compute the return now").click()
    returns = page.locator("p.returns")
    expect(returns).to_contain_text("by Markov (data-driven) attribution")
    expect(returns).to_contain_text(re.compile(r"revenue £\d"))
    expect(returns).to_contain_text("ROI")
