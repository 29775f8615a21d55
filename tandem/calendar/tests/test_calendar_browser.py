"""The calendar in a real browser: a marketer drags a trade show two days later, moves it
again with the keyboard alone through its Move form, is refused going live until sales
is ready; the head of sales marks it ready on the calendar, and then it launches."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tandem.campaigns import services as campaigns
from tandem.campaigns.models import Campaign
from tandem.conftest import sign_in

pytestmark = pytest.mark.browser


def test_drag_keyboard_move_readiness_and_launch(page, live_org):
    marketer, head = live_org.marketer, live_org.sales_head
    monday = timezone.localdate() + timedelta(days=14 - timezone.localdate().weekday())
    show = campaigns.create_campaign(
        actor=marketer,
        name="Harrogate show",
        type="trade_show",
        channel="events",
        starts_on=monday + timedelta(days=1),  # Tuesday
        ends_on=monday + timedelta(days=2),  # Wednesday
    )
    sign_in(page, marketer.email, live_org.password)
    page.goto(f"/calendar/?view=week&on={monday.isoformat()}")
    bar = page.locator(f'.cal-bar[data-item="{show.pk}"]')
    expect(bar).to_have_attribute("draggable", "true")

    # 1. Drag it from its first day (Tuesday) to Thursday: two days later.
    row = page.locator(".cal-week").first
    box = row.bounding_box()
    day = box["width"] / 7
    bar.drag_to(
        row,
        source_position={"x": 5, "y": 5},
        target_position={"x": day * 3 + day / 2, "y": box["height"] - 8},
    )
    panel = page.locator("#calendar-item")
    thursday, friday = monday + timedelta(days=3), monday + timedelta(days=4)
    expect(panel.get_by_role("status")).to_contain_text("Harrogate show moved to")
    show.refresh_from_db()
    assert (show.starts_on, show.ends_on, show.sequence) == (thursday, friday, 1)

    # 2. The keyboard alone: the bar is a link; its panel's Move form takes new dates.
    page.goto(f"/calendar/?view=week&on={monday.isoformat()}")
    page.locator(f'.cal-bar[data-item="{show.pk}"]').focus()
    page.keyboard.press("Enter")
    expect(panel.get_by_role("heading", name="Harrogate show")).to_be_visible()
    panel.get_by_label("Starts").fill((monday + timedelta(days=7)).isoformat())
    panel.get_by_label("Ends").fill((monday + timedelta(days=8)).isoformat())
    panel.get_by_role("button", name="Move").focus()
    page.keyboard.press("Enter")
    expect(panel.get_by_role("status")).to_contain_text("Harrogate show moved to")
    show.refresh_from_db()
    assert show.starts_on == monday + timedelta(days=7) and show.sequence == 2

    # 3. It cannot go live before sales is ready, and the page says why.
    page.goto(f"/campaigns/{show.pk}/")
    page.get_by_label("Change status").select_option("live")
    page.get_by_role("button", name="Save status").click()
    expect(page.get_by_role("alert").first).to_contain_text(
        "cannot go live yet: sales has not marked its readiness yet"
    )

    # 4. The head of sales marks it ready on the calendar item.
    page.context.clear_cookies()
    sign_in(page, head.email, live_org.password)
    page.goto(f"/calendar/items/{show.pk}/")
    page.get_by_text("Mark sales' readiness").click()
    page.get_by_label("Ready", exact=True).check()
    for box_label in ("Reps briefed", "Collateral signed off", "Follow-up capacity booked"):
        page.get_by_label(box_label).check()
    page.get_by_role("button", name="Save readiness").click()
    expect(page.locator('[data-readiness="ready"]')).to_have_text("Ready")

    # 5. Now it launches.
    page.context.clear_cookies()
    sign_in(page, marketer.email, live_org.password)
    page.goto(f"/campaigns/{show.pk}/")
    page.get_by_label("Change status").select_option("live")
    page.get_by_role("button", name="Save status").click()
    expect(page.get_by_text("Status saved.")).to_be_visible()
    assert Campaign.objects.get(pk=show.pk).status == "live"
