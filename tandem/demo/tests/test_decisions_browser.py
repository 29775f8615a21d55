"""The two heads' joint decisions in a real browser: marketing's head proposes an SLA,
a scoring and an attribution change; sales' head finds all three on the Decisions page
(counted in the navigation), asks for changes to one and approves the others in place."""

import re

import pytest
from playwright.sync_api import expect

from tandem.conftest import log_out, sign_in

pytestmark = pytest.mark.browser


def test_sales_head_decides_three_proposals_from_the_decisions_page(page, demo):
    sign_in(page, "priya.raman@brightwell.example", demo.password)
    page.goto("/sla/contract/sla/new/")
    page.get_by_label("MQLs per month (marketing's promise)").fill("160")
    page.get_by_role("button", name="Propose").click()
    page.goto("/sla/contract/scoring/new/")
    page.get_by_label("MQL threshold (points)").fill("55")
    page.get_by_role("button", name="Propose").click()
    page.goto("/attribution/model/new/")
    page.get_by_label("Model").select_option(label="Time decay")
    page.get_by_role("button", name="Propose").click()
    page.goto("/decisions/")
    asked = page.locator("section", has_text="What you asked for")
    for title in ("SLA: 160 MQLs", "Scoring rules: qualified at 55", "Attribution by Time decay"):
        expect(asked.locator("article", has_text=title)).to_contain_text("Waiting for decisions")
    log_out(page)

    sign_in(page, "david.okafor@brightwell.example", demo.password)
    expect(page.get_by_role("link", name=re.compile(r"Decisions\s+3"))).to_be_visible()
    page.get_by_role("link", name=re.compile("Decisions")).click()
    waiting = page.locator("section", has_text="Waiting for you")
    expect(waiting.locator("article.decision-card")).to_have_count(3)

    scoring = waiting.locator(
        "article.decision-card", has_text="Scoring rules: qualified at 55 points"
    )
    scoring.get_by_label("Comment").fill("55 is too low for webinar leads")
    scoring.get_by_role("button", name="Request changes").click()
    expect(scoring).to_contain_text("Changes requested")
    for title in ("SLA: 160 MQLs a month", "Attribution by Time decay"):
        card = waiting.locator("article.decision-card", has_text=title)
        card.get_by_role("button", name="Approve version 1").click()
        expect(card).to_contain_text("approved by David Okafor")
        expect(card).to_contain_text("Approved")

    page.goto("/sla/contract/")
    expect(page.get_by_text("160 MQLs a month", exact=True)).to_be_visible()
    page.goto("/attribution/")
    expect(page.get_by_text(re.compile(r"Time decay.* agreed by both heads"))).to_be_visible()
    page.goto("/decisions/")
    recent = page.locator("section", has_text="Recently decided")
    expect(recent).to_contain_text("Changes requested")
    expect(page.get_by_role("link", name=re.compile(r"Decisions\s+\d"))).to_have_count(0)
