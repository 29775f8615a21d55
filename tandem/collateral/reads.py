"""Reads that pages share: where each asset's sign-off stands, for many assets at once
(a fixed number of queries however many are listed)."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch

from tandem.approvals.models import ApprovalRequest, Requirement
from tandem.approvals.reads import card, with_details
from tandem.collateral.models import Asset
from tandem.collateral.signoff import SIGN_OFF, gate


def with_gates(assets: Any) -> list[Any]:
    """The assets, each with ``.gate`` (``signoff.Gate``) and ``.sign_off`` (its latest
    request): three queries for the requests and the policies, not three per asset."""
    found = list(
        assets.select_related(
            "policy", "policy__sales_team", "policy__front_line_team"
        ).prefetch_related("policy__reps", "policy__requesters")
        if hasattr(assets, "select_related")
        else assets
    )
    if not found:
        return found
    latest: dict[int, ApprovalRequest] = {}
    requests = (
        ApprovalRequest.objects.filter(
            kind=SIGN_OFF,
            subject_type=ContentType.objects.get_for_model(Asset),
            subject_id__in=[a.pk for a in found],
        )
        .exclude(status=ApprovalRequest.Status.SUPERSEDED)
        .prefetch_related(
            Prefetch("requirements", queryset=Requirement.objects.order_by("position"))
        )
        .order_by("subject_id", "-requested_at", "-id")
    )
    for request in requests:
        latest.setdefault(request.subject_id, request)
    for asset in found:
        asset.sign_off = latest.get(asset.pk)
        asset.gate = gate(asset, asset.sign_off, looked=True)
    return found


def sign_off_card(request: Any, user: Any) -> dict[str, Any] | None:
    """The approvals card of an asset's latest sign-off request (``request`` from
    ``with_gates``), with its decisions and what ``user`` may do: the one card the
    Decisions page shows too."""
    if request is None:
        return None
    [loaded] = with_details(ApprovalRequest.objects.filter(pk=request.pk))
    return card(loaded, user)
