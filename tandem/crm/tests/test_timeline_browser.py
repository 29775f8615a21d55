"""The contact page's timeline reloads after each one-click log, in the system Chromium.
A second log while the first reload is still on its way must neither drop that log from
the timeline nor abort the first reload (htmx reports an aborted request as an error in
the browser's console, which the page fixture fails on)."""

import pytest
from playwright.sync_api import expect

from tandem.conftest import sign_in
from tandem.crm import services

pytestmark = pytest.mark.browser


def test_a_second_log_while_the_timeline_reloads_queues_another_reload(page, live_org):
    dee = services.create_contact(actor=live_org.front_liner, first_name="Dee", last_name="Ash")
    sign_in(page, live_org.front_liner.email, live_org.password)
    page.goto(f"/contacts/{dee.pk}/")

    # Hold each timeline reload (htmx names its target) until the test lets it go.
    held = []

    def hold(route) -> None:
        if route.request.headers.get("hx-target") == "timeline":
            held.append(route)
        else:
            route.continue_()

    page.route("**/*", hold)

    def wait_for_held(count: int) -> None:
        for _ in range(50):
            if len(held) >= count:
                return
            page.wait_for_timeout(100)
        raise AssertionError(f"{len(held)} timeline reloads held, expected {count}")

    page.get_by_role("button", name="Log branch visit").click()
    expect(page.locator("#quick-log")).to_contain_text("Branch visit logged on")
    wait_for_held(1)
    page.get_by_role("button", name="Log call").click()
    expect(page.locator("#quick-log")).to_contain_text("Phone call logged on")
    page.wait_for_timeout(300)
    assert len(held) == 1, "nothing more is sent while the first reload is on its way"

    held.pop().continue_()
    wait_for_held(1)  # the reload queued behind it, which sees both logs
    held.pop().continue_()
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("Served in branch")
    expect(timeline).to_contain_text("Phone call")
