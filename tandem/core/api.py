"""API routes for search, jobs, record history and the audit log."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Router, Status
from ninja.pagination import paginate

from tandem.core import exchange_rates, services
from tandem.core import search as searching
from tandem.core.api_pagination import CursorPagination
from tandem.core.history import history_entries
from tandem.core.ids import RecordId
from tandem.core.models import DomainEvent, ExchangeRate, Job
from tandem.core.permissions import ORGANISATION, Action, require, require_works_here
from tandem.core.records import access_record
from tandem.core.schemas import (
    EventOut,
    ExchangeRateIn,
    ExchangeRateOut,
    HistoryEntryOut,
    JobOut,
    SearchGroupOut,
)

router = Router(tags=["jobs and audit"])


def job_out(job: Job) -> dict[str, Any]:
    data = JobOut.from_orm(job).dict()
    if job.status == Job.Status.DONE and job.result_file and not services.job_result_expired(job):
        data["download_url"] = reverse("core:job_download", args=[job.pk])
    return data


@router.get("/jobs/{job_id}", response=JobOut, summary="Status and progress of a background job")
def get_job(request: HttpRequest, job_id: RecordId) -> dict[str, Any]:
    return job_out(get_object_or_404(Job.objects.visible_to(request.user), pk=job_id))


@router.post(
    "/jobs/{job_id}/resume",
    response={202: JobOut},
    summary="Resume a failed import or export from where it stopped (its owner)",
)
def resume_job(request: HttpRequest, job_id: RecordId) -> Status[dict[str, Any]]:
    job = get_object_or_404(Job.objects.visible_to(request.user), pk=job_id)
    return Status(202, job_out(services.resume_job(actor=request.user, job=job)))


@router.post(
    "/audit/exports", response={202: JobOut}, summary="Export the audit log (administrators)"
)
def export_audit_log(request: HttpRequest) -> Status[dict[str, Any]]:
    return Status(202, job_out(services.start_audit_export(actor=request.user)))


@router.get(
    "/records/{label}/{record_id}/history",
    response=list[HistoryEntryOut],
    summary="Field history of a record: who, when, source, old → new",
)
def record_history(
    request: HttpRequest, label: str, record_id: RecordId, limit: int = 50
) -> list[dict[str, Any]]:
    record = access_record(request.user, label, record_id)
    return history_entries(record, limit=max(1, min(limit, 200)))


@router.get("/events", response=list[EventOut], summary="The domain-event log (administrators)")
@paginate(CursorPagination, newest_first=True)
def list_events(request: HttpRequest, name: str = "") -> Any:
    require(request.user, Action.VIEW_AUDIT_LOG, ORGANISATION)
    events = DomainEvent.objects.visible_to(request.user).select_related("subject_type")
    return events.filter(name__startswith=name[:80]) if name else events


@router.get(
    "/search",
    response=list[SearchGroupOut],
    summary="Search every kind of record the caller may see, grouped by kind (as /search/)",
)
def search_records(request: HttpRequest, q: str = "") -> list[dict[str, Any]]:
    """Names, e-mails and phone numbers in any spelling; fewer than two characters find
    nothing; at most five hits per kind, best first."""
    groups = searching.search(request.user, searching.clean_query(q))
    return [
        {
            "kind": g.source.kind,
            "label": g.source.label,
            "hits": [vars(hit) for hit in g.hits],
            "more": g.more,
            "see_all": g.see_all,
        }
        for g in groups
    ]


@router.get(
    "/exchange-rates",
    response=list[ExchangeRateOut],
    summary="Every exchange rate into the reporting currency, newest first per currency",
)
def list_rates(request: HttpRequest) -> Any:
    require_works_here(request.user, "the exchange rates")
    return ExchangeRate.objects.filter(home=exchange_rates.home_currency())


@router.post(
    "/exchange-rates",
    response={201: ExchangeRateOut},
    summary="Set what one unit of a currency is worth from a day on (administrators)",
)
def set_rate(request: HttpRequest, payload: ExchangeRateIn) -> Status[ExchangeRate]:
    """A rate already given for that currency and day is replaced."""
    return Status(201, exchange_rates.set_rate(actor=request.user, **payload.dict()))
