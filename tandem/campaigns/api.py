"""API routes for campaigns and touchpoint capture."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from tandem.campaigns import capture, imports, services
from tandem.campaigns.models import Campaign, CampaignCost, Touchpoint
from tandem.campaigns.schemas import (
    CampaignIn,
    CampaignMemberOut,
    CampaignOut,
    CostIn,
    CostOut,
    IngestOut,
    MembersIn,
    MembersOut,
    StatusIn,
    TargetIn,
    TouchpointOut,
    TouchpointsIn,
)
from tandem.core.api import job_out
from tandem.core.api_pagination import CursorPagination
from tandem.core.errors import DomainError, ErrorCode
from tandem.core.ids import RecordId
from tandem.core.permissions import ORGANISATION, Action, require
from tandem.core.schemas import JobOut
from tandem.crm import imports as crm_imports
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
def get_campaign(request: HttpRequest, campaign_id: RecordId) -> Campaign:
    return get_object_or_404(Campaign.objects.visible_to(request.user), pk=campaign_id)


@router.post("/campaigns/{campaign_id}/status", response=CampaignOut)
def set_status(request: HttpRequest, campaign_id: RecordId, payload: StatusIn) -> Campaign:
    found = get_object_or_404(Campaign.objects.visible_to(request.user), pk=campaign_id)
    return services.set_status(actor=signed_in(request), campaign=found, status=payload.status)


@router.post("/campaigns/{campaign_id}/costs", response={201: CostOut})
def add_cost(request: HttpRequest, campaign_id: RecordId, payload: CostIn) -> Status[CampaignCost]:
    found = get_object_or_404(Campaign.objects.visible_to(request.user), pk=campaign_id)
    return Status(
        201, services.add_cost(actor=signed_in(request), campaign=found, **payload.dict())
    )


@router.post(
    "/touchpoints/bulk",
    response=IngestOut,
    summary="Record up to 1,000 touches; resending a batch never duplicates",
)
def ingest(request: HttpRequest, payload: TouchpointsIn) -> capture.IngestResult:
    return capture.ingest_touchpoints(
        actor=signed_in(request), rows=payload.touchpoints, **token_door(request)
    )


def token_door(request: HttpRequest) -> dict[str, Any]:
    """Touches sent with a token are captured through it: recorded as its, and allowed
    only if an administrator granted it capture (``capture.require_capture``)."""
    token = request.auth  # type: ignore[attr-defined]  # an ApiToken (the api app is above)
    return {"via": f"API token {token.display}", "token_granted": bool(token.may_capture)}


@router.get("/contacts/{contact_id}/touchpoints", response=list[TouchpointOut])
@paginate(CursorPagination, newest_first=True)
def contact_touchpoints(request: HttpRequest, contact_id: RecordId) -> Any:
    from tandem.crm.models import Contact

    contact = get_object_or_404(Contact.objects.visible_to(request.user), pk=contact_id)
    return Touchpoint.objects.visible_to(request.user).of_contact(contact.pk)


@router.post(
    "/imports/touchpoints",
    response={202: JobOut},
    summary="Import touchpoints from CSV or XLSX (the bulk API's column names)",
)
def import_touchpoints(request: HttpRequest, file: File[UploadedFile]) -> Status[dict[str, Any]]:
    actor = signed_in(request)
    door = token_door(request)
    capture.require_capture(actor, token_granted=door["token_granted"])  # before storing
    staged = crm_imports.stage_file(
        actor=actor, name=file.name or "", chunks=file.chunks(), size=file.size or 0
    )
    job = imports.start_touchpoint_import(
        actor=actor, token=staged.token, original_name=staged.original_name, **door
    )
    job.refresh_from_db()
    return Status(202, job_out(job))


@router.get(
    "/campaigns/{campaign_id}/members",
    response=list[CampaignMemberOut],
    summary="The campaign's members, newest first",
)
@paginate(CursorPagination, newest_first=True)
def list_members(request: HttpRequest, campaign_id: RecordId) -> Any:
    found = get_object_or_404(Campaign.objects.visible_to(request.user), pk=campaign_id)
    return found.members.all()


@router.post(
    "/campaigns/{campaign_id}/members/target",
    response={202: JobOut},
    summary="Target every contact a filtered contact list shows, in the background",
)
def target_list(
    request: HttpRequest, campaign_id: RecordId, payload: TargetIn
) -> Status[dict[str, Any]]:
    found = get_object_or_404(Campaign.objects.visible_to(request.user), pk=campaign_id)
    filters = {"q": payload.q, "account": payload.account, "mine": "1" if payload.mine else ""}
    job = services.start_targeting(actor=signed_in(request), campaign=found, filters=filters)
    job.refresh_from_db()
    return Status(202, job_out(job))


@router.post(
    "/campaigns/{campaign_id}/members",
    response=MembersOut,
    summary="Target contacts with a campaign (people already in it are kept)",
)
def add_members(request: HttpRequest, campaign_id: RecordId, payload: MembersIn) -> dict[str, int]:
    from tandem.crm.models import Contact

    found = get_object_or_404(Campaign.objects.visible_to(request.user), pk=campaign_id)
    contacts = list(Contact.objects.visible_to(request.user).filter(pk__in=payload.contact_ids))
    missing = set(payload.contact_ids) - {c.pk for c in contacts}
    if missing:
        raise DomainError(
            ErrorCode.INVALID, f"No contact {sorted(missing)[0]}.", field="contact_ids"
        )
    added = services.add_members(
        actor=signed_in(request), campaign=found, contacts=contacts, status=payload.status
    )
    return {"added": added, "members": found.members.count()}
