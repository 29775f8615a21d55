"""API routes of attribution: the cached report of a scope (every model), an on-demand
refresh, the models explained, and the heads' joint choice of model. Same services and
permissions as the pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Status

from tandem.attribution import reports, services
from tandem.attribution.forms import ScopeForm
from tandem.attribution.journeys import BY_CAMPAIGN, BY_CHANNEL, PIPELINE, REVENUE, Scope
from tandem.attribution.models import MAX_LOOKBACK_DAYS, MODELS, AttributionChoice, current_choice
from tandem.attribution.schemas import ChoiceIn, ChoiceOut, ModelOut, ReportOut
from tandem.campaigns.models import Campaign
from tandem.core.api import job_out
from tandem.core.dates import ApiDate
from tandem.core.errors import DomainError, ErrorCode
from tandem.core.ids import RecordId
from tandem.core.permissions import require_staff
from tandem.core.schemas import InputSchema, JobOut, one_of
from tandem.handoff import contracts
from tandem.people.auth import signed_in

router = Router(tags=["attribution"])
CURRENCY_OR_NONE = r"^([A-Z]{3})?$"


class ScopeIn(InputSchema):
    """The report's filters, as the page's ScopeForm reads them (it still checks them
    all, and the period as a whole). Each text is bounded, so the query string of a GET
    stays within what the server reads (gunicorn refuses a request line over 4 KB)."""

    conversion: str = one_of(["", PIPELINE, REVENUE], "")
    by: str = one_of(["", BY_CHANNEL, BY_CAMPAIGN], "")
    start: ApiDate | None = None
    end: ApiDate | None = None
    lookback_days: int | None = Field(None, ge=1, le=MAX_LOOKBACK_DAYS)
    region: str = Field("", max_length=100)
    segment: str = Field("", max_length=100)
    campaign_type: str = one_of(["", *Campaign.Type.values], "")
    currency: str = Field("", pattern=CURRENCY_OR_NONE)


def _scope(request: HttpRequest, given: ScopeIn) -> Scope:
    """The same validation as the page's filters; the first error names its field."""
    data = {k: ("" if v is None else str(v)) for k, v in given.dict().items()}
    form = ScopeForm(data, today=timezone.localdate(), lookback_days=current_choice()[1])
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        raise DomainError(ErrorCode.INVALID, str(errors[0]), field=field)
    return form.scope(timezone.get_current_timezone_name())


@router.get("/attribution/report", response=ReportOut, summary="Every model's credits")
def get_report(request: HttpRequest, filters: Query[ScopeIn]) -> dict[str, Any]:
    """The stored report of this scope; one never computed is queued and answered with
    ``status: computing`` (poll the job or this route)."""
    require_staff(request.user)
    report = reports.report_for(_scope(request, filters), user=signed_in(request))
    if reports.is_computing(report):
        status = "computing"
    elif report.computed_at is None:
        status = "failed"
    else:
        status = "ready"
    return {
        "status": status,
        "scope": report.scope,
        "computed_at": report.computed_at,
        "job": job_out(report.job) if report.job else None,
        "totals": report.totals,
        "credits": [
            {"model": m, "label": label, "conversions": c, "value": v}
            for m, label, c, v, *_ in report.rows
        ],
        "model_in_force": current_choice()[0],
    }


@router.post(
    "/attribution/report/refresh",
    response={202: JobOut},
    summary="Recompute a report in the background",
)
def refresh_report(request: HttpRequest, payload: ScopeIn) -> Status[dict[str, Any]]:
    require_staff(request.user)
    job = services.refresh_report(actor=signed_in(request), scope=_scope(request, payload))
    job.refresh_from_db()
    return Status(202, job_out(job))


@router.get("/attribution/models", response=list[ModelOut], summary="The models, explained")
def list_models(request: HttpRequest) -> list[dict[str, str]]:
    require_staff(request.user)
    return [{"code": k, "name": v[0], "explanation": v[1]} for k, v in MODELS.items()]


@router.get("/attribution/choices", response=list[ChoiceOut], summary="Model proposals")
def list_choices(request: HttpRequest) -> Any:
    require_staff(request.user)
    return list(AttributionChoice.objects.all()[:100])


@router.post("/attribution/choices", response={201: ChoiceOut}, summary="Propose a model")
def propose(request: HttpRequest, payload: ChoiceIn) -> Status[AttributionChoice]:
    require_staff(request.user)
    return Status(
        201,
        services.propose_attribution_model(
            actor=signed_in(request),
            model=payload.model,
            lookback_days=payload.lookback_days,
            note=payload.note,
        ),
    )


def _choice(request: HttpRequest, choice_id: RecordId) -> AttributionChoice:
    require_staff(request.user)
    return get_object_or_404(AttributionChoice.objects.all(), pk=choice_id)


@router.post("/attribution/choices/{choice_id}/approve", response=ChoiceOut)
def approve(request: HttpRequest, choice_id: RecordId) -> Any:
    return contracts.approve(actor=signed_in(request), proposal=_choice(request, choice_id))


@router.post("/attribution/choices/{choice_id}/withdraw", response=ChoiceOut)
def withdraw(request: HttpRequest, choice_id: RecordId) -> Any:
    return contracts.withdraw(actor=signed_in(request), proposal=_choice(request, choice_id))
