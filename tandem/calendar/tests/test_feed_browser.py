"""Subscribing from the calendar, in the system Chromium: "Subscribe" carries the
calendar's filters to the feeds page, the new feed's address is shown once, and a
calendar app fetching it gets the ICS."""

import os
import re
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from tandem.calendar.models import FeedToken
from tandem.campaigns import services as campaigns
from tandem.conftest import sign_in

pytestmark = pytest.mark.browser
# Screenshots for the review, when asked for: TANDEM_SCREENSHOTS=/some/dir.
SHOTS = os.environ.get("TANDEM_SCREENSHOTS", "")


def _shot(page, name):
    if SHOTS:
        for width, height in ((1280, 900), (390, 844)):
            page.set_viewport_size({"width": width, "height": height})
            page.screenshot(path=str(Path(SHOTS) / f"{name}-{width}.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})


def test_subscribing_from_the_calendar(page, live_server, live_org):
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    campaigns.create_campaign(
        actor=live_org.marketer,
        name="Heat-pump webinar",
        type="webinar",
        channel="events",
        starts_on=today + timedelta(days=10),
        ends_on=today + timedelta(days=11),
    )
    sign_in(page, live_org.sales_rep.email, live_org.password)
    page.goto("/calendar/")
    page.get_by_label("Type").select_option("webinar")  # the grid follows (htmx) ...
    expect(page.locator("#calendar-grid")).to_have_attribute("data-query", re.compile("webinar"))
    subscribe = page.get_by_role("link", name=re.compile("^Subscribe"))
    expect(subscribe).to_have_attribute("href", re.compile("type=webinar"))  # ... and the link
    _shot(page, "calendar")
    subscribe.click()
    expect(page.get_by_role("heading", name="Calendar feeds")).to_be_visible()
    expect(page.get_by_text("You have no feeds yet")).to_be_visible()
    expect(page.get_by_label("Type")).to_have_value("webinar")
    _shot(page, "feeds-empty")
    page.get_by_label("Name").fill("Outlook at work")
    page.get_by_role("button", name="Create feed").click()
    address = page.locator("#feed-url").inner_text().strip()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    _shot(page, "feeds-created")
    token = FeedToken.objects.get(owner=live_org.sales_rep)
    assert token.filters == {"type": "webinar"}
    path = "/calendar/feed/" + address.split("/calendar/feed/", 1)[1]
    fetched = requests.get(live_server.url + path, timeout=20)  # as a calendar app would
    assert fetched.status_code == 200
    assert fetched.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "SUMMARY:Heat-pump webinar" in fetched.text

    page.goto("/calendar/feeds/")  # shown once: the list names it, the address is gone
    expect(page.get_by_role("cell", name="Outlook at work", exact=True)).to_be_visible()
    assert address not in page.content()
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Revoke Outlook at work").click()
    expect(page.get_by_text("is revoked")).to_be_visible()
    assert requests.get(live_server.url + path, timeout=20).status_code == 404
