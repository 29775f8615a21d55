"""Background entry points of core. Each takes ids and is safe to run twice."""

from __future__ import annotations

import csv
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from tandem.core import ratelimit
from tandem.core.jobs import (
    STALLED_AFTER_SECONDS,
    Progress,
    execute_job,
    register_job_kind,
    resumable_kinds,
)
from tandem.core.models import DomainEvent, Job
from tandem.core.permissions import ORGANISATION, Action, require
from tandem.core.spreadsheets import safe_cell


@db_task(name="core.run_job")
def run_job(job_id: int) -> None:
    execute_job(job_id)


@db_periodic_task(crontab(minute="*"), name="core.fail_stalled_jobs")
def fail_stalled_jobs() -> int:
    """A job whose heartbeat stopped lost its worker (killed, out of memory, host gone):
    fail it within a minute or two, saying so, rather than show a frozen bar. A kind that
    can resume offers that; the rows it committed are kept either way."""
    cutoff = timezone.now() - timedelta(seconds=STALLED_AFTER_SECONDS)
    stalled = Job.objects.filter(status=Job.Status.RUNNING, heartbeat_at__lt=cutoff)
    lost = "The worker running this job stopped (no sign of life for over a minute)"
    now = timezone.now()
    resumable = stalled.filter(kind__in=resumable_kinds()).update(
        status=Job.Status.FAILED,
        finished_at=now,
        message=f"{lost}. What it stored is kept: press Resume to carry on from there.",
    )
    return resumable + stalled.update(
        status=Job.Status.FAILED,
        finished_at=now,
        message=f"{lost}; please start it again.",
    )


# Folders under MEDIA_ROOT holding files only for a while: staged uploads and rejected-row
# reports (imports/), finished exports (exports/).
TEMPORARY_FOLDERS = ("imports", "exports")


@db_periodic_task(crontab(minute="41", hour="*"), name="core.delete_expired_files")
def delete_expired_files() -> int:
    """Uploaded files and exports hold personal data and were kept for ever: delete those
    older than FILE_RETENTION_DAYS, except a file a queued or running job still reads (its
    staged ``token``) or writes. Returns how many were deleted."""
    media = Path(settings.MEDIA_ROOT)
    cutoff = time.time() - settings.FILE_RETENTION_DAYS * 24 * 3600
    in_use = set()
    active = Job.objects.filter(status__in=[Job.Status.QUEUED, Job.Status.RUNNING])
    for params, result_file in active.values_list("params", "result_file"):
        token = params.get("token") if isinstance(params, dict) else None
        if token:
            in_use.add(f"imports/{token}")
        if result_file:
            in_use.add(result_file)
    deleted = 0
    for folder in TEMPORARY_FOLDERS:
        directory = media / folder
        if not directory.is_dir():
            continue
        for path in directory.iterdir():
            if f"{folder}/{path.name}" in in_use or not path.is_file():
                continue
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                deleted += 1
    return deleted


@db_periodic_task(crontab(minute="17", hour="3"), name="core.clear_expired_sessions")
def clear_expired_sessions() -> int:
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@db_periodic_task(crontab(minute="23"), name="core.purge_rate_counters")
def purge_rate_counters() -> int:
    """Database rate counters of subjects not seen again since their window ended."""
    return ratelimit.purge_expired()


EXPORT_CHUNK = 2000


@register_job_kind("core.audit_export", resumable=True)  # it rewrites its file
def export_audit_log(job: Job, progress: Progress) -> None:
    """Write the domain-event log to CSV in id order, chunk by chunk (keyset, not OFFSET)."""
    # Checked again here: the owner may have lost the right since the job was queued.
    require(job.owner, Action.VIEW_AUDIT_LOG, ORGANISATION)
    total = DomainEvent.objects.count()
    progress(0, total, "Writing the audit log")
    relative = Path("exports") / f"audit-log-{job.pk}.csv"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    written, last_id = 0, 0
    with target.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["id", "occurred_at", "event", "actor", "source", "subject", "data"])
        while True:
            chunk = list(
                DomainEvent.objects.filter(pk__gt=last_id)
                .select_related("actor", "subject_type")
                .order_by("pk")[:EXPORT_CHUNK]
            )
            if not chunk:
                break
            for event in chunk:
                subject = (
                    f"{event.subject_type.app_label}.{event.subject_type.model}:{event.subject_id}"
                    if event.subject_type_id
                    else ""
                )
                writer.writerow(
                    [
                        safe_cell(v)
                        for v in (
                            event.pk,
                            event.occurred_at.isoformat(),
                            event.name,
                            event.actor.email if event.actor else "",
                            event.source,
                            subject,
                            event.data,
                        )
                    ]
                )
            written += len(chunk)
            last_id = chunk[-1].pk
            progress(written, max(total, written))
    Job.objects.filter(pk=job.pk).update(result_file=str(relative))
