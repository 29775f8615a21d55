"""API routes of the sharp end's side of collateral: pins (comments on a point of a
page, while a version is reviewed), feedback on the published version, usage with
customers (on an opportunity or contact) and requests for what is missing. The assets
they hang on are read as ``tandem.collateral.api`` reads them: a guessed id is a 404."""

from decimal import Decimal
from typing import Any

from django.db.models import Count
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status
from ninja.pagination import paginate

from tandem.campaigns.models import Campaign
from tandem.collateral import asks, library
from tandem.collateral.api import (
    as_sent,
    asset_or_404,
    linked,
    named_record,
    version_or_404,
    visible_assets,
)
from tandem.collateral.models import Asset, CollateralRequest, Feedback, Pin, Usage
from tandem.collateral.schemas import (
    AskIn,
    DeliverIn,
    FeedbackIn,
    FeedbackOut,
    FeedbackSummaryOut,
    PinFilterIn,
    PinIn,
    PinOut,
    ReplyIn,
    RequestFilterIn,
    RequestOut,
    TriageIn,
    UsageOut,
    UseIn,
    UseOut,
    VersionNumber,
)
from tandem.core.api_pagination import CursorPagination
from tandem.core.errors import ErrorCode, invalid
from tandem.core.ids import RecordId
from tandem.core.permissions import require_staff
from tandem.crm.models import Contact, Opportunity
from tandem.people.auth import signed_in

router = Router(tags=["collateral"])
CENTS = Decimal("0.01")  # a won total as the deals state amounts, whichever database summed it


# --- Pins --------------------------------------------------------------------------------
def _pins() -> Any:
    return Pin.objects.select_related("version").defer("version__text").prefetch_related("comments")


def _pin(request: HttpRequest, pin_id: int) -> Pin:
    """A pin on a version of an asset the caller can see."""
    visible = visible_assets(request).values("pk")
    return get_object_or_404(
        _pins().select_related("version__asset"),
        pk=pin_id,
        version__asset__in=visible,
    )


@router.get(
    "/collateral/assets/{asset_id}/versions/{number}/pins",
    response=list[PinOut],
    summary="The comments pinned on a version's pages, each with its thread",
)
@paginate(CursorPagination)
def list_pins(
    request: HttpRequest, asset_id: RecordId, number: VersionNumber, filters: Query[PinFilterIn]
) -> Any:
    found = _pins().filter(version=version_or_404(request, asset_id, number))
    return found.filter(page=filters.page) if filters.page else found


@router.post(
    "/collateral/assets/{asset_id}/versions/{number}/pins",
    response={201: PinOut},
    summary="Pin a comment on a point of a page (x and y from 0 to 1)",
)
def add_pin(
    request: HttpRequest, asset_id: RecordId, number: VersionNumber, payload: PinIn
) -> Status[Pin]:
    version = version_or_404(request, asset_id, number)
    made = library.pin_comment(actor=signed_in(request), version=version, **payload.dict())
    return Status(201, _pins().get(pk=made.pk))


@router.post("/collateral/pins/{pin_id}/replies", response={201: PinOut}, summary="Reply to a pin")
def reply_to_pin(request: HttpRequest, pin_id: RecordId, payload: ReplyIn) -> Status[Pin]:
    found = _pin(request, pin_id)
    library.reply_to_pin(actor=signed_in(request), pin=found, text=payload.text)
    return Status(201, _pins().get(pk=found.pk))


@router.post(
    "/collateral/pins/{pin_id}/resolve",
    response=PinOut,
    summary="Mark a pin dealt with (the asset's owner or the pin's author)",
)
def resolve_pin(request: HttpRequest, pin_id: RecordId) -> Pin:
    found = _pin(request, pin_id)
    library.resolve_pin(actor=signed_in(request), pin=found)
    return _pins().get(pk=found.pk)


