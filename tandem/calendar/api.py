"""API routes of the calendar: items by date range with the calendar's filters, an item's
move, and sales' readiness. The same rules as the pages: everyone who works here reads,
the campaign's people move it, heads of sales (and delegates) mark readiness."""

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router
from ninja.pagination import paginate

from tandem.calendar import readiness, reads
from tandem.calendar.models import Readiness
from tandem.calendar.schemas import ItemFilterIn, ItemOut, MoveIn, ReadinessIn, ReadinessOut
from tandem.campaigns import services as campaigns
from tandem.campaigns.models import Campaign
from tandem.core.api_pagination import CursorPagination
from tandem.core.errors import invalid
from tandem.core.ids import RecordId
from tandem.core.permissions import require_works_here
from tandem.people.auth import signed_in

router = Router(tags=["calendar"])
LONGEST = timedelta(days=400)


def _staff(request: HttpRequest) -> None:
    require_works_here(request.user, "the calendar")


def _item(request: HttpRequest, item_id: int) -> Campaign:
    return get_object_or_404(
        Campaign.objects.visible_to(request.user).select_related("readiness"), pk=item_id
    )


@router.get(
    "/calendar/items",
    response=list[ItemOut],
    summary="Campaigns, mailings and events running in a date range, with the calendar's filters",
)
@paginate(CursorPagination)
def list_items(request: HttpRequest, filters: Query[ItemFilterIn]) -> Any:
    """Every item running on any day from ``first`` to ``last`` (at most 400 days apart):
    ``team``/``owner`` ids, ``channel``, ``type``, ``status`` codes and ``region`` (an item
    for every region shows under each)."""
    _staff(request)
    if filters.last < filters.first:
        raise invalid("last", "last must be on or after first.")
    if filters.last - filters.first > LONGEST:
        raise invalid("last", "A range is at most 400 days: ask for the rest separately.")
    chosen = reads.clean_filters(
        {k: "" if v is None else str(v) for k, v in filters.dict().items()}
    )
    found = (
        Campaign.objects.visible_to(request.user)
        .overlapping(filters.first, filters.last)
        .calendar_filters(chosen)
        .select_related("readiness")
    )
    return found


@router.get("/calendar/items/{item_id}", response=ItemOut, summary="One calendar item")
def get_item(request: HttpRequest, item_id: RecordId) -> Campaign:
    return _item(request, item_id)


@router.post(
    "/calendar/items/{item_id}/move",
    response=ItemOut,
    summary="New dates for an item; refused (409 edit_conflict) if it changed since `version`",
)
def move_item(request: HttpRequest, item_id: RecordId, payload: MoveIn) -> Campaign:
    found = _item(request, item_id)
    campaigns.reschedule(actor=signed_in(request), campaign=found, **payload.dict())
    return _item(request, item_id)


@router.get(
    "/calendar/items/{item_id}/readiness",
    response={200: ReadinessOut},
    summary="Sales' readiness for an item (404 until sales marked it)",
)
def get_readiness(request: HttpRequest, item_id: RecordId) -> Readiness:
    found = _item(request, item_id)
    return get_object_or_404(Readiness.objects.all(), campaign=found)


@router.put(
    "/calendar/items/{item_id}/readiness",
    response=ReadinessOut,
    summary="Mark sales' readiness (heads of sales and their delegates)",
)
def put_readiness(request: HttpRequest, item_id: RecordId, payload: ReadinessIn) -> Readiness:
    found = _item(request, item_id)
    return readiness.mark(actor=signed_in(request), campaign=found, **payload.dict())
