"""API routes for campaigns and touchpoint capture."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import paginate

from tandem.api.pagination import CursorPagination
from tandem.campaigns import services
from tandem.campaigns.models import Campaign, CampaignCost, Touchpoint
from tandem.campaigns.schemas import (
    CampaignIn,
    CampaignOut,
    CostIn,
    CostOut,
    IngestOut,
    StatusIn,
    TouchpointOut,
    TouchpointsIn,
)
from tandem.core.errors import DomainError, ErrorCode
from tandem.core.permissions import ORGANISATION, Action, require
from tandem.people.auth import signed_in

router = Router(tags=["campaigns and touchpoints"])


@router.get("/campaigns", response=list[CampaignOut])
@paginate(CursorPagination)
def list_campaigns(request: HttpRequest, q: str = "", status: str = "") -> Any:
    require(request.user, Action.CREATE_RECORD, ORGANISATION)
    found = Campaign.objects.visible_to(request.user).search(q)
    return found.filter(status=status) if status else found


@router.post("/campaigns", response={201: CampaignOut})
def create_campaign(request: HttpRequest, payload: CampaignIn) -> Status[Campaign]:
    data = payload.dict()
    parent_id = data.pop("parent_id")
    parent = None
    if parent_id is not None:
        parent = Campaign.objects.visible_to(request.user).filter(pk=parent_id).first()
        if parent is None:
            raise DomainError(ErrorCode.INVALID, f"No campaign {parent_id}.", field="parent_id")
    return Status(201, services.create_campaign(actor=signed_in(request), parent=parent, **data))


@router.get("/campaigns/{campaign_id}", response=CampaignOut)
def get_campaign(request: HttpRequest, campaign_id: int) -> Campaign:
    return get_object_or_404(Campaign.objects.visible_to(request.user), pk=campaign_id)


@router.post("/campaigns/{campaign_id}/status", response=CampaignOut)
def set_status(request: HttpRequest, campaign_id: int, payload: StatusIn) -> Campaign:
    found = get_object_or_404(Campaign.objects.visible_to(request.user), pk=campaign_id)
    return services.set_status(actor=signed_in(request), campaign=found, status=payload.status)


@router.post("/campaigns/{campaign_id}/costs", response={201: CostOut})
def add_cost(request: HttpRequest, campaign_id: int, payload: CostIn) -> Status[CampaignCost]:
    found = get_object_or_404(Campaign.objects.visible_to(request.user), pk=campaign_id)
    return Status(
        201, services.add_cost(actor=signed_in(request), campaign=found, **payload.dict())
    )


@router.post(
    "/touchpoints/bulk",
    response=IngestOut,
    summary="Record up to 1,000 touches; resending a batch never duplicates",
)
def ingest(request: HttpRequest, payload: TouchpointsIn) -> services.IngestResult:
    return services.ingest_touchpoints(actor=signed_in(request), rows=payload.touchpoints)


@router.get("/contacts/{contact_id}/touchpoints", response=list[TouchpointOut])
@paginate(CursorPagination, newest_first=True)
def contact_touchpoints(request: HttpRequest, contact_id: int) -> Any:
    from tandem.crm.models import Contact

    contact = get_object_or_404(Contact.objects.visible_to(request.user), pk=contact_id)
    return Touchpoint.objects.visible_to(request.user).of_contact(contact.pk)
