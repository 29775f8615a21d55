"""The pages: the review board, the asset's page with its steps, uploads through the form
(bad files refused in words, nothing stored), downloads (access checked each time, safe
headers), page images, pins, the library and requests; query counts on the lists."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.approvals import services as approvals
from tandem.collateral import services
from tandem.collateral.models import Asset, AssetVersion, Pin, Usage
from tandem.factories.collateral import make_asset, pdf_upload

pytestmark = pytest.mark.django_db


def test_a_marketer_makes_an_asset_with_its_file_from_one_form(client: Any, org: Any) -> None:
    client.force_login(org.marketer)
    response = client.post(
        "/collateral/new/",
        {
            "title": "Spring leaflet",
            "kind": "brochure",
            "reps": [org.sales_rep.pk],
            "file": pdf_upload(name="../../etc/spring\u202egpj.pdf"),
            "note": "First go",
        },
    )
    asset = Asset.objects.get(title="Spring leaflet")
    assert response.status_code == 302 and response["Location"] == f"/collateral/{asset.pk}/"
    version = asset.versions.get()
    assert version.name == "etcspringgpj.pdf" or "/" not in version.name
    assert "\u202e" not in version.name and ".." not in version.name
    assert version.file.name.startswith("collateral/files/") and version.file_kind == "pdf"
    page = client.get(f"/collateral/{asset.pk}/").content.decode()
    assert "Release version 1 for review" in page
    assert "Sam Rep, the owning sales rep" in page


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"MZ\x90\x00" + b"\x00" * 200, "Windows program"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "SVG"),
        (b"<!doctype html><html><body>hi</body></html>", "HTML"),
        (b"", "empty"),
    ],
)
def test_a_bad_file_is_refused_in_words_and_nothing_is_kept(
    client: Any, org: Any, data: bytes, said: str
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(org.marketer)
    response = client.post(
        "/collateral/new/",
        {"title": "Sneaky", "kind": "brochure", "file": SimpleUploadedFile("brochure.pdf", data)},
    )
    assert response.status_code == 422
    assert said.lower() in response.content.decode().lower()
    assert not Asset.objects.exists() and not AssetVersion.objects.exists()


def test_an_upload_over_the_limit_is_refused_before_it_is_stored(
    client: Any, org: Any, settings: Any
) -> None:
    asset = make_asset(org.marketer, reps=[org.sales_rep])
    settings.TANDEM_COLLATERAL_MAX_BYTES = 1000
    client.force_login(org.marketer)
    response = client.post(
        f"/collateral/{asset.pk}/upload/", {"file": pdf_upload(), "note": "big"}, follow=True
    )
    assert "a file can be at most" in response.content.decode()
    assert asset.versions.count() == 1


def test_a_body_over_the_ceiling_stops_at_the_ceiling(client: Any, org: Any, settings: Any) -> None:
    """Past TANDEM_UPLOAD_MAX_BYTES the body is not read on: the page says why."""
    asset = make_asset(org.marketer, reps=[org.sales_rep])
    settings.TANDEM_UPLOAD_MAX_BYTES = 500
    client.force_login(org.marketer)
    response = client.post(
        f"/collateral/{asset.pk}/upload/", {"note": "big", "file": pdf_upload()}, follow=True
    )
    assert "larger than" in response.content.decode()
    assert asset.versions.count() == 1


def test_downloads_check_access_each_time_and_are_served_safely(client: Any, org: Any) -> None:
    asset = make_asset(org.marketer, reps=[org.sales_rep])
    client.force_login(org.front_liner)
    response = client.get(f"/collateral/{asset.pk}/versions/1/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert Usage.objects.filter(user=org.front_liner, action="downloaded").count() == 1
    for guessed in ("versions/2/download/", "versions/1/pages/3.png", "versions/9/pages/1.png"):
        assert client.get(f"/collateral/{asset.pk}/{guessed}").status_code == 404
    assert client.get("/collateral/999999/versions/1/download/").status_code == 404
    image = client.get(f"/collateral/{asset.pk}/versions/1/pages/2.png")
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    client.force_login(org.outsider)
    assert client.get(f"/collateral/{asset.pk}/versions/1/download/").status_code == 404
    assert client.get(f"/collateral/{asset.pk}/versions/1/pages/1.png").status_code == 404


def test_publish_from_the_page_names_who_is_missing(client: Any, org: Any) -> None:
    asset = make_asset(org.marketer, reps=[org.sales_rep])
    services.release_for_review(actor=org.marketer, asset=asset)
    client.force_login(org.marketer)
    response = client.post(f"/collateral/{asset.pk}/publish/", follow=True)
    page = response.content.decode()
    assert "It cannot be published yet" in page and "Sam Rep, the owning sales rep" in page
    asset.refresh_from_db()
    assert asset.status == Asset.Status.IN_REVIEW


def test_a_reviewer_signs_off_and_pins_from_the_pages(client: Any, org: Any) -> None:
    asset = make_asset(org.marketer, reps=[org.sales_rep])
    request = services.release_for_review(actor=org.marketer, asset=asset)
    client.force_login(org.sales_rep)
    page = client.get(f"/collateral/{asset.pk}/").content.decode()
    assert "Approve version 1" in page
    review = client.get(f"/collateral/{asset.pk}/review/?page=2")
    assert review.status_code == 200 and "Pin a comment" in review.content.decode()
    pinned = client.post(
        f"/collateral/{asset.pk}/versions/1/pins/",
        {"page": "2", "x": "0.4", "y": "0.3", "text": "Wrong phone number"},
    )
    assert pinned.status_code == 302
    pin = Pin.objects.get()
    assert (pin.page, str(pin.x), pin.author) == (2, "0.4000", org.sales_rep)
    refused = client.post(
        f"/collateral/{asset.pk}/versions/1/pins/", {"page": "2", "x": "7", "y": "0.3", "text": "x"}
    )
    assert refused.status_code == 422
    client.post(
        f"/decisions/{request.pk}/decide/", {"outcome": "approve", "version": "1", "comment": ""}
    )
    assert request.requirements.filter(satisfied_by=org.sales_rep).exists()


def test_a_front_liner_finds_rates_and_uses_it(client: Any, org: Any) -> None:
    from tandem.factories.crm import AccountFactory, OpportunityFactory

    asset = make_asset(org.marketer, reps=[org.sales_rep], tags="grants")
    request = services.release_for_review(actor=org.marketer, asset=asset)
    for who in (org.sales_rep, org.front_liner):
        request.refresh_from_db()
        approvals.decide(actor=who, request=request, outcome="approve", version=1)
    asset.refresh_from_db()
    services.publish(actor=org.marketer, asset=asset)
    deal = OpportunityFactory(account=AccountFactory(), owner=org.sales_rep)
    client.force_login(org.front_liner)
    found = client.get("/collateral/library/?q=installation").content.decode()
    assert "Winter greenhouse brochure" in found
    assert (
        "Nothing published matches" in client.get("/collateral/library/?q=zebra").content.decode()
    )
    client.post(f"/collateral/{asset.pk}/feedback/", {"rating": "4", "verdict": "useful"})
    client.post(f"/collateral/{asset.pk}/use/", {"action": "used", "opportunity": str(deal.pk)})
    assert Usage.objects.filter(opportunity=deal, action="used").count() == 1
    guessed = client.post(
        f"/collateral/{asset.pk}/use/", {"action": "used", "opportunity": "999999"}
    )
    assert guessed.status_code == 404
    page = client.get(f"/collateral/{asset.pk}/").content.decode()
    assert "4.0 ★" in page


def test_the_lists_read_a_fixed_number_of_queries(client: Any, org: Any) -> None:
    client.force_login(org.marketer)

    def grow(n: int) -> None:
        for i in range(n):
            asset = make_asset(org.marketer, title=f"Asset {Asset.objects.count()} {i}")
            services.release_for_review(actor=org.marketer, asset=asset)

    grow(2)
    counts = {}
    for url in (
        "/collateral/",
        "/collateral/library/",
        "/collateral/analytics/",
        "/collateral/requests/",
    ):
        with CaptureQueriesContext(connection) as few:
            client.get(url)
        counts[url] = len(few)
    grow(6)
    for url, before in counts.items():
        with CaptureQueriesContext(connection) as many:
            client.get(url)
        assert len(many) == before, url


def test_requests_are_asked_and_triaged_from_their_pages(client: Any, org: Any) -> None:
    client.force_login(org.front_liner)
    response = client.post("/collateral/requests/", {"title": "Leaflet in Polish"})
    assert response.status_code == 302
    empty = client.post("/collateral/requests/", {"title": ""})
    assert empty.status_code == 422
    from tandem.collateral.models import CollateralRequest

    found = CollateralRequest.objects.get()
    client.force_login(org.marketer)
    declined = client.post(f"/collateral/requests/{found.pk}/triage/", {"outcome": "declined"})
    assert declined.status_code == 422 and "Say why" in declined.content.decode()
    client.post(
        f"/collateral/requests/{found.pk}/triage/", {"outcome": "declined", "reason": "Not now"}
    )
    found.refresh_from_db()
    assert found.status == "declined" and found.reason == "Not now"


def test_the_decisions_page_lists_a_reviewers_pending_sign_offs(client: Any, org: Any) -> None:
    asset = make_asset(org.marketer, reps=[org.sales_rep], title="Spring price sheet")
    services.release_for_review(actor=org.marketer, asset=asset)

    def waiting_for(user: Any) -> str:
        client.force_login(user)
        page = client.get("/decisions/").content.decode()
        return page.split('id="waiting-heading"')[1].split('id="asked-heading"')[0]

    assert "Sign-off: Spring price sheet (version 1)" in waiting_for(org.sales_rep)
    assert "Sign-off: Spring price sheet" in waiting_for(org.front_liner)  # any front-liner
    assert "Sign-off: Spring price sheet" not in waiting_for(org.sales_head)  # Sam is named


def test_analytics_chart_the_most_used_assets(client: Any, org: Any) -> None:
    from tandem.collateral import library

    asset = make_asset(org.marketer, reps=[org.sales_rep])
    services.release_for_review(actor=org.marketer, asset=asset)  # drafts are not counted
    library.log_use(
        actor=org.front_liner, asset=asset, action="downloaded", version=asset.current_version
    )
    client.force_login(org.marketer)
    page = client.get("/collateral/analytics/").content.decode()
    assert 'data-chart="use-data"' in page and '"Downloads"' in page


def test_a_use_shows_on_the_customers_timeline_and_erasure_wipes_its_note(
    client: Any, org: Any
) -> None:
    from tandem.collateral import library
    from tandem.crm import services as crm

    asset = make_asset(org.marketer, reps=[org.sales_rep])
    Asset.objects.filter(pk=asset.pk).update(
        status="published", published_version=asset.current_version
    )
    asset.refresh_from_db()
    account = crm.create_account(actor=org.sales_rep, name="Greenleaf")
    jane = crm.create_contact(actor=org.sales_rep, first_name="Jane", account=account)
    library.log_use(actor=org.front_liner, asset=asset, contact=jane, note="Jane took two")
    client.force_login(org.sales_rep)
    for url in (f"/contacts/{jane.pk}/", f"/accounts/{account.pk}/"):
        page = client.get(url).content.decode()
        assert '<span class="side-tag">Collateral</span>' in page, url
        assert "Used with the customer</strong> · Winter greenhouse brochure" in page, url
        assert "Jane took two" in page, url
    crm.erase_contact(actor=org.sales_head, contact=jane)
    assert Usage.objects.get(contact=jane).note != "Jane took two"
