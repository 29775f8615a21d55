"""Core writes: domain events and background jobs."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from tandem.core import audit
from tandem.core.errors import CoreError, DomainError, ErrorCode
from tandem.core.jobs import is_resumable, job_kind
from tandem.core.models import DomainEvent, Job
from tandem.core.permissions import ORGANISATION, Action, require


def record_event(
    name: str, *, subject: Any = None, data: dict[str, Any] | None = None
) -> DomainEvent:
    """Append a domain event; actor and source come from the audit context."""
    return DomainEvent.objects.create(
        name=name,
        actor=audit.current_actor(),
        source=audit.current_source(),
        subject_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
        subject_id=subject.pk if subject is not None else None,
        data=data or {},
    )


def start_job(*, owner: Any, kind: str, title: str, params: dict[str, Any] | None = None) -> Job:
    """Record a job and enqueue it once the surrounding transaction commits."""
    job_kind(kind)  # unknown kinds fail here, not in the worker
    with transaction.atomic():
        job = Job.objects.create(owner=owner, kind=kind, title=title, params=params or {})
        record_event("job.started", subject=job, data={"kind": kind})
        from tandem.core.tasks import run_job

        job_id = job.pk
        transaction.on_commit(lambda: run_job(job_id))
    return job


def resume_job(*, actor: Any, job: Job) -> Job:
    """Queue a failed job of a resumable kind again. Its handler skips what the first run
    stored, so this carries on from the last committed chunk. Only the job's owner may
    (an administrator sees others' jobs, but resuming runs as the owner)."""
    require(actor, Action.RESUME, job)
    if not is_resumable(job.kind):
        raise DomainError(
            CoreError.JOB_NOT_RESUMABLE, "This kind of job cannot be resumed; start it again."
        )
    with transaction.atomic():
        # Conditional, as the runner's claim is: a double click queues it once.
        requeued = Job.objects.filter(pk=job.pk, status=Job.Status.FAILED).update(
            status=Job.Status.QUEUED, finished_at=None, message="Resumed; waiting for a worker."
        )
        if not requeued:
            raise DomainError(CoreError.JOB_NOT_FAILED, "Only a job that failed can be resumed.")
        record_event("job.resumed", subject=job, data={"kind": job.kind})
        from tandem.core.tasks import run_job

        job_id = job.pk
        transaction.on_commit(lambda: run_job(job_id))
    job.refresh_from_db()
    return job


def start_audit_export(*, actor: Any) -> Job:
    """Export the whole domain-event log to CSV in the background (administrators only)."""
    require(actor, Action.VIEW_AUDIT_LOG, ORGANISATION)
    return start_job(owner=actor, kind="core.audit_export", title="Export of the audit log")


def job_result_expired(job: Job) -> bool:
    """Whether a finished job's file was deleted after the retention period."""
    from pathlib import Path

    from django.conf import settings

    if job.status != Job.Status.DONE or not job.result_file:
        return False
    return not (Path(settings.MEDIA_ROOT) / job.result_file).is_file()


def job_result_path(job: Job) -> str:
    if job.status != Job.Status.DONE or not job.result_file:
        raise DomainError(ErrorCode.NOT_FOUND, "This job has no file to download.")
    return job.result_file
