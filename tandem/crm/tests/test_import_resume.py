"""A contact import stopped part-way (its worker killed) is failed within a minute or
two and resumed, and running a file again never stores a row twice, e-mail or not."""

import os
import secrets
import signal
import time

import pytest
from django.db.models import Count
from huey import SqliteHuey

from tandem.conftest import run_import, stage_import, start_worker
from tandem.core import tasks
from tandem.core.models import Job
from tandem.core.services import resume_job
from tandem.crm import imports
from tandem.crm.models import Contact


def _file(rows: int) -> bytes:
    """Every other person has no e-mail (a walk-in, a phone enquiry)."""
    lines = ["email,first_name,last_name,phone"]
    for n in range(rows):
        email = f"p{n}@example.test" if n % 2 else ""
        lines.append(f"{email},Pat,Person{n},0113 {n:06d}")
    return ("\n".join(lines) + "\n").encode()


def test_importing_a_file_again_adds_no_contact_without_an_email_twice(
    org, django_capture_on_commit_callbacks
):
    data = _file(40) + b",Pat,Person0,0113 000000\n"  # a repeated row is reported, not added
    first = run_import(
        org, stage_import(org, "people.csv", data), django_capture_on_commit_callbacks
    )
    assert first.status == "done", first.message
    assert "40 contacts added" in first.message and "1 rows rejected" in first.message
    again = run_import(
        org, stage_import(org, "people.csv", data), django_capture_on_commit_callbacks
    )
    assert again.status == "done", again.message
    assert "0 contacts added" in again.message
    assert Contact.objects.count() == 40
    assert Contact.objects.filter(email="").count() == 20


def test_the_bulk_api_stores_a_contact_without_an_email_once(org):
    row = {"first_name": "Walk", "last_name": "In", "phone": "0113 496 0001"}
    assert imports.bulk_upsert_contacts(actor=org.marketer, rows=[row, row])["created"] == 1
    assert imports.bulk_upsert_contacts(actor=org.marketer, rows=[row])["created"] == 0
    assert Contact.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_import_whose_worker_is_killed_is_failed_then_resumed_without_duplicates(
    org, tmp_path, monkeypatch
):
    rows = 40_000
    staged = stage_import(org, "people.csv", _file(rows))
    job = Job.objects.create(
        owner=org.marketer,
        kind="crm.import_contacts",
        title="people",
        params={"token": staged.token, "mapping": staged.suggested},
    )
    queue_name = f"tandem-test-{secrets.token_hex(4)}"
    queue_file = tmp_path / "queue.sqlite3"
    producer = SqliteHuey(queue_name, filename=str(queue_file))
    producer.task(name="core.run_job")(tasks.run_job.func)(job.pk)
    worker = start_worker(queue_name, queue_file=queue_file, output=False)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.done >= 2 * imports.SQLITE_CHUNK or job.finished:
                break
            time.sleep(0.02)
        os.kill(worker.pid, signal.SIGKILL)  # mid-import: no clean-up runs
        worker.wait(timeout=20)
    finally:
        if worker.poll() is None:
            worker.kill()
    job.refresh_from_db()
    assert job.status == "running" and 0 < job.done < rows, (job.status, job.done)
    stored = Contact.objects.count()
    assert 0 < stored < rows

    # No heartbeat comes any more: the periodic check fails it (here after 1 s, not 60).
    monkeypatch.setattr(tasks, "STALLED_AFTER_SECONDS", 1)
    time.sleep(1.5)
    assert tasks.fail_stalled_jobs.call_local() == 1
    job.refresh_from_db()
    assert job.status == "failed" and job.can_resume, job.message

    resume_job(actor=org.marketer, job=job)  # immediate mode: runs on commit, here
    job.refresh_from_db()
    assert job.status == "done", job.message
    assert Contact.objects.count() == rows
    repeated = Contact.objects.values("last_name").annotate(n=Count("id")).filter(n__gt=1).count()
    assert repeated == 0
