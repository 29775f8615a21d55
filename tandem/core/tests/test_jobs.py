"""Background jobs: claimed once, progress recorded, failures shown, files guarded."""

import csv
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from tandem.core.audit import Source, acting_as
from tandem.core.errors import DomainError
from tandem.core.jobs import _KINDS, execute_job, register_job_kind
from tandem.core.models import Job
from tandem.core.services import record_event, start_audit_export, start_job
from tandem.core.spreadsheets import safe_cell
from tandem.core.tasks import fail_stalled_jobs
from tandem.factories.people import UserFactory


@pytest.fixture
def counting_kind():
    calls = []

    @register_job_kind("test.count")
    def handler(job, progress):
        calls.append(job.pk)
        progress(1, 2, "half way")
        progress(2)

    yield calls
    _KINDS.pop("test.count")


@pytest.fixture
def failing_kind():
    @register_job_kind("test.fail")
    def handler(job, progress):
        raise DomainError("invalid", "the input file has no header row")

    yield
    _KINDS.pop("test.fail")


def test_a_job_is_claimed_once_even_if_its_task_runs_twice(org, counting_kind):
    job = Job.objects.create(owner=org.marketer, kind="test.count", title="Count")
    execute_job(job.pk)
    execute_job(job.pk)
    job.refresh_from_db()
    assert counting_kind == [job.pk]
    assert job.status == "done" and job.done == 2 and job.total == 2 and job.percent == 100


