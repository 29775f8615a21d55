"""API routes of cutting what fails: the kill criteria (list, propose; decided at
/approvals/{id}/decide like every joint contract), the flags, a flagged campaign's
decision, and campaign performance. Same services and permissions as the pages."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status
from ninja.pagination import paginate

from tandem.approvals.reads import with_request_ids
from tandem.calendar import kill, performance
from tandem.calendar.kill_schemas import (
    KillCriteriaIn,
    KillCriteriaOut,
    KillDecisionIn,
    KillDecisionOut,
    KillFlagOut,
    PerformanceOut,
    PerformanceQuery,
)
from tandem.calendar.models import KillCriteria, KillDecision, KillFlag
from tandem.campaigns.models import Campaign
from tandem.core.api_pagination import CursorPagination, OffsetCursorPagination
from tandem.core.errors import invalid
from tandem.core.ids import RecordId
from tandem.core.permissions import require_staff
from tandem.people.auth import signed_in

router = Router(tags=["calendar: cutting what fails"])


@router.get(
    "/calendar/kill-criteria",
    response=list[KillCriteriaOut],
    summary="Kill criteria proposals, newest first (status active: in force for its type)",
)
@paginate(CursorPagination, newest_first=True)
def list_kill_criteria(request: HttpRequest, campaign_type: str = "") -> Any:
    require_staff(request.user)
    found = KillCriteria.objects.all()
    if campaign_type in Campaign.Type.values:
        found = found.filter(campaign_type=campaign_type)
    return with_request_ids(found)


@router.post(
    "/calendar/kill-criteria",
    response={201: KillCriteriaOut},
    summary="Propose kill criteria for a campaign type (in force once both heads approve)",
)
def propose_kill_criteria(request: HttpRequest, payload: KillCriteriaIn) -> Status[KillCriteria]:
    require_staff(request.user)
    return Status(201, kill.propose_kill_criteria(actor=signed_in(request), **payload.dict()))


@router.get("/calendar/kill-flags", response=list[KillFlagOut], summary="Flags, newest first")
@paginate(CursorPagination, newest_first=True)
def list_flags(
    request: HttpRequest, only_open: bool = False, campaign_id: RecordId | None = None
) -> Any:
    require_staff(request.user)
    found = KillFlag.objects.visible_to(request.user)
    if only_open:
        found = found.open()
    if campaign_id is not None:
        found = found.of_campaign(campaign_id)
    return found


@router.post(
    "/calendar/campaigns/{campaign_id}/kill-decision",
    response={201: KillDecisionOut},
    summary="Cut or continue a flagged campaign (its owner, a head of its team, an admin)",
)
def decide(
    request: HttpRequest, campaign_id: RecordId, payload: KillDecisionIn
) -> Status[KillDecision]:
    found = get_object_or_404(Campaign.objects.visible_to(request.user), pk=campaign_id)
    return Status(201, kill.decide(actor=signed_in(request), campaign=found, **payload.dict()))


@router.get(
    "/calendar/performance",
    response=list[PerformanceOut],
    summary="Every campaign's funnel, money, ROI and flag state, sorted and filtered",
)
@paginate(OffsetCursorPagination)
def campaign_performance(request: HttpRequest, filters: Query[PerformanceQuery]) -> Any:
    require_staff(request.user)
    given = filters.dict()
    if given["sort"].removeprefix("-") not in performance.SORTS:
        raise invalid("sort", "Sort by one of the columns, '-' first for descending.")
    if given["status"] not in ("", *Campaign.Status.values):
        raise invalid("status", "Choose planned, live, finished or cut.")
    if given["type"] not in ("", *Campaign.Type.values):
        raise invalid("type", "Choose a campaign type from the list.")
    return performance.read(request.user, given).rows
