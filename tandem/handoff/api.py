"""API routes of the hand-off: leads and their queue, accept/reject, the joint contract
(SLA and scoring proposals and approvals), rejection reasons and the SLA report. Same
services and permissions as the pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import paginate

from tandem.api.pagination import CursorPagination
from tandem.core.errors import DomainError, ErrorCode
from tandem.core.permissions import is_staff
from tandem.handoff import reports, scoring, services
from tandem.handoff.models import (
    JointProposal,
    Lead,
    RejectionReason,
    ScoringModel,
    SlaPolicy,
    Stage,
)
from tandem.handoff.schemas import (
    EventOut,
    FollowUpIn,
    LeadDetailOut,
    LeadOut,
    ReassignIn,
    RejectIn,
    RejectionReasonIn,
    RejectionReasonOut,
    ScoringModelIn,
    ScoringModelOut,
    SlaPolicyIn,
    SlaPolicyOut,
    SlaReportOut,
    StageIn,
)
from tandem.people.auth import signed_in
from tandem.people.models import User

router = Router(tags=["hand-off, SLA and scoring"])


def _staff(request: HttpRequest) -> None:
    if not is_staff(request.user):
        raise DomainError(ErrorCode.NOT_FOUND, "Not found.")


def _lead(request: HttpRequest, lead_id: int) -> Lead:
    _staff(request)
    return get_object_or_404(
        Lead.objects.visible_to(request.user).select_related("contact", "rejection_reason"),
        pk=lead_id,
    )


@router.get("/leads", response=list[LeadOut], summary="Leads, filtered by stage or rep")
@paginate(CursorPagination, newest_first=True)
def list_leads(request: HttpRequest, stage: str = "", rep_id: int | None = None) -> Any:
    _staff(request)
    found = Lead.objects.visible_to(request.user).select_related("rejection_reason")
    if stage:
        if stage not in Stage.values:
            raise DomainError(ErrorCode.INVALID, f"No stage “{stage[:30]}”.", field="stage")
        found = found.filter(stage=stage)
    return found.filter(rep_id=rep_id) if rep_id is not None else found


@router.get(
    "/leads/queue",
    response=list[LeadOut],
    summary="My leads: open leads, the most urgent SLA clock first, then score",
)
def my_queue(request: HttpRequest) -> Any:
    _staff(request)
    return list(Lead.objects.queue_of(request.user).select_related("rejection_reason")[:200])


@router.get("/leads/{lead_id}", response=LeadDetailOut, summary="A lead, why its score, its stages")
def get_lead(request: HttpRequest, lead_id: int) -> dict[str, Any]:
    found = _lead(request, lead_id)
    model = found.scoring_model
    reasons = (
        scoring.explain(
            found.pk,
            [scoring.rule_of(r) for r in model.rules.all()],
            float(model.half_life_days),
            found.scored_at,
        )
        if model is not None and found.scored_at is not None
        else []
    )
    events = found.events.select_related("reason")[:100]
    return {
        **LeadOut.from_orm(found).dict(),
        "reasons": [vars(r) for r in reasons],
        "events": [EventOut.from_orm(e).dict() for e in events],
    }


@router.post("/leads/{lead_id}/accept", response=LeadOut)
def accept(request: HttpRequest, lead_id: int) -> Lead:
    return services.accept(actor=signed_in(request), lead=_lead(request, lead_id))


@router.post("/leads/{lead_id}/reject", response=LeadOut, summary="Reject with a reason code")
def reject(request: HttpRequest, lead_id: int, payload: RejectIn) -> Lead:
    return services.reject(actor=signed_in(request), lead=_lead(request, lead_id), **payload.dict())


@router.post("/leads/{lead_id}/follow-up", response=LeadOut, summary="Log a follow-up")
def follow_up(request: HttpRequest, lead_id: int, payload: FollowUpIn) -> Lead:
    found = _lead(request, lead_id)
    services.record_follow_up(actor=signed_in(request), lead=found, **payload.dict())
    found.refresh_from_db()
    return found


@router.post("/leads/{lead_id}/reassign", response=LeadOut, summary="A head reassigns a lead")
def reassign(request: HttpRequest, lead_id: int, payload: ReassignIn) -> Lead:
    found = _lead(request, lead_id)
    rep = User.objects.visible_to(request.user).filter(pk=payload.rep_id).first()
    if rep is None:
        raise DomainError(ErrorCode.INVALID, f"No user {payload.rep_id}.", field="rep_id")
    return services.reassign(actor=signed_in(request), lead=found, rep=rep)


@router.post("/leads/{lead_id}/stage", response=LeadOut)
def move_stage(request: HttpRequest, lead_id: int, payload: StageIn) -> Lead:
    found = _lead(request, lead_id)
    return services.move_stage(actor=signed_in(request), lead=found, **payload.dict())


# --- The joint contract --------------------------------------------------------------------
@router.get("/sla/policies", response=list[SlaPolicyOut], summary="SLA proposals, newest first")
@paginate(CursorPagination, newest_first=True)
def list_policies(request: HttpRequest) -> Any:
    _staff(request)
    return SlaPolicy.objects.prefetch_related("tiers")


@router.post("/sla/policies", response={201: SlaPolicyOut}, summary="Propose an SLA")
def propose_policy(request: HttpRequest, payload: SlaPolicyIn) -> Status[SlaPolicy]:
    _staff(request)
    data = payload.dict()
    return Status(201, services.propose_sla_policy(actor=signed_in(request), **data))


@router.get("/scoring/models", response=list[ScoringModelOut], summary="Scoring proposals")
@paginate(CursorPagination, newest_first=True)
def list_models(request: HttpRequest) -> Any:
    _staff(request)
    return ScoringModel.objects.prefetch_related("rules")


@router.post("/scoring/models", response={201: ScoringModelOut}, summary="Propose scoring rules")
def propose_model(request: HttpRequest, payload: ScoringModelIn) -> Status[ScoringModel]:
    _staff(request)
    data = payload.dict()
    return Status(201, services.propose_scoring_model(actor=signed_in(request), **data))


def _proposal(request: HttpRequest, kind: str, proposal_id: int) -> JointProposal:
    _staff(request)
    model = SlaPolicy if kind == "sla" else ScoringModel
    found: JointProposal = get_object_or_404(model.objects.all(), pk=proposal_id)
    return found


@router.post("/sla/policies/{policy_id}/approve", response=SlaPolicyOut)
def approve_policy(request: HttpRequest, policy_id: int) -> Any:
    found = _proposal(request, "sla", policy_id)
    return services.approve(actor=signed_in(request), proposal=found)


@router.post("/sla/policies/{policy_id}/withdraw", response=SlaPolicyOut)
def withdraw_policy(request: HttpRequest, policy_id: int) -> Any:
    found = _proposal(request, "sla", policy_id)
    return services.withdraw(actor=signed_in(request), proposal=found)


@router.post("/scoring/models/{model_id}/approve", response=ScoringModelOut)
def approve_model(request: HttpRequest, model_id: int) -> Any:
    found = _proposal(request, "scoring", model_id)
    return services.approve(actor=signed_in(request), proposal=found)


@router.post("/scoring/models/{model_id}/withdraw", response=ScoringModelOut)
def withdraw_model(request: HttpRequest, model_id: int) -> Any:
    found = _proposal(request, "scoring", model_id)
    return services.withdraw(actor=signed_in(request), proposal=found)


@router.get("/rejection-reasons", response=list[RejectionReasonOut])
def list_reasons(request: HttpRequest) -> Any:
    _staff(request)
    return list(RejectionReason.objects.all()[:500])


@router.put("/rejection-reasons", response=RejectionReasonOut, summary="Add or change a reason")
def save_reason(request: HttpRequest, payload: RejectionReasonIn) -> RejectionReason:
    _staff(request)
    return services.save_rejection_reason(actor=signed_in(request), **payload.dict())


@router.get("/sla/report", response=SlaReportOut, summary="Both sides of the SLA for a month")
def sla_report(request: HttpRequest, month: str = "") -> dict[str, Any]:
    _staff(request)
    report = reports.sla_report(month[:7])
    return {
        "month": report.month.strftime("%Y-%m"),
        "mqls_delivered": report.mqls,
        "mqls_promised": report.policy.mqls_per_month if report.policy else None,
        "accepted": report.accepted,
        "rejected": report.rejected,
        "acceptance_rate": report.acceptance_rate,
        "min_acceptance_rate": report.policy.min_acceptance_rate if report.policy else None,
        "reps": report.reps,
        "rejections_by_campaign": report.by_campaign,
        "rejections_by_source": report.by_source,
    }
