"""Issue 16's path in a real browser, end to end: a marketer uploads a brochure; the
owning rep and a branch reviewer are asked to sign it off; publishing is refused naming
who is missing; the rep pins a comment on a page; a new version voids the sign-offs;
after both sign, it is sent to print and published; a branch user finds it by a word
inside the PDF, rates it, logs its use on a deal that is later won, and asks for a
variant."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tandem.collateral.models import Asset, CollateralRequest, Feedback, Usage
from tandem.collateral.sample_pdf import make_pdf
from tandem.conftest import sign_in
from tandem.crm import services as crm

pytestmark = pytest.mark.browser


def brochure(version: int) -> dict:
    pages = [
        [f"Glasshouse heating, edition {version}", "For commercial growers in Yorkshire"],
        ["Photosynthesis-friendly heat pumps", "Call the Leeds branch on 0113 496 0000"],
    ]
    return {"name": "glasshouse.pdf", "mimeType": "application/pdf", "buffer": make_pdf(pages)}


def relog(page, user, password):
    """Sign in as someone else. Page images still loading would bring the last person's
    session cookie back after it is cleared: wait for them first."""
    page.wait_for_load_state("networkidle")
    page.context.clear_cookies()
    sign_in(page, user.email, password)


def approve(page, asset_pk: int, version: int, reviewer) -> None:
    page.goto(f"/collateral/{asset_pk}/")
    page.get_by_role("button", name=f"Approve version {version}").click()
    expect(page.locator("#sign-off .requirements")).to_contain_text(f"approved by {reviewer}")


def test_brochure_from_upload_to_print_library_and_a_won_deal(page, live_org):
    org = live_org
    bad = []
    page.on(
        "response",
        lambda r: bad.append((r.status, r.url, r.request.method)) if r.status >= 400 else None,
    )
    account = crm.create_account(actor=org.sales_rep, name="Greenleaf Nurseries")
    deal = crm.create_opportunity(
        actor=org.sales_rep, name="Greenleaf glasshouse heating", account=account, amount="48000"
    )

    # The marketer makes the brochure with its file, names Sam as owning rep, releases it.
    sign_in(page, org.marketer.email, org.password)
    page.goto("/collateral/new/")
    page.get_by_label("Title").fill("Glasshouse heating brochure")
    page.get_by_label("Kind").select_option("brochure")
    page.get_by_label("Owning sales reps").select_option(str(org.sales_rep.pk))
    page.get_by_label("File").set_input_files(brochure(1))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Created. Release it for review")).to_be_visible()
    asset = Asset.objects.get(title="Glasshouse heating brochure")
    page.get_by_role("button", name="Release version 1 for review").click()
    expect(page.locator("#sign-off")).to_contain_text("Sam Rep, the owning sales rep: waiting")
    page.get_by_role("button", name="Publish to the library").click()
    refusal = page.locator(".alert-danger").first
    expect(refusal).to_contain_text("It cannot be published yet")
    expect(refusal).to_contain_text("Sam Rep, the owning sales rep")
    expect(refusal).to_contain_text("a front-line reviewer")

    # Sam pins a comment on page 2 (a click on the page), then approves version 1.
    relog(page, org.sales_rep, org.password)
    page.goto(f"/collateral/{asset.pk}/review/?page=2")
    page.locator("[data-pin-target]").click(position={"x": 120, "y": 80})
    page.get_by_label("What you noticed there").fill("Give the branch's opening hours too.")
    page.get_by_role("button", name="Pin it").click()
    expect(page.locator(".pin-thread").first).to_contain_text("opening hours")
    expect(page.locator(".pin-marker").first).to_be_visible()
    approve(page, asset.pk, 1, org.sales_rep)

    # A new version voids Sam's sign-off.
    relog(page, org.marketer, org.password)
    page.goto(f"/collateral/{asset.pk}/")
    page.get_by_text("Upload a new version").click()
    page.locator("#sign-off ~ article input[type=file], input[name=file]").first.set_input_files(
        brochure(2)
    )
    page.get_by_label("What changed").fill("Opening hours added")
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.get_by_text("Version 2 uploaded")).to_be_visible()
    expect(page.locator("#sign-off")).to_contain_text("Sam Rep, the owning sales rep: waiting")

    # Both sign version 2.
    for reviewer in (org.sales_rep, org.front_liner):
        relog(page, reviewer, org.password)
        approve(page, asset.pk, 2, reviewer)

    # Print details, then to print and to the library.
    relog(page, org.marketer, org.password)
    page.goto(f"/collateral/{asset.pk}/edit/")
    page.get_by_label("Printer").fill("Leeds Print Co")
    page.get_by_label("Print quantity").fill("2000")
    page.get_by_label("Print due on").fill((timezone.localdate() + timedelta(days=14)).isoformat())
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Every sign-off is on version 2")).to_be_visible()
    page.get_by_role("button", name="Send to print").click()
    expect(page.get_by_text("Sent to print.")).to_be_visible()
    page.get_by_role("button", name="Publish to the library").click()
    expect(page.get_by_text("Published: it is in the library.")).to_be_visible()

    # The branch finds it by a word inside the PDF, rates it, logs its use on the deal.
    relog(page, org.front_liner, org.password)
    page.goto("/collateral/library/")
    page.get_by_label("Search the library").fill("photosynthesis")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Glasshouse heating brochure", exact=True).click()
    page.get_by_label("Rating").select_option("5")
    page.get_by_label("It is").select_option("useful")
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_text("Thank you: the owner sees it.")).to_be_visible()
    page.get_by_label("On a deal").select_option(str(deal.pk))
    page.get_by_role("button", name="Log it").click()
    expect(page.get_by_text("Logged on Greenleaf glasshouse heating")).to_be_visible()
    assert Feedback.objects.get(asset=asset).rating == 5
    assert Usage.objects.filter(asset=asset, opportunity=deal, action="used").count() == 1

    # The deal is won: the asset's page counts it; the branch asks for a variant.
    crm.move_opportunity(actor=org.sales_rep, opportunity=deal, stage="won")
    page.reload()
    expect(page.locator("dd", has_text="£48,000.00")).to_be_visible()
    page.get_by_role("link", name="Ask for a variant").click()
    page.get_by_label("For whom").fill("Growers under glass in Lincolnshire")
    page.get_by_role("button", name="Ask").click()
    expect(page.get_by_text("Asked. Marketing is told")).to_be_visible()
    asked = CollateralRequest.objects.get()
    assert asked.variant_of == asset and asked.requested_by == org.front_liner
    assert bad == []
