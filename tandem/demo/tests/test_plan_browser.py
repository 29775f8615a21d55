"""Issue 17's path in a real browser, on the demo organisation: the executive sets a
quarterly target; both teams read the monthly lead, MQL and SQL needs derived from
measured rates with their sample sizes; the scorecard shows both teams against the
shared KPIs, and the incentive statement what the shared pool pays."""

import re

import pytest
from playwright.sync_api import expect

from tandem.conftest import log_out, sign_in

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

    # The scorecard: both teams against the shared KPIs; the incentive's statement.
    page.get_by_role("link", name="Scorecard").click()
    for kpi in ("MQL → SQL rate", "Revenue against target", "Collateral sign-off coverage"):
        expect(page.get_by_role("heading", name=kpi)).to_be_visible()
    page.get_by_role("link", name="Sales", exact=True).click()
    expect(page.get_by_role("heading", name="Win rate")).to_be_visible()
    page.get_by_role("link", name="Shared incentive").click()
    expect(page.get_by_text("A pool of £40,000.00", exact=False)).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("^Payout to date"))).to_contain_text("£")
