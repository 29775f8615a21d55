"""Every write to an asset: create and change it, upload a version, release it for
review, publish it, send it to print, retire it. The sign-off itself is decided through
``tandem.approvals`` (``signoff.AssetSignOff``); publish and print ask ``signoff.gate``
inside the transaction that holds the asset's row, so a sign-off voided by a new version
a moment earlier is seen."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tandem.approvals import services as approvals
from tandem.approvals.models import ApprovalRequest
from tandem.collateral import files, search, storage
from tandem.collateral.errors import CollateralError
from tandem.collateral.models import Asset, AssetVersion, ReviewPolicy, Usage
from tandem.collateral.signoff import KIND_DEFAULTS, SIGN_OFF, gate, latest_request
from tandem.core.dates import check_date
from tandem.core.errors import DomainError, ErrorCode, invalid
from tandem.core.permissions import Action, require, require_staff
from tandem.core.services import record_event
from tandem.core.validation import optional_text, required_text, whole_number
from tandem.handoff.models import RoutingRule
from tandem.notifications.services import notify
from tandem.people.models import Team, User

TEXT_LIMITS = {"audience": 200, "region": 100, "products": 300, "tags": 300, "printer": 200}
LIVE_REQUESTS = (ApprovalRequest.Status.OPEN, ApprovalRequest.Status.CHANGES_REQUESTED)
EDITABLE = (
    "title",
    "kind",
    "audience",
    "region",
    "products",
    "campaign",
    "tags",
    "expires_on",
    "printer",
    "print_quantity",
    "print_due_on",
)


def _locked(asset: Asset) -> Asset:
    """The asset's row, locked for this transaction, after its live sign-off requests.

    Deciding locks a request, then (when it passes) changes the asset; a write here that
    locked the asset first and then the request (a new version reopens it, a release
    supersedes it, retiring withdraws it) would deadlock with it on PostgreSQL. So every
    write takes them in the order deciding does: requests, then the asset."""
    list(
        ApprovalRequest.objects.about(asset)
        .filter(kind=SIGN_OFF, status__in=LIVE_REQUESTS)
        .select_for_update()
        .only("pk")
    )
    return Asset.objects.select_for_update().get(pk=asset.pk)


def _clean(asset: Asset, values: dict[str, Any]) -> None:
    """Check and set the editable fields given, naming the field at fault."""
    if "title" in values:
        asset.title = required_text(values["title"], "title", 200, message="Give it a title.")
    if "kind" in values:
        if values["kind"] not in Asset.Kind.values:
            raise invalid("kind", "Choose one of the kinds listed.")
        asset.kind = values["kind"]
    for field, limit in TEXT_LIMITS.items():
        if field in values:
            setattr(asset, field, optional_text(values[field], field, limit))
    if "tags" in values:
        asset.tags = ", ".join(dict.fromkeys(t for t in asset.tag_list))[:300]
    if "campaign" in values:
        asset.campaign = values["campaign"]
    for field in ("expires_on", "print_due_on"):
        if field in values:
            setattr(asset, field, _day(values[field], field))
    if "print_quantity" in values:
        raw = values["print_quantity"]
        asset.print_quantity = (
            whole_number(raw, "print_quantity", 1, 10_000_000) if raw not in (None, "") else None
        )
    if not asset.is_printed_kind and (asset.printer or asset.print_quantity or asset.print_due_on):
        raise DomainError(
            CollateralError.NOT_PRINTED_KIND,
            f"A {asset.get_kind_display().lower()} is not printed: leave the print details empty.",
            field="printer",
        )


def _day(raw: Any, field: str) -> date | None:
    """A date, or ISO text of one (from the API), or nothing."""
    if raw in (None, ""):
        return None
    if isinstance(raw, str):
        try:
            raw = date.fromisoformat(raw.strip())
        except ValueError:
            raise invalid(field, f"{field} must be a date such as 2026-11-22.") from None
    return check_date(raw, field)


def may_create(user: Any) -> bool:
    """Marketing makes collateral: members of a marketing team, and administrators."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_admin or Team.Function.MARKETING in user.team_functions().values())


