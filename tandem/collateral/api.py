"""API routes of collateral's assets: the asset and its review policy, versions (upload
and download) and the steps (release, publish, print, retire); ``library_api`` holds
pins, feedback, usage and requests. The same rules as the pages: every read goes through
``visible_to`` (a guessed id is a 404) and every write through the services, which
refuse what the pages refuse. Sign-offs are decided at ``/approvals/{id}/decide``, as
every approval is."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models import F
from django.db.models.functions import Length
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, FormEx, P, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from tandem.campaigns.models import Campaign
from tandem.collateral import library, search, services, storage
from tandem.collateral.files import CONTENT_TYPES
from tandem.collateral.models import Asset, AssetVersion, ReviewPolicy, Usage
from tandem.collateral.reads import with_gates
from tandem.collateral.schemas import (
    AssetFilterIn,
    AssetIn,
    AssetOut,
    AssetPatch,
    PolicyIn,
    PolicyOut,
    ReleaseIn,
    RetireIn,
    VersionNumber,
    VersionOut,
)
from tandem.core.api_pagination import CursorPagination, OffsetCursorPagination
from tandem.core.errors import DomainError, ErrorCode, invalid
from tandem.core.ids import RecordId
from tandem.core.permissions import require_staff
from tandem.people.auth import signed_in
from tandem.people.models import Team, User

router = Router(tags=["collateral"])


def _error_answers(*statuses: int) -> dict[str, Any]:
    """Statuses this route answers beyond ``document_errors``' set, in the one error
    shape. The app sits below ``tandem.api`` (which holds ErrorOut), so it names the
    schema the API publishes rather than importing it."""
    shape = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    reasons = {413: "The file is too large", 415: "Not a kind of file collateral takes"}
    return {"responses": {s: {"description": reasons[s], "content": shape} for s in statuses}}


FILE_ANSWER = {
    "responses": {
        200: {
            "description": "The file, as an attachment under its safe name, as its true type",
            "content": {
                kind: {"schema": {"type": "string", "format": "binary"}}
                for kind in dict.fromkeys(CONTENT_TYPES.values())
            },
        }
    }
}


# --- Reading -----------------------------------------------------------------------------
def visible_assets(request: HttpRequest) -> Any:
    """Assets the caller can see, with their version numbers (not the versions' rows,
    whose extracted text can be long)."""
    require_staff(request.user)
    return Asset.objects.visible_to(request.user).annotate(
        current_number=F("current_version__number"),
        published_number=F("published_version__number"),
        printed_number=F("printed_version__number"),
    )


def asset_or_404(request: HttpRequest, asset_id: int) -> Asset:
    return get_object_or_404(visible_assets(request), pk=asset_id)


def _shown(request: HttpRequest, asset_id: int) -> Asset:
    """The asset as answers show it, read afresh: with its sign-off gate."""
    found = with_gates(visible_assets(request).filter(pk=asset_id))
    if not found:
        raise Http404("No such asset")
    return found[0]


class _Listing:
    """What OffsetCursorPagination slices: asset ids in the order listed (an ordered
    query, or a search's ranking, which is not in id order, so a keyset cursor cannot
    page it), each page read with its gates in a fixed number of queries."""

    def __init__(self, ids: Any, found: Any) -> None:
        self.ids, self.found = ids, found

    def __getitem__(self, part: slice) -> list[Asset]:
        wanted = list(self.ids[part])
        by_id = {asset.pk: asset for asset in with_gates(self.found.filter(pk__in=wanted))}
        return [by_id[pk] for pk in wanted if pk in by_id]


def named_record(
    request: HttpRequest, model: Any, pk: int | None, field: str, missing: ErrorCode
) -> Any:
    """A record named in a body, read through its ``visible_to``: one the caller cannot
    see is answered as if it were not there, naming the field."""
    if pk is None:
        return None
    found = model.objects.visible_to(request.user).filter(pk=pk).first()
    if found is None:
        raise DomainError(missing, f"No {model._meta.verbose_name} {pk}.", field=field)
    return found


def linked(request: HttpRequest, model: Any, pk: int | None, field: str) -> Any:
    """A related record a write links to: unknown is a 422, as across the API."""
    return named_record(request, model, pk, field, ErrorCode.INVALID)


def _people(request: HttpRequest, ids: list[int], field: str) -> list[User]:
    found = list(User.objects.visible_to(request.user).filter(pk__in=ids))
    missing = set(ids) - {person.pk for person in found}
    if missing:
        raise invalid(field, f"No user {min(missing)}.")
    return found


@contextmanager
def as_sent(**renamed: str) -> Iterator[None]:
    """The services name a model's field (``reps``); the API's body names the id it takes
    (``rep_ids``): an error names what the client sent."""
    try:
        yield
    except DomainError as exc:
        if exc.field in renamed:
            exc.field = exc.details["field"] = renamed[exc.field]
        raise


# --- Assets ------------------------------------------------------------------------------
@router.get(
    "/collateral/assets",
    response=list[AssetOut],
    summary="Assets: filter by status and kind, or search the published ones (`q`)",
)
@paginate(OffsetCursorPagination)
def list_assets(request: HttpRequest, filters: Query[AssetFilterIn]) -> Any:
    """Newest first; with ``q``, the published assets matching every word (title, tags
    and the file's text, each word as a prefix), best match first."""
    found = visible_assets(request)
    if filters.status:
        if filters.status not in Asset.Status.values:
            raise invalid("status", "Choose one of the statuses listed.")
        found = found.filter(status=filters.status)
    if filters.kind:
        if filters.kind not in Asset.Kind.values:
            raise invalid("kind", "Choose one of the kinds listed.")
        found = found.filter(kind=filters.kind)
    if filters.q.strip():
        ids = search.matching_ids(filters.q, limit=search.SEARCHED)
        allowed = set(found.filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
        return _Listing([pk for pk in ids if pk in allowed], found)
    return _Listing(found.order_by("-created_at", "-pk").values_list("pk", flat=True), found)


@router.post(
    "/collateral/assets", response={201: AssetOut}, summary="A new draft (marketing makes it)"
)
def create_asset(request: HttpRequest, payload: AssetIn) -> Status[Asset]:
    require_staff(request.user)
    values = payload.dict()
    reps = _people(request, values.pop("rep_ids"), "rep_ids")
    values["campaign"] = linked(request, Campaign, values.pop("campaign_id"), "campaign_id")
    values["tags"] = ", ".join(values["tags"])
    with as_sent(reps="rep_ids", campaign="campaign_id"):
        made = services.create_asset(actor=signed_in(request), reps=reps, **values)
    return Status(201, _shown(request, made.pk))


@router.get(
    "/collateral/assets/{asset_id}",
    response=AssetOut,
    summary="One asset, with where its sign-off stands on the current version",
)
def get_asset(request: HttpRequest, asset_id: RecordId) -> Asset:
    return _shown(request, asset_id)


@router.patch(
    "/collateral/assets/{asset_id}", response=AssetOut, summary="Change an asset's details"
)
def update_asset(request: HttpRequest, asset_id: RecordId, payload: AssetPatch) -> Asset:
    found = asset_or_404(request, asset_id)
    values = payload.dict(exclude_unset=True)
    if "campaign_id" in values:
        values["campaign"] = linked(request, Campaign, values.pop("campaign_id"), "campaign_id")
    if "tags" in values:
        values["tags"] = ", ".join(values["tags"] or [])
    with as_sent(campaign="campaign_id"):
        services.update_asset(actor=signed_in(request), asset=found, **values)
    return _shown(request, asset_id)


@router.put(
    "/collateral/assets/{asset_id}/policy",
    response=PolicyOut,
    summary="Whose sign-off it needs (a review already asked for keeps its reviewers)",
)
def put_policy(request: HttpRequest, asset_id: RecordId, payload: PolicyIn) -> ReviewPolicy:
    found = asset_or_404(request, asset_id)
    with as_sent(reps="rep_ids", sales_team="sales_team_id", front_line_team="front_line_team_id"):
        services.set_policy(
            actor=signed_in(request),
            asset=found,
            reps=_people(request, payload.rep_ids, "rep_ids"),
            sales_team=linked(request, Team, payload.sales_team_id, "sales_team_id"),
            front_line=payload.front_line,
            front_line_team=linked(request, Team, payload.front_line_team_id, "front_line_team_id"),
            head=payload.head,
            in_order=payload.in_order,
        )
    return (
        ReviewPolicy.objects.prefetch_related("reps", "requesters")
        .select_related("sales_team", "front_line_team")
        .get(asset=found)
    )


# --- Versions ----------------------------------------------------------------------------
def version_or_404(request: HttpRequest, asset_id: int, number: int) -> AssetVersion:
    """A version of an asset the caller can see, without its extracted text."""
    found = asset_or_404(request, asset_id)
    return get_object_or_404(
        AssetVersion.objects.select_related("asset").defer("text"), asset=found, number=number
    )


@router.get(
    "/collateral/assets/{asset_id}/versions",
    response=list[VersionOut],
    summary="Every version uploaded, newest first (earlier ones stay downloadable)",
)
@paginate(CursorPagination, newest_first=True)
def list_versions(request: HttpRequest, asset_id: RecordId) -> Any:
    found = asset_or_404(request, asset_id)
    return (
        AssetVersion.objects.filter(asset=found).defer("text").annotate(text_chars=Length("text"))
    )


@router.post(
    "/collateral/assets/{asset_id}/versions",
    response={201: VersionOut},
    openapi_extra=_error_answers(413, 415),
    summary="Upload a new version (multipart: `file`, `note`); it voids every sign-off",
)
def upload_version(
    request: HttpRequest,
    asset_id: RecordId,
    file: File[UploadedFile],
    note: FormEx[str, P(max_length=500, description="What changed")] = "",
) -> Status[AssetVersion]:
    """The file is judged by its bytes, as on the page (``files.check_upload``): a PDF,
    image, Word, PowerPoint, Excel or MP4 file; anything else is a 415 (an ``.exe``
    renamed ``.pdf`` included) and one over TANDEM_COLLATERAL_MAX_BYTES a 413, both
    naming ``file``, and nothing is kept."""
    found = asset_or_404(request, asset_id)
    made = services.upload_version(actor=signed_in(request), asset=found, upload=file, note=note)
    return Status(201, made)


@router.get(
    "/collateral/assets/{asset_id}/versions/{number}/file",
    response={200: None},
    openapi_extra=FILE_ANSWER,
    summary="Download a version's file (logged as a download)",
)
def download_version(request: HttpRequest, asset_id: RecordId, number: VersionNumber) -> Any:
    """As the page serves it: an attachment under its safe name, never sniffed into
    something a browser runs, never cached; the download counts in the owner's figures
    and tells the downloader if the asset is retired later."""
    version = version_or_404(request, asset_id, number)
    library.log_use(
        actor=signed_in(request),
        asset=version.asset,
        action=Usage.Action.DOWNLOADED,
        version=version,
    )
    return storage.file_response(
        version.file.open("rb"),
        name=version.name,
        content_type=version.content_type,
        attachment=True,
    )


# --- Steps -------------------------------------------------------------------------------
@router.post(
    "/collateral/assets/{asset_id}/release",
    response=AssetOut,
    summary="Ask the policy's reviewers to sign the current version off",
)
def release(request: HttpRequest, asset_id: RecordId, payload: ReleaseIn) -> Asset:
    """The body is a JSON object, ``{}`` when there is nothing to tell the reviewers."""
    found = asset_or_404(request, asset_id)
    services.release_for_review(actor=signed_in(request), asset=found, note=payload.note)
    return _shown(request, asset_id)


@router.post(
    "/collateral/assets/{asset_id}/publish",
    response=AssetOut,
    summary="Into the library: 409 collateral_sign_off_missing, naming who, until signed off",
)
def publish(request: HttpRequest, asset_id: RecordId) -> Asset:
    services.publish(actor=signed_in(request), asset=asset_or_404(request, asset_id))
    return _shown(request, asset_id)


@router.post(
    "/collateral/assets/{asset_id}/print",
    response=AssetOut,
    summary="Send to the printer named: 409 collateral_sign_off_missing until signed off",
)
def send_to_print(request: HttpRequest, asset_id: RecordId) -> Asset:
    services.send_to_print(actor=signed_in(request), asset=asset_or_404(request, asset_id))
    return _shown(request, asset_id)


@router.post(
    "/collateral/assets/{asset_id}/retire",
    response=AssetOut,
    summary="Out of the library for good; whoever downloaded it is told",
)
def retire(request: HttpRequest, asset_id: RecordId, payload: RetireIn) -> Asset:
    found = asset_or_404(request, asset_id)
    services.retire(actor=signed_in(request), asset=found, reason=payload.reason)
    return _shown(request, asset_id)
