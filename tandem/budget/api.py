"""API routes of the budget: budgets, lines and their months, spend, purchase orders,
reallocation proposals and the return ranking. Reads go through ``visible_to`` (a
guessed id is a 404), writes through the services. A proposal is decided at
``/approvals/{id}/decide`` (its ``approval_request_id``), as every approval is."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import paginate

from tandem.approvals.reads import with_request_ids
from tandem.budget import returns, services, spending
from tandem.budget.models import Budget, BudgetLine, Commitment, LineMonth, Reallocation, Spend
from tandem.budget.reallocation import propose_reallocation
from tandem.budget.schemas import (
    BudgetOut,
    CloseIn,
    CommitmentIn,
    CommitmentOut,
    LineIn,
    LineOut,
    MonthOut,
    PlanIn,
    ReallocationIn,
    ReallocationOut,
    ReturnOut,
    SpendIn,
    SpendOut,
)
from tandem.campaigns.models import Campaign
from tandem.core.api_pagination import CursorPagination
from tandem.core.errors import invalid
from tandem.core.ids import RecordId
from tandem.core.permissions import require_staff
from tandem.people.auth import signed_in
from tandem.people.models import Team, User
from tandem.planning.models import PlanPeriod

router = Router(tags=["budget"])


def _visible(request: HttpRequest, model: Any) -> Any:
    require_staff(request.user)
    return model.objects.visible_to(request.user)


def _line(request: HttpRequest, line_id: int) -> BudgetLine:
    return get_object_or_404(
        _visible(request, BudgetLine).select_related("budget__period"), pk=line_id
    )


def _named(request: HttpRequest, model: Any, pk: int | None, field: str) -> Any:
    if pk is None:
        return None
    found = model.objects.visible_to(request.user).filter(pk=pk).first()
    if found is None:
        raise invalid(field, f"No {model._meta.verbose_name} {pk}.")
    return found


def _many(request: HttpRequest, model: Any, ids: list[int], field: str) -> list[Any]:
    found = list(model.objects.visible_to(request.user).filter(pk__in=ids))
    missing = set(ids) - {x.pk for x in found}
    if missing:
        raise invalid(field, f"No {model._meta.verbose_name} {min(missing)}.")
    return found


@router.get("/budget/budgets", response=list[BudgetOut], summary="Budgets, one per fiscal period")
@paginate(CursorPagination)
def list_budgets(request: HttpRequest) -> Any:
    return _visible(request, Budget).select_related("period")


@router.get("/budget/lines", response=list[LineOut], summary="Lines, of one period or all")
@paginate(CursorPagination)
def list_lines(request: HttpRequest, period_id: RecordId | None = None) -> Any:
    found = _visible(request, BudgetLine)
    return found.of_period(period_id) if period_id else found


@router.post("/budget/lines", response={201: LineOut}, summary="Add a line (opens the budget)")
def add_line(request: HttpRequest, payload: LineIn) -> Any:
    require_staff(request.user)
    period = _named(request, PlanPeriod, payload.period_id, "period_id")
    line = services.add_line(
        actor=signed_in(request),
        period=period,
        team=_named(request, Team, payload.team_id, "team_id"),
        owner=_named(request, User, payload.owner_id, "owner_id"),
        name=payload.name,
        category=payload.category,
        currency=payload.currency,
        campaigns=_many(request, Campaign, payload.campaign_ids, "campaign_ids"),
        funds=_many(request, User, payload.funds_ids, "funds_ids"),
    )
    return Status(201, line)


@router.get("/budget/lines/{line_id}", response=LineOut, summary="One line")
def get_line(request: HttpRequest, line_id: RecordId) -> Any:
    return _line(request, line_id)


@router.get(
    "/budget/lines/{line_id}/months", response=list[MonthOut], summary="A line's twelve months"
)
def line_months(request: HttpRequest, line_id: RecordId) -> Any:
    return list(LineMonth.objects.filter(line=_line(request, line_id)).order_by("month"))


@router.put("/budget/lines/{line_id}/plan", response=LineOut, summary="Plan a line's months")
def plan_line(request: HttpRequest, line_id: RecordId, payload: PlanIn) -> Any:
    line, actor = _line(request, line_id), signed_in(request)
    if payload.weights is not None:
        return services.plan_by_profile(
            actor=actor, line=line, total=payload.total, weights=payload.weights
        )
    if payload.months is not None:
        return services.spread_plan(
            actor=actor, line=line, total=payload.total, months=payload.months
        )
    return services.set_plan(actor=actor, line=line, amounts=payload.amounts or {})


@router.get("/budget/lines/{line_id}/spend", response=list[SpendOut], summary="A line's spend")
@paginate(CursorPagination)
def list_spend(request: HttpRequest, line_id: RecordId) -> Any:
    return Spend.objects.filter(line=_line(request, line_id))


@router.post("/budget/lines/{line_id}/spend", response={201: SpendOut}, summary="Record spend")
def record_spend(request: HttpRequest, line_id: RecordId, payload: SpendIn) -> Any:
    line = _line(request, line_id)
    commitment = _named(request, Commitment, payload.commitment_id, "commitment_id")
    spend = spending.record_spend(
        actor=signed_in(request), line=line, amount=payload.amount, spent_on=payload.spent_on,
        currency=payload.currency, supplier=payload.supplier, note=payload.note,
        commitment=commitment,
    )  # fmt: skip
    return Status(201, spend)


@router.get(
    "/budget/lines/{line_id}/commitments",
    response=list[CommitmentOut],
    summary="A line's purchase orders",
)
@paginate(CursorPagination)
def list_commitments(request: HttpRequest, line_id: RecordId) -> Any:
    return Commitment.objects.filter(line=_line(request, line_id))


@router.post(
    "/budget/lines/{line_id}/commitments",
    response={201: CommitmentOut},
    summary="Add a purchase order (committed until spent or closed)",
)
def add_commitment(request: HttpRequest, line_id: RecordId, payload: CommitmentIn) -> Any:
    found = spending.add_commitment(
        actor=signed_in(request), line=_line(request, line_id), **payload.dict()
    )
    return Status(201, found)


@router.post(
    "/budget/commitments/{commitment_id}/close",
    response=CommitmentOut,
    summary="Close or release a purchase order",
)
def close_commitment(request: HttpRequest, commitment_id: RecordId, payload: CloseIn) -> Any:
    found = get_object_or_404(
        _visible(request, Commitment).select_related("line"), pk=commitment_id
    )
    return spending.close_commitment(
        actor=signed_in(request), commitment=found, release=payload.release
    )


@router.get(
    "/budget/reallocations", response=list[ReallocationOut], summary="Reallocation proposals"
)
@paginate(CursorPagination)
def list_reallocations(request: HttpRequest, status: str = "") -> Any:
    found = with_request_ids(_visible(request, Reallocation))
    return found.filter(status=status) if status else found


@router.post(
    "/budget/reallocations",
    response={201: ReallocationOut},
    summary="Propose moving planned money (decided at /approvals/{id}/decide)",
)
def propose(request: HttpRequest, payload: ReallocationIn) -> Any:
    proposal = propose_reallocation(
        actor=signed_in(request),
        from_line=_named(request, BudgetLine, payload.from_line_id, "from_line_id"),
        to_line=_named(request, BudgetLine, payload.to_line_id, "to_line_id"),
        amount=payload.amount,
        rationale=payload.rationale,
        months=payload.months,
    )
    return Status(201, with_request_ids(Reallocation.objects.filter(pk=proposal.pk)).get())


@router.get(
    "/budget/periods/{period_id}/return",
    response=list[ReturnOut],
    summary="Lines ranked by revenue per unit spent (the budget's currency)",
)
def return_ranking(request: HttpRequest, period_id: RecordId) -> Any:
    period = get_object_or_404(_visible(request, PlanPeriod), pk=period_id)
    return [
        {**row, "line_id": row["line"].pk, "name": row["line"].name}
        for row in returns.ranking(period, request.user)["rows"]
    ]
