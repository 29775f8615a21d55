"""Issue 15's paths in a real browser, end to end:

1. a marketer moves a trade show into a week sales cannot absorb, sees the warning with
   its figures, and moves it anyway; the head of sales finds it on the Decisions page,
   marks sales ready, and the show launches;
2. a webinar over its agreed cost per SQL is flagged by the morning's check; its owner
   cuts it on the calendar, with a reason, and the freed budget is shown; the person's
   calendar feed (parsed by icalendar, as a calendar client reads it) now carries it as
   cancelled, under the UID it always had, with a higher SEQUENCE."""

from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from tandem.approvals import contracts as joint
from tandem.calendar import capacity, feeds, kill, readiness
from tandem.campaigns import services as campaigns
from tandem.campaigns.models import Campaign
from tandem.conftest import sign_in

pytestmark = pytest.mark.browser
READY = {"reps_briefed": True, "collateral_signed_off": True, "capacity_booked": True}


def test_over_capacity_warning_then_readiness_then_launch(page, live_org):
    marketer, head = live_org.marketer, live_org.sales_head
    monday = capacity.monday_of(timezone.localdate()) + timedelta(weeks=1)
    show = campaigns.create_campaign(
        actor=marketer,
        name="Harrogate show",
        type="trade_show",
        channel="events",
        starts_on=monday + timedelta(weeks=3),
        ends_on=monday + timedelta(weeks=3, days=6),
        expected_leads_per_week=400,  # far past what sales can take in a week
    )
    sign_in(page, marketer.email, live_org.password)
    page.goto(f"/calendar/items/{show.pk}/")
    panel = page.locator("#calendar-item")
    panel.get_by_label("Starts").fill(monday.isoformat())
    panel.get_by_label("Ends").fill((monday + timedelta(days=6)).isoformat())
    panel.get_by_role("button", name="Move", exact=True).click()
    warning = page.locator("#move-warning")
    expect(warning).to_contain_text("Not moved yet: sales would be over capacity")
    expect(warning).to_contain_text("from Harrogate show")
    assert Campaign.objects.get(pk=show.pk).starts_on == monday + timedelta(weeks=3)
    warning.get_by_role("button", name="Move anyway").click()
    expect(page.get_by_role("status").first).to_contain_text("Harrogate show moved to")
    assert Campaign.objects.get(pk=show.pk).starts_on == monday

    page.context.clear_cookies()
    sign_in(page, head.email, live_org.password)
    page.goto("/decisions/")
    expect(page.get_by_text("Harrogate show over sales capacity").first).to_be_visible()
    page.goto(f"/calendar/items/{show.pk}/")
    page.get_by_text("Mark sales' readiness").click()
    page.get_by_label("Ready", exact=True).check()
    for label in ("Reps briefed", "Collateral signed off", "Follow-up capacity booked"):
        page.get_by_label(label).check()
    page.get_by_role("button", name="Save readiness").click()
    expect(page.locator('[data-readiness="ready"]')).to_have_text("Ready")

    page.context.clear_cookies()
    sign_in(page, marketer.email, live_org.password)
    page.goto(f"/campaigns/{show.pk}/")
    page.get_by_label("Change status").select_option("live")
    page.get_by_role("button", name="Save status").click()
    expect(page.get_by_text("Status saved.")).to_be_visible()
    assert Campaign.objects.get(pk=show.pk).status == "live"


def test_a_flagged_campaign_is_cut_and_its_feed_says_cancelled(page, live_org):
    marketer = live_org.marketer
    today = timezone.localdate()
    webinar = campaigns.create_campaign(
        actor=marketer,
        name="Spring webinar",
        type="webinar",
        channel="events",
        starts_on=today - timedelta(days=40),
        ends_on=today + timedelta(days=20),
        planned_budget="5000",
    )
    readiness.mark(actor=live_org.sales_head, campaign=webinar, status="ready", **READY)
    campaigns.set_status(actor=marketer, campaign=webinar, status="live")
    campaigns.add_cost(
        actor=marketer, campaign=webinar, incurred_on=today, amount="3000", description="Media"
    )
    criteria = kill.propose_kill_criteria(
        actor=live_org.marketing_head,
        campaign_type="webinar",
        cost_per_sql_max="1000",
        cost_per_sql_days=30,
    )
    joint.approve(actor=live_org.sales_head, contract=criteria)
    assert [f.campaign_id for f in kill.evaluate()] == [webinar.pk]
    _, secret = feeds.create_feed(actor=marketer, name="Outlook", filters={})
    webinar.refresh_from_db()
    uid, sequence = f"{webinar.uid}@tandem", webinar.sequence

    sign_in(page, marketer.email, live_org.password)
    page.goto(f"/calendar/?view=week&on={today.isoformat()}")
    page.locator(f'.cal-bar[data-item="{webinar.pk}"]').first.click()
    panel = page.locator("#calendar-item")
    expect(panel.get_by_role("heading", name="Flagged")).to_be_visible()
    panel.get_by_label("Cut").check()
    panel.get_by_label("Reason").fill("No SQL after six weeks: the money goes to the show.")
    panel.get_by_role("button", name="Record the decision").click()
    expect(panel.locator('[data-decision="cut"]')).to_contain_text("Budget freed: £2,000.00")
    assert Campaign.objects.get(pk=webinar.pk).status == "cut"

    response = page.request.get(f"/calendar/feed/{secret}.ics")
    assert response.status == 200
    events = {str(e["UID"]): e for e in Calendar.from_ical(response.body()).walk("VEVENT")}
    assert str(events[uid]["STATUS"]) == "CANCELLED"
    assert int(events[uid]["SEQUENCE"]) > sequence
