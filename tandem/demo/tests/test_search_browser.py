"""Global search in a real browser, on the demo organisation: a branch user types a
caller's number as they wrote it down and finds the contact as they type, then opens it."""

import re

import pytest
from playwright.sync_api import expect

from tandem.conftest import sign_in

pytestmark = pytest.mark.browser


def test_a_phone_number_typed_any_way_finds_the_contact_who_is_then_opened(page, demo):
    sign_in(page, "grace.miller@brightwell.example", demo.password)
    page.goto("/search/")
    expect(page.get_by_text("a phone number written any way")).to_be_visible()
    box = page.get_by_role("searchbox", name="Search everything")
    box.press_sequentially("+44 (0)7700 900", delay=20)  # answered as they type (htmx)
    contacts = page.locator("section", has=page.get_by_role("heading", name="Contacts"))
    expect(contacts.get_by_role("link", name="Ruth Bailey")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/search/\?q=%2B44"))  # the URL keeps the search
    box.fill("07700 900123")
    box.press("Enter")
    expect(contacts).to_contain_text("07700 900123")
    contacts.get_by_role("link", name="Ruth Bailey").click()
    expect(page.get_by_role("heading", name="Ruth Bailey")).to_be_visible()
    expect(page.get_by_role("link", name="07700 900123")).to_have_attribute(
        "href", "tel:+447700900123"
    )


def test_the_shells_search_box_answers_from_any_page_and_slash_focuses_it(page, demo):
    sign_in(page, "chloe.davies@brightwell.example", demo.password)  # the call centre
    page.keyboard.press("/")
    box = page.get_by_role("searchbox", name="Search Tandem")
    expect(box).to_be_focused()
    box.press_sequentially("07700 900123", delay=20)
    results = page.locator("#global-search-results")
    ruth = results.locator("a[href^='/contacts/']", has_text="Ruth Bailey")  # her lead too
    expect(ruth).to_be_visible()
    page.keyboard.press("Escape")
    expect(results).to_be_empty()
    box.press_sequentially(" ", delay=20)  # typing again brings them back
    expect(ruth).to_be_visible()
    ruth.click()
    expect(page.get_by_role("heading", name="Ruth Bailey")).to_be_visible()
