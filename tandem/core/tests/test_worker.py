"""A real worker process takes a queued job and finishes it, on SQLite and on Redis.

The test enqueues through its own Huey instance (same task name as production), starts
`tandem run_huey` as a separate process with production settings pointed at the test
database and queue, and waits for the job's status to become done.
"""

import os
import secrets
import time
from pathlib import Path

import pytest
from django.conf import settings
from huey import RedisHuey, SqliteHuey

from tandem.conftest import CI, start_worker
from tandem.core.models import Job
from tandem.core.services import start_job
from tandem.core.tasks import run_job

REDIS_URL = os.environ.get("TANDEM_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_available() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("backend", ["sqlite", "redis"])
def test_a_real_worker_runs_a_queued_job(backend, tmp_path, live_org):
    queue_name = f"tandem-test-{secrets.token_hex(4)}"
    if backend == "redis":
        if not _redis_available():
            if CI:
                pytest.fail(f"Redis is not reachable at {REDIS_URL}")
            pytest.skip(f"Redis is not reachable at {REDIS_URL}")
        producer = RedisHuey(queue_name, url=REDIS_URL)
        queue = {"redis_url": REDIS_URL}
    else:
        queue_file = tmp_path / "queue.sqlite3"
        producer = SqliteHuey(queue_name, filename=str(queue_file))
        queue = {"queue_file": queue_file}

    # The job record is committed first (as start_job does), then the task is queued.
    job = Job.objects.create(owner=live_org.admin, kind="core.audit_export", title="Export")
    # The production task registered on our queue: same module and name, same message.
    producer.task(name="core.run_job")(run_job.func)(job.pk)
    assert len(producer) == 1

    worker = start_worker(queue_name, **queue)
    try:
        deadline = time.monotonic() + 45
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.finished or worker.poll() is not None:
                break
            time.sleep(0.2)
    finally:
        worker.terminate()
        output = worker.communicate(timeout=20)[0].decode(errors="replace")
    assert job.status == Job.Status.DONE, output[-3000:]
    assert job.started_at is not None and job.finished_at is not None
    assert (Path(settings.MEDIA_ROOT) / job.result_file).is_file()
    assert len(producer) == 0  # the worker took the message off the queue
    if backend == "redis":
        producer.storage.flush_all()


@pytest.mark.django_db(transaction=True)
def test_start_job_enqueues_only_after_commit(live_org):
    """In immediate mode the task runs at commit: a rolled-back job never runs."""
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        start_job(owner=live_org.admin, kind="core.audit_export", title="Export")
        raise RuntimeError("roll back")
    assert not Job.objects.exists()
    job = start_job(owner=live_org.admin, kind="core.audit_export", title="Export")
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