def default_policy(asset: Asset) -> ReviewPolicy:
    """The kind's defaults; the asset's region names the sales team whose reps sign."""
    front_line, head = KIND_DEFAULTS[asset.kind]
    team = None
    if asset.region:
        # The sales team the hand-off routes the region's leads to, or one named for it.
        rule = (
            RoutingRule.objects.filter(
                region__iexact=asset.region, team__function=Team.Function.SALES
            )
            .select_related("team")
            .order_by("position")
            .first()
        )
        team = rule.team if rule else None
        team = (
            team
            or Team.objects.filter(function=Team.Function.SALES, name__iexact=asset.region).first()
        )
    return ReviewPolicy.objects.create(
        asset=asset, front_line=front_line, head=head, sales_team=team
    )


def create_asset(*, actor: User, reps: list[User] | None = None, **values: Any) -> Asset:
    """A new draft, owned by its author and their marketing team, with the kind's review
    policy (the reps named sign it)."""
    require_staff(actor)
    if not may_create(actor):
        raise DomainError(
            ErrorCode.FORBIDDEN, "Marketing makes collateral: ask for it with a request instead."
        )
    asset = Asset(owner=actor, team=_marketing_team_of(actor))
    if "title" not in values or "kind" not in values:
        _clean(asset, {"title": values.get("title"), "kind": values.get("kind")})
    _clean(asset, values)
    with transaction.atomic():
        asset.save()
        policy = default_policy(asset)
        if reps:
            policy.reps.set(_sales_people(reps))
        record_event("asset.created", subject=asset, data={"kind": asset.kind})
    return asset


def _marketing_team_of(user: User) -> Team | None:
    return (
        Team.objects.filter(function=Team.Function.MARKETING, memberships__user=user)
        .order_by("pk")
        .first()
    )


def _sales_people(people: list[User]) -> list[User]:
    for person in people:
        if Team.Function.SALES not in person.team_functions().values():
            raise invalid("reps", f"{person} is not in a sales team: choose a sales rep.")
    return people


def update_asset(*, actor: User, asset: Asset, **values: Any) -> Asset:
    require(actor, Action.CHANGE, asset)
    with transaction.atomic():
        asset = _locked(asset)
        _require_not_retired(asset)
        _clean(asset, {k: v for k, v in values.items() if k in EDITABLE})
        asset.save()
        if asset.status == Asset.Status.PUBLISHED:
            search.index(asset)
    return asset


def set_policy(
    *,
    actor: User,
    asset: Asset,
    reps: list[User],
    sales_team: Team | None = None,
    front_line: bool = False,
    front_line_team: Team | None = None,
    head: bool = False,
    in_order: bool = False,
) -> ReviewPolicy:
    """Change whose sign-off the asset needs. A review already asked for keeps the
    requirements it was asked with; release again to ask the new reviewers."""
    require(actor, Action.CHANGE, asset)
    if sales_team is not None and sales_team.function != Team.Function.SALES:
        raise invalid("sales_team", "Choose a sales team.")
    if front_line_team is not None and front_line_team.function != Team.Function.FRONT_LINE:
        raise invalid("front_line_team", "Choose a branch or call-centre team.")
    with transaction.atomic():
        policy = ReviewPolicy.objects.select_for_update().get(asset=asset)
        policy.sales_team, policy.front_line_team = sales_team, front_line_team
        policy.front_line = front_line or front_line_team is not None
        policy.head, policy.in_order = head, in_order
        policy.save()
        policy.reps.set(_sales_people(reps))
        record_event("asset.policy_changed", subject=asset)
    return policy


