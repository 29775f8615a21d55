"""API routes of referrals: refer a known customer or a new one to sales, and list the
referrals one made with what became of each. Same services and permissions as the
pages (``referrals``: everyone who works here refers; outsiders are answered 404)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StrictBool

from tandem.core.api_pagination import CursorPagination
from tandem.core.errors import DomainError, ErrorCode
from tandem.core.ids import RecordId
from tandem.core.permissions import require_staff
from tandem.core.schemas import InputSchema, RequiredText, one_of
from tandem.crm.models import Contact
from tandem.handoff import referrals
from tandem.handoff.models import Referral
from tandem.people.auth import signed_in

router = Router(tags=["referrals"])


class ReferralIn(InputSchema):
    """A known customer (``contact_id``), or a walk-in or caller: a name and an e-mail or
    a phone number (a company if they gave one); a contact with that e-mail already is
    the one referred. ``consent``: what they said about marketing just now (true, false;
    null: not asked)."""

    contact_id: RecordId | None = None
    first_name: str = Field("", max_length=100)
    last_name: str = Field("", max_length=100)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    company: str = Field("", max_length=200)
    interest: RequiredText = Field(..., max_length=referrals.MAX_INTEREST)
    note: str = Field("", max_length=referrals.MAX_NOTE)
    urgency: str = one_of(
        Referral.Urgency.values, Referral.Urgency.NORMAL, description="urgent: the fastest tier"
    )
    consent: StrictBool | None = None


class ReferralOut(Schema):
    id: int
    contact_id: int = Field(description="The customer, whose lead has the same id")
    contact_name: str
    source: str = Field(description="branch, call_centre or referral (a colleague)")
    interest: str
    note: str
    urgency: str
    created_at: datetime
    outcome: str = Field(description=", ".join(Referral.Outcome.values))
    outcome_at: datetime | None
    rejection_reason: str | None = Field(description="The reason's code, when sent back")
    outcome_note: str
    rep_id: int | None = Field(description="The rep who has the lead now")
    opportunity_id: int | None
    opportunity_stage: str | None = Field(description="won, lost, or where it stands")

    @staticmethod
    def resolve_contact_id(obj: Any) -> int:
        return int(obj.lead_id)

    @staticmethod
    def resolve_contact_name(obj: Any) -> str:
        return str(obj.lead.contact)

    @staticmethod
    def resolve_rejection_reason(obj: Any) -> str | None:
        return obj.rejection_reason.code if obj.rejection_reason_id else None

    @staticmethod
    def resolve_rep_id(obj: Any) -> int | None:
        rep_id: int | None = obj.lead.rep_id
        return rep_id

    @staticmethod
    def resolve_opportunity_stage(obj: Any) -> str | None:
        return obj.opportunity.stage if obj.opportunity_id else None


class ReferredOut(ReferralOut):
    contact_existed: bool = Field(
        description="The walk-in's e-mail was already a contact's: that contact was referred"
    )
    consent_result: str = Field(
        description="recorded, unchanged, opt_in_sent, opt_in_waiting; blank: not asked"
    )


def _out(referred: referrals.Referred) -> Referral:
    """The referral as a list shows it, with what this request did besides."""
    found: Any = Referral.objects.with_outcomes().get(pk=referred.referral.pk)
    found.contact_existed = referred.contact_existed
    found.consent_result = referred.consent
    return found


@router.post(
    "/referrals",
    response={201: ReferredOut},
    summary="Refer a customer to sales: a known contact, or a walk-in or caller",
)
def refer(request: HttpRequest, payload: ReferralIn) -> Status[Referral]:
    require_staff(request.user)
    actor = signed_in(request)
    data = payload.dict()
    contact_id = data.pop("contact_id")
    person = {k: data.pop(k) for k in ("first_name", "last_name", "email", "phone", "company")}
    if contact_id is None:
        referred = referrals.refer_new_customer(actor=actor, **person, **data)
        return Status(201, _out(referred))
    if any(person.values()):
        raise DomainError(
            ErrorCode.INVALID,
            "Give contact_id for a known customer, or the new customer's details: not both.",
            field="contact_id",
        )
    contact = Contact.objects.visible_to(actor).filter(pk=contact_id).first()
    if contact is None:
        raise DomainError(ErrorCode.INVALID, f"No contact {contact_id}.", field="contact_id")
    return Status(201, _out(referrals.refer_contact(actor=actor, contact=contact, **data)))


@router.get(
    "/referrals",
    response=list[ReferralOut],
    summary="My referrals, newest first, with what became of each",
)
@paginate(CursorPagination, newest_first=True)
def my_referrals(request: HttpRequest) -> Any:
    require_staff(request.user)
    return Referral.objects.visible_to(request.user).with_outcomes().made_by(request.user)
