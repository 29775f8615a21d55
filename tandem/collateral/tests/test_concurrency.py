"""Sign-offs racing a new version, and publishing racing a new version, on separate
connections: each sign-off lands on the version it was made on (and is voided with it)
or is refused; nothing unsigned is ever published. (SQLite runs one writer at a time;
PostgreSQL really overlaps the transactions.)"""

from __future__ import annotations

from typing import Any

from tandem.approvals import services as approvals
from tandem.approvals.models import Decision
from tandem.approvals.tests.test_concurrency import at_once
from tandem.collateral import services
from tandem.collateral.models import Asset
from tandem.collateral.signoff import gate, latest_request
from tandem.factories.collateral import make_asset, pdf_upload


def test_two_reviewers_signing_while_a_new_version_uploads(live_org: Any) -> None:
    org = live_org
    asset = make_asset(org.marketer, reps=[org.sales_rep])
    request = services.release_for_review(actor=org.marketer, asset=asset)
    outcomes = at_once(
        lambda: approvals.decide(
            actor=org.sales_rep, request=request, outcome="approve", version=1
        ),
        lambda: approvals.decide(
            actor=org.front_liner, request=request, outcome="approve", version=1
        ),
        lambda: services.upload_version(actor=org.marketer, asset=asset, upload=pdf_upload()),
    )
    assert outcomes[2] == "ok"
    assert set(outcomes[:2]) <= {"ok", "version_not_current"}
    request.refresh_from_db()
    asset.refresh_from_db()
    assert asset.version_count == 2 and not gate(asset).passed  # version 2 is unsigned
    if request.version == 1:
        # Both signed version 1 before it was replaced: the review passed on version 1,
        # and version 2 goes back to draft, to be released again.
        assert outcomes[:2] == ["ok", "ok"] and request.status == "approved"
        assert asset.status == Asset.Status.DRAFT
    else:
        # The upload came first or between: what landed on version 1 was voided, and the
        # review waits for both on version 2.
        assert request.version == 2 and request.is_open
        live = Decision.objects.filter(request=request, voided_at__isnull=True)
        assert all(d.version == 2 for d in live)
        assert not request.requirements.filter(satisfied_by__isnull=False).exists()


def test_publish_racing_a_new_version_never_publishes_an_unsigned_one(live_org: Any) -> None:
    org = live_org
    asset = make_asset(org.marketer, reps=[org.sales_rep])
    request = services.release_for_review(actor=org.marketer, asset=asset)
    for who in (org.sales_rep, org.front_liner):
        request.refresh_from_db()
        approvals.decide(actor=who, request=request, outcome="approve", version=1)
    asset.refresh_from_db()
    outcomes = at_once(
        lambda: services.publish(actor=org.marketer, asset=asset),
        lambda: services.upload_version(actor=org.marketer, asset=asset, upload=pdf_upload()),
    )
    assert outcomes[1] == "ok" and outcomes[0] in ("ok", "collateral_sign_off_missing")
    asset = Asset.objects.select_related("published_version").get(pk=asset.pk)
    if outcomes[0] == "ok":
        assert asset.published_version is not None and asset.published_version.number == 1
    else:
        assert asset.published_version is None
    assert latest_request(asset) is not None
    assert not gate(asset).passed  # version 2 waits for its own sign-offs