def test_a_failed_job_says_why(org, failing_kind):
    job = Job.objects.create(owner=org.marketer, kind="test.fail", title="Import")
    execute_job(job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert "no header row" in job.message


def test_unknown_kinds_are_refused_before_queueing(org):
    with pytest.raises(DomainError) as error:
        start_job(owner=org.marketer, kind="nope", title="x")
    assert error.value.field == "kind"
    assert not Job.objects.exists()


def test_stalled_jobs_are_failed_by_the_periodic_task(org):
    old = timezone.now() - timedelta(hours=2)
    stalled = Job.objects.create(
        owner=org.marketer, kind="test.count", title="x", status="running", heartbeat_at=old
    )
    alive = Job.objects.create(
        owner=org.marketer,
        kind="test.count",
        title="y",
        status="running",
        heartbeat_at=timezone.now(),
    )
    assert fail_stalled_jobs.call_local() == 1
    stalled.refresh_from_db()
    alive.refresh_from_db()
    assert stalled.status == "failed" and "start it again" in stalled.message
    assert alive.status == "running"


def test_safe_cell_defuses_spreadsheet_formulas():
    assert safe_cell('=HYPERLINK("http://evil","x")') == '\'=HYPERLINK("http://evil","x")'
    for risky in ("+1", "-1+2", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(risky).startswith("'")
    assert safe_cell("plain") == "plain"
    assert safe_cell(42) == 42


def test_audit_export_writes_every_event_and_defuses_formulas(
    org, django_capture_on_commit_callbacks
):
    hostile = UserFactory(email="=2+5@example.test", full_name="Hostile")
    with acting_as(hostile, Source.WEB):
        for n in range(5):
            record_event("test.event", subject=org.sales, data={"n": n})
    with django_capture_on_commit_callbacks(execute=True), acting_as(org.admin, Source.WEB):
        job = start_audit_export(actor=org.admin)
    job.refresh_from_db()
    assert job.status == "done", job.message
    rows = list(csv.reader((Path(settings.MEDIA_ROOT) / job.result_file).open()))
    assert rows[0][:3] == ["id", "occurred_at", "event"]
    test_rows = [r for r in rows if r[2] == "test.event"]
    assert len(test_rows) == 5
    assert {r[3] for r in test_rows} == {"'=2+5@example.test"}
    assert job.done == job.total == len(rows) - 1


def test_only_admins_export_the_audit_log(org):
    with pytest.raises(DomainError) as error:
        start_audit_export(actor=org.marketing_head)
    assert error.value.code == "forbidden"


def test_job_page_polls_while_running_and_offers_the_file_when_done(client, org):
    job = Job.objects.create(owner=org.marketer, kind="test.count", title="Count", total=10, done=4)
    client.force_login(org.marketer)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in page and 'value="40"' in page
    partial = client.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true")
    assert partial.content.decode().lstrip().startswith('<section id="job-progress"')
    assert "HX-Request" in partial["Vary"]
    target = Path(settings.MEDIA_ROOT) / "exports" / "t.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("a,b\n")
    Job.objects.filter(pk=job.pk).update(status="done", result_file="exports/t.csv")
    done = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "every 1s" not in done and f"/jobs/{job.pk}/download/" in done
    download = client.get(f"/jobs/{job.pk}/download/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"a,b\n"


def test_other_peoples_jobs_are_404(client, org):
    job = Job.objects.create(owner=org.marketer, kind="test.count", title="Count")
    client.force_login(org.sales_rep)
    assert client.get(f"/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 404


def test_a_result_path_outside_media_is_never_served(client, org):
    job = Job.objects.create(
        owner=org.marketer, kind="test.count", title="x", status="done", result_file="../secret_key"
    )
    client.force_login(org.marketer)
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 404


def test_the_task_checks_permission_again_when_it_runs(org):
    """An admin who loses the role before the worker gets to the job gets no export."""
    job = Job.objects.create(owner=org.admin, kind="core.audit_export", title="Export")
    org.admin.is_admin = False
    org.admin.save()
    execute_job(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "not allowed" in job.message
    assert not job.result_file


def test_expired_sessions_are_cleared_by_the_periodic_task(client, org):
    from django.contrib.sessions.models import Session

    client.force_login(org.marketer)
    other = client.__class__()
    other.force_login(org.sales_rep)
    Session.objects.filter(pk=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(minutes=1)
    )
    from tandem.core.tasks import clear_expired_sessions

    assert clear_expired_sessions.call_local() == 1
    assert Session.objects.filter(pk=other.session.session_key).exists()


@pytest.fixture
def crashing_kind():
    """Stores one step, then hits an error that is not ours, like a worker's bug would."""

    @register_job_kind("test.crash", resumable=True)
    def handler(job, progress):
        progress(5000, 10000, "5,000 added")
        raise ZeroDivisionError("division by zero in the scorer")

    yield
    _KINDS.pop("test.crash")


def test_an_unexpected_failure_names_what_failed_and_how_far_it_got(org, crashing_kind):
    job = Job.objects.create(owner=org.marketer, kind="test.crash", title="Import")
    execute_job(job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert "ZeroDivisionError: division by zero in the scorer" in job.message
    assert "after 5,000 rows" in job.message and "Resume" in job.message
    assert job.can_resume


def test_a_running_job_beats_while_its_handler_works(org, monkeypatch, transactional_db):
    from tandem.core import jobs

    monkeypatch.setattr(jobs, "HEARTBEAT_SECONDS", 0.05)
    beats = []

    @register_job_kind("test.slow")
    def handler(job, progress):
        import time

        started = Job.objects.get(pk=job.pk).heartbeat_at
        time.sleep(0.5)  # one long step that reports no progress
        beats.append(Job.objects.get(pk=job.pk).heartbeat_at > started)

    try:
        job = Job.objects.create(owner=org.marketer, kind="test.slow", title="Slow")
        execute_job(job.pk)
    finally:
        _KINDS.pop("test.slow")
    assert beats == [True]


def test_a_job_whose_worker_died_fails_within_a_minute_or_two_offering_resume(org, crashing_kind):
    two_minutes_ago = timezone.now() - timedelta(minutes=2)
    dead = Job.objects.create(
        owner=org.marketer,
        kind="test.crash",
        title="x",
        status="running",
        heartbeat_at=two_minutes_ago,
    )
    assert fail_stalled_jobs.call_local() == 1
    dead.refresh_from_db()
    assert dead.status == "failed" and "press Resume" in dead.message and dead.can_resume


def test_the_owner_resumes_a_failed_job_from_the_page_and_the_api(
    client, org, counting_kind, django_capture_on_commit_callbacks
):
    from tandem.api.services import create_token
    from tandem.core.jobs import _RESUMABLE
    from tandem.core.services import resume_job

    _RESUMABLE.add("test.count")
    try:
        job = Job.objects.create(
            owner=org.marketer, kind="test.count", title="Count", status="failed"
        )
        client.force_login(org.marketer)
        page = client.get(f"/jobs/{job.pk}/").content.decode()
        assert f'action="/jobs/{job.pk}/resume/"' in page and "Resume</button>" in page
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/jobs/{job.pk}/resume/")
        assert response.status_code == 302
        job.refresh_from_db()
        assert job.status == "done" and counting_kind == [job.pk]
        with pytest.raises(DomainError) as error:  # only a failed job
            resume_job(actor=org.marketer, job=job)
        assert error.value.code == "job_not_failed"
        # An administrator sees the job but does not run it as its owner.
        Job.objects.filter(pk=job.pk).update(status="failed")
        with pytest.raises(DomainError) as error:
            resume_job(actor=org.admin, job=job)
        assert error.value.code == "forbidden"
        _, raw = create_token(actor=org.marketer, name="jobs", scope="write")
        with django_capture_on_commit_callbacks(execute=True):
            answer = client.post(
                f"/api/v1/jobs/{job.pk}/resume", HTTP_AUTHORIZATION=f"Bearer {raw}"
            )
        assert answer.status_code == 202, answer.content
        assert answer.json()["status"] == "queued" and answer.json()["can_resume"] is False
        job.refresh_from_db()
        assert job.status == "done"
        from tandem.core.models import DomainEvent

        assert DomainEvent.objects.filter(name="job.resumed").count() == 2
    finally:
        _RESUMABLE.discard("test.count")


def test_a_job_of_a_kind_that_cannot_resume_is_not_offered_it(client, org, counting_kind):
    job = Job.objects.create(owner=org.marketer, kind="test.count", title="x", status="failed")
    client.force_login(org.marketer)
    assert "Resume</button>" not in client.get(f"/jobs/{job.pk}/").content.decode()
    assert client.post(f"/jobs/{job.pk}/resume/").status_code == 409


def test_old_uploads_and_exports_are_deleted_but_not_what_a_job_still_needs(client, org):
    import os
    import time

    from tandem.core.tasks import delete_expired_files

    media = Path(settings.MEDIA_ROOT)
    for folder in ("imports", "exports"):
        (media / folder).mkdir(parents=True, exist_ok=True)
    old = time.time() - (settings.FILE_RETENTION_DAYS + 1) * 24 * 3600

    def file(relative, age=old):
        path = media / relative
        path.write_text("x")
        os.utime(path, (age, age))
        return path

    staged_old = file("imports/" + "a" * 32 + ".csv")
    staged_in_use = file("imports/" + "b" * 32 + ".csv")
    staged_new = file("imports/" + "c" * 32 + ".csv", age=time.time())
    export_old = file("exports/audit-log-1.csv")
    Job.objects.create(
        owner=org.marketer,
        kind="crm.import_contacts",
        title="queued a week ago",
        params={"token": staged_in_use.name},
    )
    done = Job.objects.create(
        owner=org.marketer,
        kind="core.audit_export",
        title="Export",
        status="done",
        result_file="exports/audit-log-1.csv",
    )
    assert delete_expired_files.call_local() == 2
    assert not staged_old.exists() and not export_old.exists()
    assert staged_in_use.exists() and staged_new.exists()
    client.force_login(org.marketer)
    page = client.get(f"/jobs/{done.pk}/").content.decode()
    assert "The file has expired" in page and f"/jobs/{done.pk}/download/" not in page
    gone = client.get(f"/jobs/{done.pk}/download/")
    assert gone.status_code == 410 and "The file has expired" in gone.content.decode()
