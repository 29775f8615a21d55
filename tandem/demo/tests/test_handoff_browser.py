"""The hand-off in a real browser, on the demo organisation: a lead crosses the MQL
threshold, a rep finds it in the queue with a countdown and rejects it with a reason,
and marketing reads that reason in the SLA report."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from tandem.campaigns.models import Campaign
from tandem.conftest import log_out, sign_in
from tandem.handoff.models import Lead

pytestmark = pytest.mark.browser


def test_a_lead_crosses_the_threshold_is_rejected_with_a_reason_and_marketing_sees_why(page, demo):
    cache.clear()
    webinar = Campaign.objects.get(name="Spring heat-pump webinar")
    # Ruth (practice manager, webinar attendee) scores 38; a quote request adds 30.
    page.goto(f"/f/{webinar.form_key}/?utm_source=newsletter")
    page.get_by_label("E-mail", exact=True).fill("ruth.bailey@harrogatedental.example")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()

    sign_in(page, "tom.fletcher@brightwell.example", demo.password)
    page.get_by_role("link", name=re.compile("^Leads")).click()
    page.get_by_role("link", name="Lead board").click()
    mql = page.locator("article", has_text="Marketing qualified")
    expect(mql).to_contain_text("Ruth Bailey")
    mql.get_by_role("link", name="Ruth Bailey").click()
    expect(page.get_by_text("Form: 1 touch (+30 each, decaying)")).to_be_visible()
    expect(page.get_by_role("button", name="Accept")).to_have_count(0)  # sales' to work
    log_out(page)

    rep = Lead.objects.select_related("rep").get(contact__email__startswith="ruth.bailey").rep
    sign_in(page, rep.email, demo.password)
    page.get_by_role("link", name=re.compile("^Leads")).click()
    expect(page.get_by_role("heading", name="My leads")).to_be_visible()
    row = page.locator("tr", has_text="Ruth Bailey")
    expect(row.locator("time[data-countdown]")).to_have_text(re.compile(r"^due in "))
    row.get_by_role("link", name="Ruth Bailey").click()
    page.get_by_text("Reject", exact=True).click()
    page.get_by_label("Reason").select_option(label="Too early: not ready to talk")
    page.get_by_role("button", name="Reject and send back to nurture").click()
    # The note is required: the browser keeps the form until it is given.
    assert page.get_by_label("Note").evaluate("box => box.validity.valueMissing") is True
    assert Lead.objects.get(contact__email__startswith="ruth.bailey").stage == "mql"
    page.get_by_label("Note").fill("Budget is next spring; nurture until March.")
    page.get_by_role("button", name="Reject and send back to nurture").click()
    expect(page.get_by_text("Rejected and sent back to nurture")).to_be_visible()
    expect(page.get_by_text("Recycled (back to nurture)").first).to_be_visible()
    log_out(page)

    sign_in(page, "tom.fletcher@brightwell.example", demo.password)
    expect(page.get_by_text("A lead from Spring heat-pump webinar was rejected")).to_be_visible()
    page.goto("/sla/")
    expect(page.get_by_role("heading", name="Marketing's side")).to_be_visible()
    expect(page.get_by_role("heading", name="Sales' side")).to_be_visible()
    by_campaign = page.locator("article", has_text="By campaign")
    expect(by_campaign).to_contain_text("Spring heat-pump webinar")
    expect(by_campaign).to_contain_text("Too early: not ready to talk")
    expect(page.locator("canvas[data-chart]")).to_be_visible()


def test_heads_agree_a_change_to_the_sla_from_their_pages(page, demo):
    sign_in(page, "priya.raman@brightwell.example", demo.password)
    page.goto("/sla/contract/")
    page.get_by_role("link", name="Propose a change to the SLA").click()
    page.get_by_label("MQLs per month (marketing's promise)").fill("150")
    page.get_by_role("button", name="Propose").click()
    expect(page.get_by_text("It takes effect when the other side approves")).to_be_visible()
    expect(page.get_by_text("15 MQLs a month")).to_be_visible()  # still the old contract
    log_out(page)

    sign_in(page, "david.okafor@brightwell.example", demo.password)
    page.goto("/sla/contract/")
    proposed = page.locator("article", has_text="Proposed SLA")
    expect(proposed).to_contain_text("A head of a sales team: waiting")
    proposed.get_by_role("button", name="Approve version 1").click()
    expect(proposed).to_contain_text("approved by David Okafor")  # swapped in place
    page.reload()
    expect(page.get_by_text("150 MQLs a month", exact=True)).to_be_visible()
