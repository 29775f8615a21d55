"""The person's own opt-in link, in the system Chromium: a real browser sends the
confirmation with the headers Django's CSRF check reads (the test client does not)."""

import pytest
from playwright.sync_api import expect

from tandem.crm import consent, services
from tandem.crm.models import Contact

pytestmark = pytest.mark.browser


def test_the_person_confirms_from_their_link_and_consent_is_theirs_again(page, live_org):
    ruth = services.create_contact(actor=live_org.sales_rep, email="ruth@harrogate.example")
    services.set_consent(actor=live_org.sales_rep, contact=ruth, consent=False, source="Call")
    token = consent.opt_in_link_token(ruth, "web form: Heat-pump webinar")
    page.goto(f"/consent/confirm/{token}/")
    expect(page.get_by_role("heading", name="Would you like our news and offers?")).to_be_visible()
    page.get_by_role("button", name="Yes, send me news and offers").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    ruth = Contact.objects.get(pk=ruth.pk)
    assert ruth.marketing_consent is True
    assert ruth.consent_source == "confirmed by e-mail link (web form: Heat-pump webinar)"
    page.goto(f"/consent/confirm/{token}/")  # opened again: nothing left to ask
    expect(page.get_by_role("heading", name="You are signed up")).to_be_visible()