def upload_version(*, actor: User, asset: Asset, upload: Any, note: str = "") -> AssetVersion:
    """A new version: checked by its content, stored under a generated name, its words
    read and its first page drawn. It voids every sign-off: an open review moves to it
    (its reviewers are told); a signed-off asset goes back to draft.

    The file is stored and described (about 150 ms for a 20 MB PDF) before the
    transaction, so the asset's row (and on SQLite the database) is locked only for the
    few writes that number the version."""
    require(actor, Action.CHANGE, asset)
    _require_not_retired(asset)
    checked = files.check_upload(upload)
    note = optional_text(note, "note", 500)
    version = AssetVersion(
        name=checked.name,
        file_kind=checked.kind,
        content_type=checked.content_type,
        extension=checked.extension,
        size=checked.size,
        sha256=checked.sha256,
        note=note,
        uploaded_by=actor,
    )
    version.file.save(checked.name, upload, save=False)
    storage.describe(version)  # words, page count and first-page preview
    with transaction.atomic():
        asset = _locked(asset)
        _require_not_retired(asset)
        version.asset, version.number = asset, asset.version_count + 1
        version.uploaded_at = timezone.now()
        version.save()
        asset.current_version, asset.version_count = version, version.number
        if asset.status == Asset.Status.APPROVED:
            asset.status = Asset.Status.DRAFT
        asset.save(update_fields=["current_version", "version_count", "status", "updated_at"])
        approvals.new_version(asset, version.number)
        record_event("asset.version_uploaded", subject=asset, data={"version": version.number})
    return version


def release_for_review(*, actor: User, asset: Asset, note: str = "") -> ApprovalRequest:
    """Ask the policy's reviewers to sign the current version off."""
    require(actor, Action.CHANGE, asset)
    with transaction.atomic():
        asset = _locked(asset)
        _require_not_retired(asset)
        if asset.current_version_id is None:
            raise DomainError(
                CollateralError.WRONG_STATUS, "Upload a file before releasing it for review."
            )
        if gate(asset).passed:
            raise DomainError(CollateralError.WRONG_STATUS, "This version is signed off already.")
        request = approvals.request_approval(actor=actor, kind=SIGN_OFF, subject=asset, reason=note)
        if asset.status == Asset.Status.DRAFT:
            asset.status = Asset.Status.IN_REVIEW
            asset.save(update_fields=["status", "updated_at"])
        record_event("asset.released", subject=asset, data={"version": asset.version_count})
    return request


def signed_off(*, asset: Asset) -> None:
    """Every sign-off is in (or a head overrode them): called by the approval kind."""
    if asset.status == Asset.Status.IN_REVIEW:
        asset.status = Asset.Status.APPROVED
        asset.save(update_fields=["status", "updated_at"])
    if asset.owner_id:
        notify(
            recipients=[asset.owner],
            kind="system",
            text=f"Signed off: {asset.title}, version {asset.version_count}",
            url=asset_url(asset),
        )


def back_to_draft(*, asset: Asset) -> None:
    """Changes requested, or the review withdrawn."""
    if asset.status == Asset.Status.IN_REVIEW:
        asset.status = Asset.Status.DRAFT
        asset.save(update_fields=["status", "updated_at"])


def _require_signed_off(asset: Asset, what: str) -> None:
    found = gate(asset)
    if not found.passed:
        raise DomainError(
            CollateralError.SIGN_OFF_MISSING,
            f"It cannot be {what} yet. {found.refusal}",
            missing=found.missing,
        )


def publish(*, actor: User, asset: Asset) -> Asset:
    """Put the signed-off current version in the front-line library."""
    require(actor, Action.CHANGE, asset)
    with transaction.atomic():
        asset = _locked(asset)
        _require_not_retired(asset)
        _require_signed_off(asset, "published")
        if asset.published_version_id == asset.current_version_id:
            raise DomainError(CollateralError.WRONG_STATUS, "This version is published already.")
        asset.status, asset.published_at = Asset.Status.PUBLISHED, timezone.now()
        asset.published_version = asset.current_version
        asset.save(update_fields=["status", "published_at", "published_version", "updated_at"])
        search.index(asset)
        record_event("asset.published", subject=asset, data={"version": asset.version_count})
    return asset


