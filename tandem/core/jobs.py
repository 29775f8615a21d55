"""Background jobs people can watch: a registry of kinds and the runner.

A kind is a function ``handler(job, progress)``; ``progress(done, total, message)``
stores how far it got so the page can show a bar. The runner claims a job with a
conditional UPDATE (queued -> running), so two workers never run the same job and a
retried task is harmless.

While a job runs, a thread writes its heartbeat every few seconds; the periodic
``fail_stalled_jobs`` fails a job whose heartbeat stopped (its worker died) within a
minute or two. A kind registered ``resumable`` is safe to run again from the start
(it skips what is already stored), so such a failed job offers "Resume".
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from django.db import DatabaseError, connection
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
_RESUMABLE: set[str] = set()

# A running job writes its heartbeat this often; one silent for STALLED_AFTER_SECONDS
# has lost its worker (a dozen missed beats: a busy database delays a beat, not twelve).
HEARTBEAT_SECONDS = 5.0
STALLED_AFTER_SECONDS = 60


def register_job_kind(
    kind: str, *, result_label: str = "Download the file", resumable: bool = False
) -> Callable[[JobHandler], JobHandler]:
    """``resumable``: running the handler again after a crash stores nothing twice."""

    def decorator(handler: JobHandler) -> JobHandler:
        _KINDS[kind] = handler
        _RESULT_LABELS[kind] = result_label
        if resumable:
            _RESUMABLE.add(kind)
        return handler

    return decorator


def is_resumable(kind: str) -> bool:
    return kind in _RESUMABLE


def resumable_kinds() -> list[str]:
    return sorted(_RESUMABLE)


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

    last_done, last_message = 0, ""

    def progress(done: int, total: int | None = None, message: str = "") -> None:
        nonlocal last_done, last_message
        fields: dict[str, Any] = {"done": done, "heartbeat_at": timezone.now()}
        if total is not None:
            fields["total"] = total
        if message:
            fields["message"] = message[:300]
            last_message = message
        last_done = done
        Job.objects.filter(pk=job_id).update(**fields)

    beating = _Heartbeat(job_id)
    beating.start()
    try:
        with acting_as(job.owner, Source.JOB):
            _KINDS[job.kind](job, progress)
    except Exception as exc:
        log.exception("job %s (%s) failed", job_id, job.kind)
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.FAILED,
            finished_at=timezone.now(),
            message=failure_message(exc, job.kind, last_done, last_message)[:300],
        )
        return
    finally:
        beating.stop()
    Job.objects.filter(pk=job_id).update(
        status=Job.Status.DONE, finished_at=timezone.now(), done=F("total")
    )


def failure_message(exc: Exception, kind: str, done: int, stage: str) -> str:
    """What the person reads: our own reason as it is; for anything else, what failed
    (the error's kind and first line) and how far the job had got, so a report names
    the cause instead of "an unexpected error"."""
    if isinstance(exc, DomainError):
        return f"Failed: {exc.message}"
    first_line = (str(exc).strip().splitlines() or [""])[0][:160]
    what = f"{type(exc).__name__}: {first_line}" if first_line else type(exc).__name__
    where = f" after {done:,} rows" if done else ""
    if stage:
        where += f" ({stage[:60]})"
    after = " Resume to carry on; what was stored is kept." if is_resumable(kind) else ""
    return f"Failed{where}: {what}.{after}"


class _Heartbeat:
    """Writes the job's ``heartbeat_at`` every HEARTBEAT_SECONDS from a thread with its
    own connection, so a long step (reading a large file, one big chunk) never looks like
    a dead worker, and a killed worker stops beating at once."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"job-{job_id}-heartbeat")
        self.thread.daemon = True  # never keeps a worker process alive

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=HEARTBEAT_SECONDS)

    def _run(self) -> None:
        from tandem.core.models import Job

        try:
            while not self.stopped.wait(HEARTBEAT_SECONDS):
                try:
                    Job.objects.filter(pk=self.job_id, status=Job.Status.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except DatabaseError:
                    log.warning("job %s: heartbeat not written", self.job_id, exc_info=True)
        finally:
            connection.close()
