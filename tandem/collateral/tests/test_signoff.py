"""The sign-off gate: publish and print refused until every required sign-off is on the
current version, naming who is missing; a new version voids the sign-offs; reviews in
order; a head of sales' recorded override; changes sent back."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tandem.approvals import services as approvals
from tandem.approvals.models import ApprovalRequest, Decision
from tandem.collateral import services
from tandem.collateral.errors import CollateralError
from tandem.collateral.models import Asset
from tandem.collateral.signoff import gate
from tandem.core.errors import DomainError, ErrorCode
from tandem.factories.collateral import make_asset, pdf_upload, png_upload

pytestmark = pytest.mark.django_db


def released(org: Any, **values: Any) -> tuple[Asset, ApprovalRequest]:
    asset = make_asset(org.marketer, reps=[org.sales_rep], **values)
    request = services.release_for_review(actor=org.marketer, asset=asset)
    asset.refresh_from_db()
    return asset, request


def approve(user: Any, request: ApprovalRequest, version: int = 1) -> None:
    request.refresh_from_db()
    approvals.decide(actor=user, request=request, outcome="approve", version=version)


def test_publish_is_refused_naming_who_is_missing(org: Any) -> None:
    asset, request = released(org)
    assert asset.status == Asset.Status.IN_REVIEW
    with pytest.raises(DomainError) as refused:
        services.publish(actor=org.marketer, asset=asset)
    assert refused.value.code == CollateralError.SIGN_OFF_MISSING
    assert "Sam Rep, the owning sales rep" in refused.value.message
    assert "front-line reviewer" in refused.value.message
    approve(org.sales_rep, request)
    with pytest.raises(DomainError) as still:
        services.publish(actor=org.marketer, asset=asset)
    assert "Sam Rep" not in still.value.message and "front-line" in still.value.message
    approve(org.front_liner, request)
    asset.refresh_from_db()
    assert asset.status == Asset.Status.APPROVED
    services.publish(actor=org.marketer, asset=asset)
    asset.refresh_from_db()
    assert asset.status == Asset.Status.PUBLISHED
    assert asset.published_version_id == asset.current_version_id


def test_unreleased_asset_says_to_release_it(org: Any) -> None:
    asset = make_asset(org.marketer, reps=[org.sales_rep])
    with pytest.raises(DomainError, match="not been released for review"):
        services.publish(actor=org.marketer, asset=asset)


def test_a_new_version_voids_every_sign_off(org: Any) -> None:
    asset, request = released(org)
    approve(org.sales_rep, request)
    services.upload_version(actor=org.marketer, asset=asset, upload=pdf_upload(), note="new price")
    asset.refresh_from_db()
    request.refresh_from_db()
    assert asset.version_count == 2 and request.version == 2 and request.is_open
    assert not request.requirements.filter(satisfied_by__isnull=False).exists()
    assert Decision.objects.get(request=request).voided_at is not None
    # A sign-off made on the version the reviewer saw, now stale, is refused.
    with pytest.raises(DomainError, match="version 2 is current"):
        approvals.decide(actor=org.front_liner, request=request, outcome="approve", version=1)
    approve(org.sales_rep, request, version=2)
    approve(org.front_liner, request, version=2)
    services.publish(actor=org.marketer, asset=asset)


def test_upload_after_sign_off_sends_it_back_to_draft(org: Any) -> None:
    asset, request = released(org)
    approve(org.sales_rep, request)
    approve(org.front_liner, request)
    services.upload_version(actor=org.marketer, asset=asset, upload=pdf_upload())
    asset.refresh_from_db()
    assert asset.status == Asset.Status.DRAFT
    found = gate(asset)
    assert not found.passed and "Sam Rep, the owning sales rep" in found.missing
    with pytest.raises(DomainError) as refused:
        services.send_to_print(actor=org.marketer, asset=asset)
    # The gate speaks first: print details matter only once it is signed off.
    assert refused.value.code == CollateralError.SIGN_OFF_MISSING


def test_send_to_print_needs_print_details_and_a_printed_kind(org: Any) -> None:
    asset, request = released(org)
    approve(org.sales_rep, request)
    approve(org.front_liner, request)
    asset.refresh_from_db()
    with pytest.raises(DomainError) as missing:
        services.send_to_print(actor=org.marketer, asset=asset)
    assert missing.value.field == "printer" and "the quantity" in missing.value.message
    services.update_asset(
        actor=org.marketer,
        asset=asset,
        printer="Leeds Print Co",
        print_quantity="5000",
        print_due_on=(timezone.localdate() + timedelta(days=10)).isoformat(),
    )
    services.send_to_print(actor=org.marketer, asset=asset)
    asset.refresh_from_db()
    assert asset.sent_to_print_at and asset.printed_version_id == asset.current_version_id
    with pytest.raises(DomainError) as twice:
        services.send_to_print(actor=org.marketer, asset=asset)
    assert twice.value.code == CollateralError.WRONG_STATUS
    deck = make_asset(org.marketer, kind=Asset.Kind.SALES_DECK, reps=[org.sales_rep])
    with pytest.raises(DomainError) as never:
        services.send_to_print(actor=org.marketer, asset=deck)
    assert never.value.code == CollateralError.NOT_PRINTED_KIND
    with pytest.raises(DomainError) as details:
        services.update_asset(actor=org.marketer, asset=deck, printer="Anyone")
    assert details.value.code == CollateralError.NOT_PRINTED_KIND


def test_reviews_in_order_wait_for_the_first_reviewer(org: Any) -> None:
    asset = make_asset(org.marketer, reps=[org.sales_rep])
    services.set_policy(
        actor=org.marketer, asset=asset, reps=[org.sales_rep], front_line=True, in_order=True
    )
    request = services.release_for_review(actor=org.marketer, asset=asset)
    assert request.in_order
    assert not ApprovalRequest.objects.waiting_for(org.front_liner).filter(pk=request.pk).exists()
    assert ApprovalRequest.objects.waiting_for(org.sales_rep).filter(pk=request.pk).exists()
    with pytest.raises(DomainError, match="decided in order"):
        approve(org.front_liner, request)
    approve(org.sales_rep, request)
    assert ApprovalRequest.objects.waiting_for(org.front_liner).filter(pk=request.pk).exists()
    approve(org.front_liner, request)
    asset.refresh_from_db()
    assert gate(asset).passed


def test_a_head_of_sales_override_is_recorded_and_passes_the_gate(org: Any) -> None:
    asset, request = released(org)
    with pytest.raises(DomainError):
        approvals.override(actor=org.marketing_head, request=request, reason="launch")
    approvals.override(actor=org.sales_head, request=request, reason="Sam is on leave; checked it")
    asset.refresh_from_db()
    found = gate(asset)
    assert found.passed and found.overridden
    assert found.request is not None and found.request.override_reason.startswith("Sam is on")
    services.publish(actor=org.marketer, asset=asset)


def test_changes_requested_go_back_to_draft(org: Any) -> None:
    asset, request = released(org)
    approvals.decide(
        actor=org.sales_rep, request=request, outcome="changes", version=1, comment="Wrong price"
    )
    asset.refresh_from_db()
    assert asset.status == Asset.Status.DRAFT
    again = services.release_for_review(actor=org.marketer, asset=asset)
    assert again.pk != request.pk and again.is_open


def test_only_marketing_changes_an_asset(org: Any) -> None:
    asset = make_asset(org.marketer, reps=[org.sales_rep])
    for who in (org.sales_rep, org.front_liner):
        with pytest.raises(DomainError) as refused:
            services.publish(actor=who, asset=asset)
        assert refused.value.code == ErrorCode.FORBIDDEN
    with pytest.raises(DomainError) as refused:
        services.create_asset(actor=org.front_liner, title="Mine", kind="brochure")
    assert refused.value.code == ErrorCode.FORBIDDEN
    services.update_asset(actor=org.marketing_head, asset=asset, title="Renamed by the head")


def test_bad_asset_input_names_the_field(org: Any) -> None:
    cases = [
        ({"title": "", "kind": "brochure"}, "title"),
        ({"title": "x", "kind": "leaflet"}, "kind"),
        ({"title": "x", "kind": "brochure", "expires_on": "31/31/2026"}, "expires_on"),
        ({"title": "x", "kind": "brochure", "print_quantity": "-4"}, "print_quantity"),
        ({"title": "x" * 201, "kind": "brochure"}, "title"),
        ({"title": "x", "kind": "brochure", "tags": "t" * 301}, "tags"),
    ]
    for values, field in cases:
        with pytest.raises(DomainError) as refused:
            services.create_asset(actor=org.marketer, **values)
        assert refused.value.field == field, values
    assert not Asset.objects.exists()
    with pytest.raises(DomainError) as not_sales:
        services.create_asset(actor=org.marketer, title="x", kind="brochure", reps=[org.marketer])
    assert not_sales.value.field == "reps"


def test_retiring_tells_everyone_who_downloaded_it(org: Any) -> None:
    from tandem.collateral import library
    from tandem.notifications.models import Notification

    asset, request = released(org, upload=png_upload())
    approve(org.sales_rep, request)
    approve(org.front_liner, request)
    asset = services.publish(actor=org.marketer, asset=asset)
    library.log_use(actor=org.front_liner, asset=asset, action="downloaded")
    services.retire(actor=org.marketer, asset=asset, reason="Offer ended")
    told = Notification.objects.filter(recipient=org.front_liner, text__startswith="Retired")
    assert told.count() == 1
    with pytest.raises(DomainError) as retired:
        services.upload_version(actor=org.marketer, asset=asset, upload=pdf_upload())
    assert retired.value.code == CollateralError.WRONG_STATUS


def test_expiry_warns_owners_once_and_retires_on_the_day(org: Any) -> None:
    from tandem.collateral.tasks import expire_assets
    from tandem.notifications.models import Notification

    today = timezone.localdate()
    soon = make_asset(org.marketer, title="Soon", expires_on=today + timedelta(days=10))
    gone = make_asset(org.marketer, title="Gone", expires_on=today + timedelta(days=1))
    Asset.objects.filter(pk=gone.pk).update(expires_on=today)
    assert expire_assets.call_local() == {"warned": 1, "retired": 1}
    assert expire_assets.call_local() == {"warned": 0, "retired": 0}
    soon.refresh_from_db()
    gone.refresh_from_db()
    assert soon.status == Asset.Status.DRAFT and soon.expiry_warned_on == today
    assert gone.status == Asset.Status.RETIRED and "expired" in gone.retired_reason
    assert (
        Notification.objects.filter(recipient=org.marketer, text__contains="expires on").count()
        == 1
    )


def test_a_campaign_that_hands_out_collateral_waits_for_its_sign_off(org: Any) -> None:
    from tandem.campaigns.services import set_status
    from tandem.collateral.hooks import launch_check
    from tandem.factories.campaigns import CampaignFactory

    campaign = CampaignFactory(type="trade_show", owner=org.marketer, team=org.marketing)
    _asset, request = released(org, campaign=campaign)
    with pytest.raises(DomainError) as refused:
        set_status(actor=org.marketer, campaign=campaign, status="live")
    assert "Winter greenhouse brochure waits for Sam Rep" in refused.value.message
    approve(org.sales_rep, request)
    approve(org.front_liner, request)
    assert launch_check(campaign) == ""
    webinar = CampaignFactory(type="paid_search", owner=org.marketer)
    released(org, campaign=webinar)
    assert launch_check(webinar) == ""  # paid search hands customers nothing to sign off


def test_the_regions_sales_team_signs_when_no_rep_is_named(org: Any) -> None:
    from tandem.factories.people import TeamFactory
    from tandem.handoff import configuration

    north = TeamFactory(name="Northern Ireland Sales", function="sales")
    yorkshire = TeamFactory(name="Leeds reps", function="sales")
    configuration.save_routing_rule(
        actor=org.admin, team=yorkshire, name="Yorkshire", region="Yorkshire"
    )
    asset = make_asset(org.marketer, region="yorkshire")
    assert asset.policy.sales_team == yorkshire
    assert make_asset(org.marketer, region="North").policy.sales_team is None  # not a prefix
    assert north.pk