# --- Feedback and usage ------------------------------------------------------------------
class FeedbackPagination(CursorPagination):
    """The feedback, newest first, with the summary of all of it beside each page."""

    class Output(CursorPagination.Output):
        summary: FeedbackSummaryOut

    def paginate_queryset(
        self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        page = super().paginate_queryset(queryset, pagination, request, **params)
        return {**page, "summary": queryset.summary()}


@router.get(
    "/collateral/assets/{asset_id}/feedback",
    response=list[FeedbackOut],
    summary="Ratings and verdicts, newest first, with their summary (average, verdicts)",
)
@paginate(FeedbackPagination, newest_first=True)
def list_feedback(request: HttpRequest, asset_id: RecordId) -> Any:
    found = asset_or_404(request, asset_id)
    return (
        Feedback.objects.visible_to(request.user)
        .filter(asset=found)
        .select_related("version")
        .defer("version__text")
    )


@router.post(
    "/collateral/assets/{asset_id}/feedback",
    response={201: FeedbackOut},
    summary="Rate the published version and say what is wrong (again replaces yours)",
)
def give_feedback(
    request: HttpRequest, asset_id: RecordId, payload: FeedbackIn
) -> Status[Feedback]:
    found = asset_or_404(request, asset_id)
    given = library.give_feedback(actor=signed_in(request), asset=found, **payload.dict())
    return Status(201, given)


@router.post(
    "/collateral/assets/{asset_id}/uses",
    response={201: UseOut},
    summary="Log a share or a use with a customer (on an opportunity or contact)",
)
def log_use(request: HttpRequest, asset_id: RecordId, payload: UseIn) -> Status[Usage]:
    """The opportunity and contact are read as the caller sees them: one that is not
    there, or not theirs to see, is a 404 naming its field."""
    found = asset_or_404(request, asset_id)
    opportunity = named_record(
        request, Opportunity, payload.opportunity_id, "opportunity_id", ErrorCode.NOT_FOUND
    )
    contact = named_record(request, Contact, payload.contact_id, "contact_id", ErrorCode.NOT_FOUND)
    made = library.log_use(
        actor=signed_in(request),
        asset=found,
        action=payload.action,
        opportunity=opportunity,
        contact=contact,
        note=payload.note,
    )
    return Status(201, made)


@router.get(
    "/collateral/assets/{asset_id}/uses",
    response=UsageOut,
    summary="Downloads, shares and uses, and the won deals it was used on",
)
def usage(request: HttpRequest, asset_id: RecordId) -> dict[str, Any]:
    found = asset_or_404(request, asset_id)
    uses = Usage.objects.visible_to(request.user).filter(asset=found)
    counts = dict(uses.values_list("action").annotate(n=Count("pk")).order_by())
    return {
        **{action: counts.get(action, 0) for action in Usage.Action.values},
        "won": [
            {**row, "total": Decimal(row["total"] or 0).quantize(CENTS)}
            for row in uses.won_revenue()
        ],
    }


# --- Requests ----------------------------------------------------------------------------
def _request(request: HttpRequest, request_id: int) -> CollateralRequest:
    require_staff(request.user)
    return get_object_or_404(CollateralRequest.objects.visible_to(request.user), pk=request_id)


@router.get(
    "/collateral/requests",
    response=list[RequestOut],
    summary="What people asked marketing for, newest first",
)
@paginate(CursorPagination, newest_first=True)
def list_requests(request: HttpRequest, filters: Query[RequestFilterIn]) -> Any:
    require_staff(request.user)
    found = CollateralRequest.objects.visible_to(request.user)
    if filters.status:
        if filters.status not in CollateralRequest.Status.values:
            raise invalid("status", "Choose one of the statuses listed.")
        found = found.filter(status=filters.status)
    return found.filter(requested_by=request.user) if filters.mine else found


@router.post(
    "/collateral/requests",
    response={201: RequestOut},
    summary="Ask marketing for collateral that is missing (marketing is told)",
)
def ask(request: HttpRequest, payload: AskIn) -> Status[CollateralRequest]:
    require_staff(request.user)
    values = payload.dict()
    values["campaign"] = linked(request, Campaign, values.pop("campaign_id"), "campaign_id")
    values["variant_of"] = linked(request, Asset, values.pop("variant_of_id"), "variant_of_id")
    return Status(201, asks.ask(actor=signed_in(request), **values))


@router.get("/collateral/requests/{request_id}", response=RequestOut, summary="One request")
def get_request(request: HttpRequest, request_id: RecordId) -> CollateralRequest:
    return _request(request, request_id)


@router.post(
    "/collateral/requests/{request_id}/triage",
    response=RequestOut,
    summary="Accept, decline (with a reason) or mark a duplicate (marketing)",
)
def triage(request: HttpRequest, request_id: RecordId, payload: TriageIn) -> CollateralRequest:
    found = _request(request, request_id)
    duplicate_of = linked(request, CollateralRequest, payload.duplicate_of_id, "duplicate_of_id")
    with as_sent(duplicate_of="duplicate_of_id"):
        return asks.triage(
            actor=signed_in(request),
            found=found,
            outcome=payload.outcome,
            reason=payload.reason,
            duplicate_of=duplicate_of,
        )


@router.post(
    "/collateral/requests/{request_id}/deliver",
    response=RequestOut,
    summary="Link the asset that answers it: the person who asked reviews it",
)
def deliver(request: HttpRequest, request_id: RecordId, payload: DeliverIn) -> CollateralRequest:
    found = _request(request, request_id)
    asset = linked(request, Asset, payload.asset_id, "asset_id")
    return asks.deliver(actor=signed_in(request), found=found, asset=asset)
