"""The app shell, as each demo persona sees it in a real browser.

Every page the navigation offers a persona is opened at a laptop's width (1280 px) and a
phone's (390 px): none may be wider than the window (a wide table scrolls inside its
card instead), and axe-core finds no serious or critical accessibility fault on it.
On a phone the navigation folds into a menu that opens and closes.
"""

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tandem.conftest import log_out, sign_in

# A layout check: HTML and CSS, whatever the database, so CI runs it once (on SQLite).
pytestmark = [pytest.mark.browser, pytest.mark.layout]

AXE = (Path(__file__).parents[2] / "core/tests/vendor/axe-core/axe.min.js").read_text()

# One persona of each kind of work, the admin and the outsider.
PERSONAS = [
    "helen.ashworth",  # executive
    "priya.raman",  # marketing head
    "tom.fletcher",  # marketer
    "david.okafor",  # sales head
    "sam.patel",  # sales rep
    "grace.miller",  # front line (showroom)
    "chloe.davies",  # call centre
    "alex.morgan",  # admin
    "jordan.blake",  # outsider
]


def navigation_links(page: Any) -> list[str]:
    """Every address the shell offers: the sidebar, the bell and the user menu."""
    hrefs = page.eval_on_selector_all(
        "#sidebar-menu a.nav-link, header.topbar a.bell, header.topbar .dropdown-menu a",
        "links => links.map(a => a.getAttribute('href'))",
    )
    return list(dict.fromkeys(hrefs))


def overflow(page: Any) -> int:
    """How many pixels the page is wider than the window (0 when it fits)."""
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def serious_violations(page: Any) -> list[str]:
    page.evaluate(AXE + "\n;undefined")
    found = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations
                .filter(v => v.impact === "serious" || v.impact === "critical")
                .map(v => v.id + ": " + v.help + " — "
                    + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "));
        }"""
    )
    return list(found)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_navigation_page_fits_the_window_and_passes_axe(page, demo, persona):
    sign_in(page, f"{persona}@brightwell.example", demo.password)
    links = navigation_links(page)
    assert "/" in links or any(link.startswith("/") for link in links)
    problems: list[str] = []
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for link in links:
            page.goto(link)
            wider = overflow(page)
            if wider > 0:
                problems.append(f"{link} at {width} px is {wider} px wider than the window")
            if width == 1280:
                problems += [f"{link}: {v}" for v in serious_violations(page)]
    assert not problems, "\n".join(problems)


def test_the_navigation_folds_into_a_menu_on_a_phone(page, demo):
    page.set_viewport_size({"width": 390, "height": 800})
    sign_in(page, "david.okafor@brightwell.example", demo.password)
    contacts = page.locator("#sidebar-menu").get_by_role("link", name="Contacts")
    expect(contacts).to_be_hidden()
    page.get_by_role("button", name="Menu").click()
    expect(contacts).to_be_visible()
    contacts.click()
    expect(page.get_by_role("heading", name="Contacts", level=1)).to_be_visible()
    expect(page.locator("#sidebar-menu")).to_be_hidden()  # a new page starts folded


def test_groups_read_as_people_think_of_their_work(page, demo):
    sign_in(page, "david.okafor@brightwell.example", demo.password)
    menu = page.locator("#sidebar-menu")
    headings = menu.locator(".nav-group-heading").all_inner_texts()
    assert [h.strip().lower() for h in headings] == [
        "customers",
        "marketing",
        "sales",
        "together",
        "admin",
    ]
    sales = menu.locator(".nav-group", has=page.locator("#nav-group-sales"))
    expect(sales.get_by_role("link", name="Leads")).to_be_visible()
    expect(sales.get_by_role("link", name="SLA")).to_be_visible()
    menu.get_by_role("link", name="SLA").click()
    expect(menu.get_by_role("link", name="SLA")).to_have_attribute("aria-current", "page")


def test_the_user_menu_holds_profile_tokens_and_log_out(page, demo):
    sign_in(page, "sam.patel@brightwell.example", demo.password)
    page.locator("header.topbar [data-bs-toggle=dropdown]").click()
    menu = page.locator("header.topbar .dropdown-menu")
    expect(menu.get_by_role("link", name="Profile")).to_be_visible()
    expect(menu.get_by_role("link", name="API tokens")).to_be_visible()
    page.keyboard.press("Escape")
    log_out(page)


def test_an_at_mention_is_completed_from_the_keyboard(page, demo):
    sign_in(page, "tom.fletcher@brightwell.example", demo.password)
    page.goto("/contacts/")
    page.locator("#contact-rows a[href^='/contacts/']").first.click()
    box = page.get_by_label("Add a comment")
    box.press_sequentially("Can you call her? @sam", delay=20)
    option = page.get_by_role("option", name="Sam Patel")
    expect(option).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    box.press("Enter")
    expect(box).to_have_value("Can you call her? @sam.patel ")
    expect(option).to_be_hidden()
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_role("status").filter(has_text="Notified Sam Patel")).to_be_visible()
