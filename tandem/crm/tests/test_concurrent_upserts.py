"""Upserts racing each other on PostgreSQL, on real connections: bulk API requests and
file imports of the same new e-mails at the same moment store each contact once and
fail nothing (SQLite takes one writer at a time, so it cannot race)."""

import threading

import pytest
from django.db import connection

from tandem.core.jobs import execute_job
from tandem.core.models import Job
from tandem.crm import imports
from tandem.crm.models import Account, Contact

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "connection.vendor != 'postgresql'", reason="only PostgreSQL runs writers at once"
    ),
]


def _at_once(count, work):
    """``work(n)`` on ``count`` threads released together; their errors, in order."""
    gate = threading.Barrier(count)
    errors: list[BaseException | None] = [None] * count

    def run(n):
        try:
            gate.wait()
            work(n)
        except BaseException as exc:
            errors[n] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def test_three_bulk_upserts_of_the_same_new_emails_at_once(org):
    for round_ in range(3):  # a race may be lost by luck once; not three times
        rows = [
            {
                "email": f"p{n}-{round_}@race{n % 5}.example",
                "first_name": "P",
                "account_domain": f"race{n % 5}-{round_}.example",
            }
            for n in range(300)
        ]
        results = [None] * 3

        def upsert(n, rows=rows, results=results):
            results[n] = imports.bulk_upsert_contacts(actor=org.marketer, rows=rows)

        errors = _at_once(3, upsert)
        assert errors == [None, None, None]
        assert Contact.objects.filter(email__endswith=f"-{round_}@race0.example").count() == 60
        assert sum(r["created"] for r in results) == 300
        assert not any(r["rejected"] for r in results)
    assert Contact.objects.count() == 900
    assert Account.objects.count() == 15


def test_two_imports_of_one_file_at_once_both_finish(org):
    lines = ["email,first_name,account_domain"]
    lines += [f"p{n}@example.test,P{n},co{n % 9}.example" for n in range(3000)]
    data = ("\n".join(lines) + "\n").encode()
    jobs = []
    for _ in range(2):
        staged = imports.stage_file(
            actor=org.marketer, name="same.csv", chunks=iter([data]), size=len(data)
        )
        jobs.append(
            Job.objects.create(
                owner=org.marketer,
                kind="crm.import_contacts",
                title="same",
                params={"token": staged.token, "mapping": staged.suggested},
            )
        )
    assert _at_once(2, lambda n: execute_job(jobs[n].pk)) == [None, None]
    for job in jobs:
        job.refresh_from_db()
        assert job.status == "done", job.message
    assert Contact.objects.count() == 3000
    assert Account.objects.count() == 9
