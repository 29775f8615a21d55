"""Background jobs people can watch: a registry of kinds and the runner.

A kind is a function ``handler(job, progress)``; ``progress(done, total, message)``
stores how far it got so the page can show a bar. The runner claims a job with a
conditional UPDATE (queued -> running), so two workers never run the same job and a
retried task is harmless.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from django.db.models import F
from django.utils import timezone

from tandem.core.audit import Source, acting_as
from tandem.core.errors import DomainError, ErrorCode

if TYPE_CHECKING:
    from tandem.core.models import Job

log = logging.getLogger(__name__)


class Progress(Protocol):
    def __call__(self, done: int, total: int | None = None, message: str = "") -> None: ...


JobHandler = Callable[["Job", Progress], None]
_KINDS: dict[str, JobHandler] = {}
_RESULT_LABELS: dict[str, str] = {}


def register_job_kind(
    kind: str, *, result_label: str = "Download the file"
) -> Callable[[JobHandler], JobHandler]:
    def decorator(handler: JobHandler) -> JobHandler:
        _KINDS[kind] = handler
        _RESULT_LABELS[kind] = result_label
        return handler

    return decorator


def result_label(kind: str) -> str:
    return _RESULT_LABELS.get(kind, "Download the file")


def job_kind(kind: str) -> JobHandler:
    try:
        return _KINDS[kind]
    except KeyError:
        raise DomainError(ErrorCode.INVALID, f"Unknown job kind {kind!r}.", field="kind") from None


def execute_job(job_id: int) -> None:
    from tandem.core.models import Job

    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=now, heartbeat_at=now
    )
    if not claimed:
        return  # already taken by another worker, or finished
    job = Job.objects.select_related("owner").get(pk=job_id)

    def progress(done: int, total: int | None = None, message: str = "") -> None:
        fields: dict[str, Any] = {"done": done, "heartbeat_at": timezone.now()}
        if total is not None:
            fields["total"] = total
        if message:
            fields["message"] = message[:300]
        Job.objects.filter(pk=job_id).update(**fields)

    try:
        with acting_as(job.owner, Source.JOB):
            _KINDS[job.kind](job, progress)
    except Exception as exc:
        log.exception("job %s (%s) failed", job_id, job.kind)
        reason = exc.message if isinstance(exc, DomainError) else "An unexpected error stopped it."
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.FAILED, finished_at=timezone.now(), message=f"Failed: {reason}"[:300]
        )
        return
    Job.objects.filter(pk=job_id).update(
        status=Job.Status.DONE, finished_at=timezone.now(), done=F("total")
    )
