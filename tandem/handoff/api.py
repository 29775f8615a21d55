"""API routes of the hand-off: leads and their queue, accept/reject, the joint contract
(SLA and scoring proposals and approvals), rejection reasons and the SLA report. Same
services and permissions as the pages."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import paginate

from tandem.approvals.reads import with_request_ids
from tandem.core.api_pagination import CursorPagination
from tandem.core.errors import DomainError, ErrorCode
from tandem.core.ids import RecordId
from tandem.core.permissions import require_staff
from tandem.crm.models import Account, Opportunity
from tandem.handoff import (
    configuration,
    contracts,
    conversion,
    lifecycle,
    reports,
    routing,
    scoring,
)
from tandem.handoff.clock import Calendar
from tandem.handoff.models import (
    BusinessHours,
    Holiday,
    Lead,
    RejectionReason,
    RoutingRule,
    ScoringModel,
    SlaPolicy,
    Stage,
)
from tandem.handoff.schemas import (
    BusinessHoursIn,
    BusinessHoursOut,
    CapacityIn,
    CapacityOut,
    ConvertIn,
    FollowUpIn,
    HolidayIn,
    HolidayOut,
    LeadDetailOut,
    LeadEventOut,
    LeadOut,
    LeadStageIn,
    ReassignIn,
    RejectIn,
    RejectionReasonIn,
    RejectionReasonOut,
    RoutingRuleIn,
    RoutingRuleOut,
    ScoringModelIn,
    ScoringModelOut,
    SlaPolicyIn,
    SlaPolicyOut,
    SlaReportOut,
)
from tandem.people import services as people_services
from tandem.people.auth import signed_in
from tandem.people.models import Team, User

router = Router(tags=["hand-off, SLA and scoring"])


def _lead(request: HttpRequest, lead_id: RecordId) -> Lead:
    require_staff(request.user)
    return get_object_or_404(
        Lead.objects.visible_to(request.user).select_related(
            "contact__account", "rep", "rejection_reason"
        ),
        pk=lead_id,
    )


@router.get("/leads", response=list[LeadOut], summary="Leads, filtered by stage or rep")
@paginate(CursorPagination, newest_first=True)
def list_leads(request: HttpRequest, stage: str = "", rep_id: RecordId | None = None) -> Any:
    require_staff(request.user)
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
    require_staff(request.user)
    return list(Lead.objects.queue_of(request.user).select_related("rejection_reason")[:200])


@router.get("/leads/{lead_id}", response=LeadDetailOut, summary="A lead, why its score, its stages")
def get_lead(request: HttpRequest, lead_id: RecordId) -> dict[str, Any]:
    found = _lead(request, lead_id)
    events = found.events.select_related("reason")[:100]
    return {
        **LeadOut.from_orm(found).dict(),
        "reasons": [vars(r) for r in scoring.reasons_for(found)],
        "events": [LeadEventOut.from_orm(e).dict() for e in events],
        "moves": lifecycle.moves_for(signed_in(request), found),
    }


@router.post("/leads/{lead_id}/accept", response=LeadOut)
def accept(request: HttpRequest, lead_id: RecordId) -> Lead:
    return lifecycle.accept(actor=signed_in(request), lead=_lead(request, lead_id))


@router.post("/leads/{lead_id}/reject", response=LeadOut, summary="Reject with a reason code")
def reject(request: HttpRequest, lead_id: RecordId, payload: RejectIn) -> Lead:
    return lifecycle.reject(
        actor=signed_in(request), lead=_lead(request, lead_id), **payload.dict()
    )


@router.post("/leads/{lead_id}/follow-up", response=LeadOut, summary="Log a follow-up")
def follow_up(request: HttpRequest, lead_id: RecordId, payload: FollowUpIn) -> Lead:
    found = _lead(request, lead_id)
    lifecycle.record_follow_up(actor=signed_in(request), lead=found, **payload.dict())
    found.refresh_from_db()
    return found


@router.post("/leads/{lead_id}/reassign", response=LeadOut, summary="A head reassigns a lead")
def reassign(request: HttpRequest, lead_id: RecordId, payload: ReassignIn) -> Lead:
    found = _lead(request, lead_id)
    rep = User.objects.visible_to(request.user).filter(pk=payload.rep_id).first()
    if rep is None:
        raise DomainError(ErrorCode.INVALID, f"No user {payload.rep_id}.", field="rep_id")
    return routing.reassign(actor=signed_in(request), lead=found, rep=rep)


@router.post("/leads/{lead_id}/stage", response=LeadOut)
def move_stage(request: HttpRequest, lead_id: RecordId, payload: LeadStageIn) -> Lead:
    found = _lead(request, lead_id)
    return lifecycle.move_stage(actor=signed_in(request), lead=found, **payload.dict())


@router.post(
    "/leads/{lead_id}/convert",
    response=LeadOut,
    summary="Sales qualified: open an opportunity on its account, or link an open one",
)
def convert(request: HttpRequest, lead_id: RecordId, payload: ConvertIn) -> Lead:
    found = _lead(request, lead_id)
    data = payload.dict(exclude={"opportunity_id", "account_id"})
    opportunity = account = None
    if payload.opportunity_id is not None:
        visible = Opportunity.objects.visible_to(request.user)
        opportunity = visible.filter(pk=payload.opportunity_id).first()
        if opportunity is None:
            raise DomainError(
                ErrorCode.INVALID,
                f"No opportunity {payload.opportunity_id}.",
                field="opportunity_id",
            )
    if payload.account_id is not None:
        account = Account.objects.visible_to(request.user).filter(pk=payload.account_id).first()
        if account is None:
            raise DomainError(
                ErrorCode.INVALID, f"No account {payload.account_id}.", field="account_id"
            )
    return conversion.convert(
        actor=signed_in(request), lead=found, opportunity=opportunity, account=account, **data
    )


# --- The joint contract --------------------------------------------------------------------
@router.get("/sla/policies", response=list[SlaPolicyOut], summary="SLA proposals, newest first")
@paginate(CursorPagination, newest_first=True)
def list_policies(request: HttpRequest) -> Any:
    require_staff(request.user)
    return with_request_ids(SlaPolicy.objects.prefetch_related("tiers"))


@router.post("/sla/policies", response={201: SlaPolicyOut}, summary="Propose an SLA")
def propose_policy(request: HttpRequest, payload: SlaPolicyIn) -> Status[SlaPolicy]:
    require_staff(request.user)
    data = payload.dict()
    return Status(201, contracts.propose_sla_policy(actor=signed_in(request), **data))


@router.get("/scoring/models", response=list[ScoringModelOut], summary="Scoring proposals")
@paginate(CursorPagination, newest_first=True)
def list_models(request: HttpRequest) -> Any:
    require_staff(request.user)
    return with_request_ids(ScoringModel.objects.prefetch_related("rules"))


@router.post("/scoring/models", response={201: ScoringModelOut}, summary="Propose scoring rules")
def propose_model(request: HttpRequest, payload: ScoringModelIn) -> Status[ScoringModel]:
    require_staff(request.user)
    data = payload.dict()
    return Status(201, contracts.propose_scoring_model(actor=signed_in(request), **data))


@router.get("/rejection-reasons", response=list[RejectionReasonOut])
def list_reasons(request: HttpRequest) -> Any:
    require_staff(request.user)
    return list(RejectionReason.objects.all()[:500])


@router.put("/rejection-reasons", response=RejectionReasonOut, summary="Add or change a reason")
def save_reason(request: HttpRequest, payload: RejectionReasonIn) -> RejectionReason:
    require_staff(request.user)
    return configuration.save_rejection_reason(actor=signed_in(request), **payload.dict())


@router.get("/sla/report", response=SlaReportOut, summary="Both sides of the SLA for a month")
def sla_report(request: HttpRequest, month: str = "") -> dict[str, Any]:
    require_staff(request.user)
    report = reports.sla_report(month[:7])
    return {
        "month": report.month.strftime("%Y-%m"),
        "mqls_delivered": report.mqls,
        "mqls_promised": report.policy.mqls_per_month if report.policy else None,
        "accepted": report.accepted,
        "rejected": report.rejected,
        "acceptance_rate": report.acceptance_rate,
        "min_acceptance_rate": report.policy.min_acceptance_rate if report.policy else None,
        "breaches": report.breaches,
        "reps": report.reps,
        "rejections_by_campaign": report.by_campaign,
        "rejections_by_source": report.by_source,
    }


# --- Routing, capacity, business hours -----------------------------------------------------
@router.get("/routing-rules", response=list[RoutingRuleOut])
def list_rules(request: HttpRequest) -> Any:
    require_staff(request.user)
    return list(RoutingRule.objects.prefetch_related("reps")[:500])


def _rule_args(request: HttpRequest, payload: RoutingRuleIn) -> dict[str, Any]:
    team = Team.objects.visible_to(request.user).filter(pk=payload.team_id).first()
    if team is None:
        raise DomainError(ErrorCode.INVALID, f"No team {payload.team_id}.", field="team_id")
    reps = list(User.objects.visible_to(request.user).filter(pk__in=payload.rep_ids))
    missing = set(payload.rep_ids) - {r.pk for r in reps}
    if missing:
        raise DomainError(ErrorCode.INVALID, f"No user {min(missing)}.", field="rep_ids")
    data = payload.dict(exclude={"team_id", "rep_ids"})
    return {**data, "team": team, "reps": reps}


@router.post("/routing-rules", response={201: RoutingRuleOut}, summary="Add a routing rule")
def add_rule(request: HttpRequest, payload: RoutingRuleIn) -> Status[RoutingRule]:
    require_staff(request.user)
    args = _rule_args(request, payload)
    return Status(201, configuration.save_routing_rule(actor=signed_in(request), **args))


@router.put("/routing-rules/{rule_id}", response=RoutingRuleOut, summary="Change a rule")
def change_rule(request: HttpRequest, rule_id: RecordId, payload: RoutingRuleIn) -> RoutingRule:
    require_staff(request.user)
    rule = get_object_or_404(RoutingRule.objects.all(), pk=rule_id)
    args = _rule_args(request, payload)
    return configuration.save_routing_rule(actor=signed_in(request), rule=rule, **args)


@router.put(
    "/users/{user_id}/capacity",
    response=CapacityOut,
    summary="A rep's open-lead limit (their head) and absence (they or their head)",
)
def set_capacity(request: HttpRequest, user_id: RecordId, payload: CapacityIn) -> User:
    require_staff(request.user)
    rep = get_object_or_404(User.objects.visible_to(request.user), pk=user_id)
    away: Any = None if payload.clear_away else payload.away_until or "keep"
    return people_services.set_capacity(
        actor=signed_in(request), rep=rep, lead_capacity=payload.lead_capacity, away_until=away
    )


def _team(request: HttpRequest, team_id: RecordId) -> Team:
    require_staff(request.user)
    found: Team = get_object_or_404(Team.objects.visible_to(request.user), pk=team_id)
    return found


@router.get("/teams/{team_id}/business-hours", response=BusinessHoursOut)
def get_hours(request: HttpRequest, team_id: RecordId) -> Any:
    team = _team(request, team_id)
    hours = BusinessHours.objects.filter(team=team).first()
    if hours is None:  # the default calendar
        default = Calendar()
        return {
            "team_id": team.pk,
            "time_zone": default.time_zone,
            "opens_at": default.opens_at,
            "closes_at": default.closes_at,
            "weekdays": "".join(str(d) for d in sorted(default.weekdays)),
        }
    return hours


@router.put("/teams/{team_id}/business-hours", response=BusinessHoursOut)
def put_hours(request: HttpRequest, team_id: RecordId, payload: BusinessHoursIn) -> BusinessHours:
    team = _team(request, team_id)
    return configuration.set_business_hours(actor=signed_in(request), team=team, **payload.dict())


@router.get("/teams/{team_id}/holidays", response=list[HolidayOut])
def list_holidays(request: HttpRequest, team_id: RecordId) -> Any:
    return list(Holiday.objects.filter(team=_team(request, team_id))[:1000])


@router.post("/teams/{team_id}/holidays", response={201: HolidayOut})
def add_holiday(request: HttpRequest, team_id: RecordId, payload: HolidayIn) -> Status[Holiday]:
    team = _team(request, team_id)
    return Status(
        201, configuration.add_holiday(actor=signed_in(request), team=team, **payload.dict())
    )


@router.delete("/teams/{team_id}/holidays/{holiday_id}", response={204: None})
def remove_holiday(request: HttpRequest, team_id: RecordId, holiday_id: RecordId) -> Status[None]:
    team = _team(request, team_id)
    holiday = get_object_or_404(Holiday.objects.filter(team=team), pk=holiday_id)
    configuration.remove_holiday(actor=signed_in(request), holiday=holiday)
    return Status(204, None)