def send_to_print(*, actor: User, asset: Asset) -> Asset:
    """Send the signed-off current version to the printer named in its print details."""
    require(actor, Action.CHANGE, asset)
    with transaction.atomic():
        asset = _locked(asset)
        _require_not_retired(asset)
        if not asset.is_printed_kind:
            raise DomainError(
                CollateralError.NOT_PRINTED_KIND,
                f"A {asset.get_kind_display().lower()} is not printed.",
            )
        _require_signed_off(asset, "sent to print")
        missing = [
            label
            for field, label in (
                ("printer", "the printer"),
                ("print_quantity", "the quantity"),
                ("print_due_on", "the date it is due"),
            )
            if not getattr(asset, field)
        ]
        if missing:
            raise invalid("printer", f"Give {' and '.join(missing)} before sending it to print.")
        if asset.printed_version_id == asset.current_version_id:
            raise DomainError(CollateralError.WRONG_STATUS, "This version went to print already.")
        asset.sent_to_print_at, asset.printed_version = timezone.now(), asset.current_version
        asset.save(update_fields=["sent_to_print_at", "printed_version", "updated_at"])
        record_event(
            "asset.sent_to_print",
            subject=asset,
            data={"version": asset.version_count, "printer": asset.printer},
        )
    return asset


def retire(*, actor: User | None, asset: Asset, reason: str) -> Asset:
    """Out of the library for good; everyone who downloaded it is told. ``actor`` None:
    the expiry task, acting for the organisation."""
    if actor is not None:
        require(actor, Action.CHANGE, asset)
    reason = required_text(reason, "reason", 300, message="Say why it is retired.")
    with transaction.atomic():
        asset = _locked(asset)
        _require_not_retired(asset)
        asset.status, asset.retired_at, asset.retired_reason = (
            Asset.Status.RETIRED,
            timezone.now(),
            reason,
        )
        asset.save(update_fields=["status", "retired_at", "retired_reason", "updated_at"])
        search.unindex(asset.pk)
        request = latest_request(asset)
        if request is not None and request.is_open and request.requested_by is not None:
            approvals.withdraw(actor=request.requested_by, request=request)
        record_event("asset.retired", subject=asset, data={"reason": reason})
        notify(
            recipients=list(downloaders(asset)),
            kind="system",
            text=f"Retired, stop using it: {asset.title} ({reason})",
            url=asset_url(asset),
        )
    return asset


def downloaders(asset: Asset) -> Any:
    return User.objects.filter(
        is_active=True, pk__in=Usage.objects.filter(asset=asset).values("user_id")
    )


def _require_not_retired(asset: Asset) -> None:
    if asset.status == Asset.Status.RETIRED:
        raise DomainError(CollateralError.WRONG_STATUS, "This asset is retired.")


def asset_url(asset: Asset) -> str:
    return reverse("collateral:asset", args=[asset.pk])


def warn_expiring(*, today: date, days: int = 14) -> int:
    """Tell owners once, ``days`` ahead, that their asset expires (the daily task)."""
    warned = 0
    for asset in (
        Asset.objects.expiring_by(today.fromordinal(today.toordinal() + days))
        .filter(expiry_warned_on__isnull=True, expires_on__gt=today)
        .select_related("owner")
    ):
        with transaction.atomic():
            if asset.owner_id:
                notify(
                    recipients=[asset.owner],
                    kind="system",
                    text=f"{asset.title} expires on {asset.expires_on:%d %b %Y}: "
                    "renew or retire it.",
                    url=asset_url(asset),
                )
            Asset.objects.filter(pk=asset.pk).update(expiry_warned_on=today)
            warned += 1
    return warned


def retire_expired(*, today: date) -> int:
    """Retire every live asset whose expiry date has come (the daily task)."""
    retired = 0
    for asset in Asset.objects.expiring_by(today):
        retire(actor=None, asset=asset, reason=f"expired on {asset.expires_on:%d %b %Y}")
        retired += 1
    return retired
