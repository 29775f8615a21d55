"""API routes of the plan: periods, targets (proposals decided at
``/approvals/{id}/decide``), the funnel's figures and overrides, the reverse funnel,
plan against actual, the scorecard and its targets, the shared incentive and its
statement. The same rules as the pages, through the same services."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import paginate

from tandem.approvals.reads import with_request_ids
from tandem.core.api_pagination import CursorPagination
from tandem.core.errors import DomainError, invalid
from tandem.core.ids import RecordId
from tandem.core.permissions import require_staff
from tandem.people.auth import signed_in
from tandem.planning import assumptions, incentive, scorecard, services
from tandem.planning.actuals import actuals
from tandem.planning.errors import PlanningError
from tandem.planning.funnel import STAGES, plan_for
from tandem.planning.models import IncentivePlan, PlanPeriod, RevenueTarget
from tandem.planning.schemas import (
    ActualMonthOut,
    AssumptionIn,
    FigureOut,
    FunnelOut,
    IncentiveIn,
    IncentiveOut,
    KpiOut,
    KpiTargetIn,
    PeriodIn,
    PeriodOut,
    RevenueTargetIn,
    RevenueTargetOut,
    StatementOut,
)

router = Router(tags=["planning"])


def _period(request: HttpRequest, period_id: int) -> PlanPeriod:
    require_staff(request.user)
    found: PlanPeriod = get_object_or_404(PlanPeriod.objects.visible_to(request.user), pk=period_id)
    return found


@router.get("/planning/periods", response=list[PeriodOut], summary="Fiscal periods, newest first")
@paginate(CursorPagination, newest_first=True)
def list_periods(request: HttpRequest) -> Any:
    require_staff(request.user)
    return PlanPeriod.objects.visible_to(request.user)


@router.post(
    "/planning/periods", response={201: PeriodOut}, summary="Open a fiscal year (the executive)"
)
def open_period(request: HttpRequest, payload: PeriodIn) -> Status[PlanPeriod]:
    require_staff(request.user)
    return Status(201, services.open_period(actor=signed_in(request), year=payload.year))


@router.get("/planning/periods/{period_id}", response=PeriodOut)
def get_period(request: HttpRequest, period_id: RecordId) -> PlanPeriod:
    return _period(request, period_id)


@router.get(
    "/planning/periods/{period_id}/targets",
    response=list[RevenueTargetOut],
    summary="Target proposals, newest first",
)
@paginate(CursorPagination, newest_first=True)
def list_targets(request: HttpRequest, period_id: RecordId) -> Any:
    period = _period(request, period_id)
    return with_request_ids(RevenueTarget.objects.filter(period=period).prefetch_related("amounts"))


@router.post(
    "/planning/periods/{period_id}/targets",
    response={201: RevenueTargetOut},
    summary="Set (the executive) or propose (a head) the revenue target",
)
def propose_target(
    request: HttpRequest, period_id: RecordId, payload: RevenueTargetIn
) -> Status[Any]:
    period = _period(request, period_id)
    made = services.propose_target(actor=signed_in(request), period=period, **payload.dict())
    return Status(201, with_request_ids(RevenueTarget.objects.filter(pk=made.pk)).get())


def _figures(funnel: Any) -> list[dict[str, Any]]:
    return [
        {
            "key": f.key,
            "label": f.label,
            "side": f.spec.side,
            "kind": f.spec.kind,
            "value": f.value,
            "source": f.source,
            "reason": f.reason,
            "measured": f.measured.value,
            "sample": f.measured.sample,
            "low": f.measured.low,
            "high": f.measured.high,
        }
        for f in funnel.figures
    ]


@router.get(
    "/planning/periods/{period_id}/funnel",
    response=FunnelOut,
    summary="The reverse funnel: what the target needs per month, and by when",
)
def funnel(request: HttpRequest, period_id: RecordId) -> dict[str, Any]:
    found = plan_for(_period(request, period_id))
    return {
        "figures": _figures(found),
        "months": found.rows(),
        "totals": found.totals(),
        "by_when": [
            {"month": month, "revenue": found.revenue[month], "steps": steps}
            for month, steps in found.steps.items()
            if found.revenue[month]
        ],
    }


@router.get(
    "/planning/periods/{period_id}/figures",
    response=list[FigureOut],
    summary="The funnel's figures",
)
def figures(request: HttpRequest, period_id: RecordId) -> list[dict[str, Any]]:
    return _figures(plan_for(_period(request, period_id)))


@router.post(
    "/planning/periods/{period_id}/assumptions",
    response=list[FigureOut],
    summary="Override a figure (with a reason) or change its default",
)
def set_assumption(
    request: HttpRequest, period_id: RecordId, payload: AssumptionIn
) -> list[dict[str, Any]]:
    period = _period(request, period_id)
    assumptions.set_assumption(actor=signed_in(request), period=period, **payload.dict())
    return _figures(plan_for(period))


@router.delete(
    "/planning/periods/{period_id}/assumptions/{key}/{applies}",
    response=list[FigureOut],
    summary="Back to the measured figure (or the built-in default)",
)
def clear_assumption(
    request: HttpRequest, period_id: RecordId, key: str, applies: str
) -> list[dict[str, Any]]:
    period = _period(request, period_id)
    assumptions.clear_assumption(actor=signed_in(request), period=period, key=key, applies=applies)
    return _figures(plan_for(period))


@router.get(
    "/planning/periods/{period_id}/actuals",
    response=list[ActualMonthOut],
    summary="Plan against actual per month",
)
def plan_against_actual(request: HttpRequest, period_id: RecordId) -> list[dict[str, Any]]:
    period = _period(request, period_id)
    rows = [r for r in plan_for(period).rows() if not r["before"]]
    happened = actuals(period)
    return [
        {
            "month": row["month"],
            "planned": {stage: row[stage] for stage in STAGES},
            "actual": {stage: happened[stage].get(row["month"], 0) for stage in STAGES},
            "revenue_target": row["revenue"] or 0,
            "revenue_won": happened["revenue"].get(row["month"], 0),
        }
        for row in rows
    ]


def _kpis(scores: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "key": s.kpi.key,
            "label": s.kpi.label,
            "side": s.kpi.side,
            "unit": s.kpi.unit,
            "better": s.kpi.better,
            "months": s.months,
            "values": s.values,
            "to_date": s.to_date,
            "target": s.target,
            "attainment": s.attainment,
        }
        for s in scores
    ]


@router.get(
    "/planning/periods/{period_id}/scorecard",
    response=list[KpiOut],
    summary="The joint scorecard: every KPI per month, to date, against its target",
)
def get_scorecard(
    request: HttpRequest, period_id: RecordId, side: str = ""
) -> list[dict[str, Any]]:
    if side not in ("", *scorecard.SIDES):
        raise invalid("side", "side is marketing, sales or shared.")
    return _kpis(scorecard.scorecard(_period(request, period_id), side=side))


@router.post(
    "/planning/periods/{period_id}/kpi-targets", response=list[KpiOut], summary="Set a KPI's target"
)
def set_kpi_target(
    request: HttpRequest, period_id: RecordId, payload: KpiTargetIn
) -> list[dict[str, Any]]:
    period = _period(request, period_id)
    scorecard.set_kpi_target(actor=signed_in(request), period=period, **payload.dict())
    return _kpis(scorecard.scorecard(period))


@router.get(
    "/planning/periods/{period_id}/incentives",
    response=list[IncentiveOut],
    summary="Shared incentive formulas proposed, newest first",
)
@paginate(CursorPagination, newest_first=True)
def list_incentives(request: HttpRequest, period_id: RecordId) -> Any:
    period = _period(request, period_id)
    return with_request_ids(
        IncentivePlan.objects.filter(period=period).prefetch_related("measures")
    )


@router.post(
    "/planning/periods/{period_id}/incentives",
    response={201: IncentiveOut},
    summary="Propose the shared incentive's formula (a head of marketing or sales)",
)
def propose_incentive(
    request: HttpRequest, period_id: RecordId, payload: IncentiveIn
) -> Status[Any]:
    period = _period(request, period_id)
    data = payload.dict()
    made = incentive.propose_incentive(actor=signed_in(request), period=period, **data)
    return Status(201, with_request_ids(IncentivePlan.objects.filter(pk=made.pk)).get())


@router.get(
    "/planning/periods/{period_id}/incentive/statement",
    response=StatementOut,
    summary="What the formula in force pays to date",
)
def incentive_statement(request: HttpRequest, period_id: RecordId) -> dict[str, Any]:
    period = _period(request, period_id)
    plan = IncentivePlan.objects.filter(period=period).prefetch_related("measures").in_force()
    if plan is None:
        raise DomainError(PlanningError.NO_INCENTIVE, f"{period} has no shared incentive in force.")
    found = incentive.statement(plan)
    return {
        "incentive_id": plan.pk,
        "pool": plan.pool,
        "currency": plan.currency,
        "share": found.share,
        "payout": found.payout,
        "lines": [
            {
                "key": line.measure.key,
                "weight": line.measure.weight,
                "threshold": line.measure.threshold,
                "cap": line.measure.cap,
                "actual": line.score.to_date if line.score else None,
                "target": line.score.target if line.score else None,
                "attainment": line.score.attainment if line.score else None,
                "factor": line.factor,
                "paid": line.paid,
            }
            for line in found.lines
        ],
    }
