"""The small demo organisation for the browser tests that walk through it, seeded once and
put back from a copy for each later test.

Seeding takes about two seconds and some thirty browser tests use it, on each database CI
runs. The copy is taken right after the first seed and is the whole database: SQLite's
backup API copies every page into memory and back; on PostgreSQL every table is copied
out and in again (``COPY``, binary) with its foreign-key triggers off, and the id
sequences are set past the ids copied in. The seed's times are relative to its clock
(an SLA due in two hours, this week's referrals), so the copy is seeded afresh when it
is older than ``FRESH`` or the day has changed. Files the seed stores (collateral and
its previews) stay under the session's var/ between tests.
"""

import time
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection
from django.utils import timezone
from psycopg import sql

FRESH = 15 * 60  # seconds a copy is used for


@dataclass
class Copy:
    report: Any  # what organisation.seed returned
    day: Any
    taken: float
    pages: Any  # SQLite: an in-memory database; PostgreSQL: {table: COPY data}


_copies: dict[str, Copy] = {}
COPY_OUT = sql.SQL("COPY {} TO STDOUT (FORMAT binary)")
COPY_IN = sql.SQL("COPY {} FROM STDIN (FORMAT binary)")


@pytest.fixture
def demo(transactional_db: Any) -> Any:
    """The small demo organisation, as ``organisation.seed("small")`` leaves it."""
    from tandem.demo import organisation

    copy = _copies.get(connection.vendor)
    if copy and copy.day == timezone.localdate() and time.monotonic() - copy.taken < FRESH:
        _restore(copy.pages)
        report = copy.report
    else:
        report = organisation.seed("small")
        _copies[connection.vendor] = Copy(report, timezone.localdate(), time.monotonic(), _take())
    # Ids seen before the database was replaced mean nothing now.
    ContentType.objects.clear_cache()
    cache.clear()
    return report


def _tables() -> list[str]:
    """The models' tables (what Django's flush empties; not its record of migrations)."""
    return sorted(connection.introspection.django_table_names(only_existing=True))


def _take() -> Any:
    connection.ensure_connection()
    raw = connection.connection
    if connection.vendor == "sqlite":
        import sqlite3

        pages = sqlite3.connect(":memory:", check_same_thread=False)
        raw.backup(pages)
        return pages
    data = {}  # the tables with rows
    with raw.cursor() as cursor:
        for table in _tables():
            with cursor.copy(COPY_OUT.format(sql.Identifier(table))) as copy:
                rows = b"".join(bytes(block) for block in copy)
            if cursor.rowcount:
                data[table] = rows
    return data


def _restore(pages: Any) -> None:
    connection.ensure_connection()
    raw = connection.connection
    if connection.vendor == "sqlite":
        pages.backup(raw)
        return
    # The flush after the last test emptied every table, and migrating's signal put back
    # content types and permissions under new ids: flushed again without it (the suite's
    # own flush, tandem.config.test_postgresql), the copy's own take their place.
    call_command(
        "flush", verbosity=0, interactive=False, reset_sequences=False, inhibit_post_migrate=True
    )
    with raw.transaction(), raw.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")  # no FK triggers
        for table, data in pages.items():
            with cursor.copy(COPY_IN.format(sql.Identifier(table))) as copy:
                copy.write(data)
        models = [
            model
            for model in apps.get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy and model._meta.db_table in pages
        ]
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
