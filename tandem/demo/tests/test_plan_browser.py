"""Issue 17's path in a real browser, on the demo organisation: the executive sets a
quarterly target; both teams read the monthly lead, MQL and SQL needs derived from
measured rates with their sample sizes; marketing proposes moving the money a cut
webinar freed to sales enablement, and both heads approve it on the Decisions page (the
proposer never counts); the scorecard shows both teams against the shared KPIs, and the
incentive statement what the shared pool pays."""

import re

import pytest
from playwright.sync_api import expect

from tandem.conftest import log_out, sign_in
from tandem.planning.models import PlanPeriod

pytestmark = pytest.mark.browser


def test_the_executive_sets_the_target_and_both_teams_read_one_plan(page, demo):
    sign_in(page, "helen.ashworth@brightwell.example", demo.password)
    page.get_by_role("link", name="Plan", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile(r"FY \d{4}.* plan"))).to_be_visible()
    page.get_by_role("link", name="Change the target").click()
    page.get_by_label("Q4").fill("330000")
    page.get_by_label("Why").fill("Heat-pump grants extended into the winter")
    page.get_by_role("button", name="Save the target").click()
    expect(page.get_by_role("status")).to_contain_text("The target is set")
    expect(page.locator(".card", has_text="Q4")).to_contain_text("£330,000.00")
    needs = page.locator("section", has_text="What the target needs, month by month")
    expect(needs.get_by_role("columnheader", name="MQLs")).to_be_visible()
    figures = page.locator("#figures")
    win = figures.get_by_role("row", name=re.compile("^Win rate"))
    expect(win).to_contain_text("Measured")
    cases = int(win.get_by_role("cell").nth(4).inner_text())
    assert cases >= 20
    log_out(page)

    # Marketing reads the same plan: its part (leads, MQLs) beside sales' part.
    sign_in(page, "tom.fletcher@brightwell.example", demo.password)
    page.goto("/plan/")
    expect(page.locator(".card", has_text="Q4")).to_contain_text("£330,000.00")
    expect(page.get_by_role("columnheader", name="Marketing")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Sales", exact=True)).to_be_visible()
    page.get_by_text("By when, for each month's revenue").click()
    expect(
        page.get_by_text(re.compile(r"To close £\d[\d,]*\.\d\d in .*MQLs? by"))
    ).not_to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("Change"))).to_have_count(0)

    # The money the cut webinar freed, proposed for sales enablement (the plan's tab).
    page.get_by_role("navigation", name=re.compile("^FY")).get_by_role(
        "link", name="Budget"
    ).click()
    freed = page.get_by_role("status").filter(has_text="Freed by cut campaigns")
    expect(freed).to_contain_text("Autumn solar webinar")
    freed.get_by_role("link", name="propose moving it").click()
    year = PlanPeriod.objects.get().name
    page.get_by_label("Move to line").select_option(label=f"Sales enablement (Sales, {year})")
    page.get_by_label("Amount").fill("3600")
    page.get_by_label("Rationale").fill("The webinar was cut; reps need the new battle cards")
    page.get_by_role("button", name="Propose").click()
    said = "A head of marketing and a head of sales decide"
    expect(page.get_by_role("status")).to_contain_text(said)
    page.goto("/decisions/")
    asked = page.locator("section", has_text="What you asked for")
    expect(asked).to_contain_text("Move £3,600.00 from Webinars to Sales enablement")
    log_out(page)

    for head, name in (("priya.raman", "Priya Raman"), ("david.okafor", "David Okafor")):
        sign_in(page, f"{head}@brightwell.example", demo.password)
        page.get_by_role("link", name=re.compile("Decisions")).click()
        waiting = page.locator("section", has_text="Waiting for you")
        card = waiting.locator(
            "article.decision-card", has_text="Move £3,600.00 from Webinars to Sales enablement"
        )
        card.get_by_role("button", name=re.compile("Approve")).click()
        # Their own approval in the card, before leaving the page (not the other head's).
        expect(card).to_contain_text(f"approved by {name}")
        log_out(page)

    sign_in(page, "tom.fletcher@brightwell.example", demo.password)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Budget").click()
    enablement = page.get_by_role("row", name=re.compile("^Sales enablement"))
    expect(enablement).to_contain_text("£15,600.00")  # 12,000 planned + 3,600 moved

    # The scorecard: both teams against the shared KPIs; the incentive's statement.
    page.goto("/plan/")
    page.get_by_role("link", name="Scorecard").click()
    for kpi in ("MQL → SQL rate", "Revenue against target", "Collateral sign-off coverage"):
        expect(page.get_by_role("heading", name=kpi)).to_be_visible()
    page.get_by_role("link", name="Sales", exact=True).click()
    expect(page.get_by_role("heading", name="Win rate")).to_be_visible()
    page.get_by_role("link", name="Shared incentive").click()
    expect(page.get_by_text("A pool of £40,000.00", exact=False)).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("^Payout to date"))).to_contain_text("£")
