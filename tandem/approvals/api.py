"""The one API for joint decisions: list, read, decide, withdraw, override. Every kind of
approval (SLA, scoring, attribution model, and those to come) is decided here."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router
from ninja.pagination import paginate

from tandem.approvals import services
from tandem.approvals.kinds import kind_names
from tandem.approvals.models import ApprovalRequest
from tandem.approvals.reads import with_details
from tandem.approvals.schemas import ApprovalOut, DecideIn, OverrideIn
from tandem.core.api_pagination import CursorPagination
from tandem.core.errors import invalid
from tandem.core.ids import RecordId
from tandem.core.permissions import require_staff
from tandem.people.auth import signed_in

router = Router(tags=["approvals"])


def _visible(request: HttpRequest) -> Any:
    require_staff(request.user)
    return with_details(ApprovalRequest.objects.visible_to(request.user))


@router.get(
    "/approvals",
    response=list[ApprovalOut],
    summary="Approval requests, newest first; waiting=me for what waits for you",
)
@paginate(CursorPagination, newest_first=True)
def list_approvals(
    request: HttpRequest,
    status: str = "",
    kind: str = "",
    waiting: str = "",
    mine: bool = False,
) -> Any:
    found = _visible(request)
    if status:
        if status not in ApprovalRequest.Status.values:
            raise invalid("status", "Use one of: " + ", ".join(ApprovalRequest.Status.values))
        found = found.filter(status=status)
    if kind:
        if kind not in dict(kind_names()):
            raise invalid("kind", "Use one of: " + ", ".join(dict(kind_names())))
        found = found.filter(kind=kind)
    if waiting:
        if waiting != "me":
            raise invalid("waiting", 'Only "me" is understood.')
        found = found.waiting_for(request.user)
    if mine:
        found = found.asked_by(request.user)
    return found


def _request(request: HttpRequest, approval_id: int) -> ApprovalRequest:
    found: ApprovalRequest = get_object_or_404(_visible(request), pk=approval_id)
    return found


def _fresh(approval_id: int) -> ApprovalRequest:
    found: ApprovalRequest = with_details(ApprovalRequest.objects.all()).get(pk=approval_id)
    return found


@router.get("/approvals/{approval_id}", response=ApprovalOut)
def get_approval(request: HttpRequest, approval_id: RecordId) -> ApprovalRequest:
    return _request(request, approval_id)


@router.post(
    "/approvals/{approval_id}/decide",
    response=ApprovalOut,
    summary="Approve or request changes on the version you looked at",
)
def decide(request: HttpRequest, approval_id: RecordId, payload: DecideIn) -> ApprovalRequest:
    found = _request(request, approval_id)
    services.decide(actor=signed_in(request), request=found, **payload.dict())
    return _fresh(found.pk)


@router.post("/approvals/{approval_id}/withdraw", response=ApprovalOut)
def withdraw(request: HttpRequest, approval_id: RecordId) -> ApprovalRequest:
    found = _request(request, approval_id)
    services.withdraw(actor=signed_in(request), request=found)
    return _fresh(found.pk)


@router.post(
    "/approvals/{approval_id}/override",
    response=ApprovalOut,
    summary="Decide in place of the requirements (the kind's override role, with a reason)",
)
def override(request: HttpRequest, approval_id: RecordId, payload: OverrideIn) -> ApprovalRequest:
    found = _request(request, approval_id)
    services.override(actor=signed_in(request), request=found, reason=payload.reason)
    return _fresh(found.pk)
