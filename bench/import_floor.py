"""The contact import's floor, and putting the database back after each run, for
``import_contacts.py``.

The floor is the least work that gets the import's new contacts into the contact table:
the rows the import itself stored (read back after it ran: the same names, e-mails,
phones, their E.164 spelling, job titles, accounts, owner, team, import key and times),
written by one bare ``COPY ... FROM STDIN (FORMAT BINARY)`` (PostgreSQL) or one
``executemany`` of a prepared ``INSERT`` (SQLite) on the driver's own connection, in one
transaction, committed, into the same table with every index it has. No dedupe, no
validation, no permission check, no history row, no account. Both it and the import run
with the commit settings the import uses (``synchronous_commit`` off on PostgreSQL).

A second floor, ``Everything``, writes everything the import stored, the same way:
its new accounts and their history rows, the new contacts, every contact history row,
and the known contacts' filled-in values (one UPDATE per row on SQLite, one ``UPDATE
... FROM unnest`` on PostgreSQL), in one transaction. It is not the bar (the issue names
the contacts alone); it says how close the import comes to the writer's limit for what
it has to write.

Between runs what a run added is deleted (not rolled back: a commit is part of the work
the import does, so the floor pays it too), the contacts the import filled in get their
old values back, and PostgreSQL's tables are vacuumed, so each run meets the same
database. Each timed import starts with none of the accounts an import makes; the floor
runs with the last import's accounts still there, since its rows point at them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

IMPORTED = "%@import.example"  # the generated file's new e-mails (import_contacts.py)
TABLES = {  # table -> its primary key
    "crm_contact": "id",
    "crm_historicalcontact": "history_id",
    "crm_account": "id",
    "crm_historicalaccount": "history_id",
}


@dataclass(frozen=True)
class Mark:
    """The highest primary key of each table the import writes, before any run."""

    highest: dict[str, int]


def mark() -> Mark:
    from django.db import connection

    highest = {}
    with connection.cursor() as cursor:
        for table, pk in TABLES.items():
            cursor.execute(f"SELECT coalesce(max({pk}), 0) FROM {table}")  # noqa: S608
            highest[table] = int(cursor.fetchone()[0])
    return Mark(highest)


def contact_columns() -> list[str]:
    from tandem.crm.models import Contact

    return [f.column for f in Contact._meta.concrete_fields if f.column != "id"]


def fillable_state(emails: list[str]) -> list[tuple[Any, ...]]:
    """What an import may change on these known contacts, to put back after each run."""
    from tandem.crm.models import Contact

    return list(
        Contact.objects.with_emails(emails).values_list(
            "id",
            "first_name",
            "last_name",
            "phone",
            "phone_e164",
            "job_title",
            "account_id",
            "updated_at",
        )
    )


def imported_rows(at: Mark) -> list[tuple[Any, ...]]:
    """The contacts the last import created, every column but the id, in id order."""
    from django.db import connection

    columns = ", ".join(contact_columns())
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM crm_contact WHERE id > %s AND email LIKE %s ORDER BY id",  # noqa: S608
            [at.highest["crm_contact"], IMPORTED],
        )
        return cursor.fetchall()


def remove_contacts(at: Mark, state: list[tuple[Any, ...]]) -> None:
    """Delete the contacts a run added and the history rows an import wrote, and give the
    contacts it filled in their old values back. Accounts stay (see ``remove_accounts``)."""
    from django.db import connection, transaction

    from tandem.core.bulk import update_rows
    from tandem.crm.models import Contact

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM crm_historicalcontact WHERE history_id > %s AND history_source = %s",
            [at.highest["crm_historicalcontact"], "import"],
        )
        cursor.execute(
            "DELETE FROM crm_contact WHERE id > %s AND email LIKE %s",
            [at.highest["crm_contact"], IMPORTED],
        )
        update_rows(
            Contact,
            ["first_name", "last_name", "phone", "phone_e164", "job_title", "account_id"],
            [row[:7] for row in state],
        )
        restore = [(row[0], row[7]) for row in state]
        _set_updated_at(restore)
    _settle("crm_contact", "crm_historicalcontact")


def _set_updated_at(rows: list[tuple[int, datetime]]) -> None:
    from django.db import connection

    from tandem.core.bulk import sqlite_datetime

    if connection.vendor == "sqlite":
        texts = [(sqlite_datetime(when), pk) for pk, when in rows]
        with connection.cursor() as cursor:
            cursor.executemany("UPDATE crm_contact SET updated_at = %s WHERE id = %s", texts)
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE crm_contact SET updated_at = %s WHERE id = %s", [(w, pk) for pk, w in rows]
        )


def remove_accounts(at: Mark) -> None:
    """Delete the accounts (and their history) imports made since ``at``."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM crm_historicalaccount WHERE history_id > %s AND history_source = %s",
            [at.highest["crm_historicalaccount"], "import"],
        )
        cursor.execute(
            "DELETE FROM crm_account WHERE id > %s AND NOT EXISTS "
            "(SELECT 1 FROM crm_contact c WHERE c.account_id = crm_account.id)",
            [at.highest["crm_account"]],
        )
    _settle("crm_account", "crm_historicalaccount")


def _settle(*tables: str) -> None:
    """PostgreSQL: vacuum what was deleted, so the next run reuses the space and reads
    no dead index entries, and checkpoint; SQLite: fold the WAL back into the database
    file."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"VACUUM ANALYZE {table}")
            # Every run starts just after a checkpoint, so each pays for the first change
            # of a page after one (a whole page into the WAL) alike; otherwise whichever
            # run a checkpoint fell in paid more (floor times varied 3.9-5.7 s).
            cursor.execute("CHECKPOINT")
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def prepared(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The rows as the driver takes them (SQLite: times as Django stores them, text)."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return rows
    from tandem.core.bulk import sqlite_datetime  # as Django stores times

    return [tuple(sqlite_datetime(v) for v in row) for row in rows]


def floor(rows: list[tuple[Any, ...]]) -> None:
    """Write ``rows`` (from ``prepared``) into the contact table in one transaction, the
    least work there is: COPY on PostgreSQL, executemany on SQLite, then commit."""
    from django.db import connection

    columns = contact_columns()
    names = ", ".join(columns)
    connection.ensure_connection()
    raw = connection.connection
    if connection.vendor == "postgresql":
        with raw.transaction(), raw.cursor() as cursor:
            types = _pg_types(cursor, "crm_contact", columns)
            cursor.execute("SET LOCAL synchronous_commit TO OFF")  # as the import runs
            with cursor.copy(f"COPY crm_contact ({names}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(types)
                for row in rows:
                    copy.write_row(row)
        return
    marks = ", ".join("?" * len(columns))
    cursor = raw.cursor()
    cursor.execute("BEGIN IMMEDIATE")
    cursor.executemany(f"INSERT INTO crm_contact ({names}) VALUES ({marks})", rows)  # noqa: S608
    cursor.execute("COMMIT")


@dataclass(frozen=True)
class Everything:
    """What an import stored, as rows (every column, ids included) per table, and the
    known contacts' values after it (id first)."""

    tables: dict[str, tuple[list[str], list[tuple[Any, ...]]]]
    filled: list[tuple[Any, ...]]


FILLED = ["first_name", "last_name", "phone", "phone_e164", "job_title", "account_id", "updated_at"]


def everything(at: Mark, state: list[tuple[Any, ...]]) -> Everything:
    """Read back what the last import stored (before ``remove_contacts``)."""
    from django.db import connection

    from tandem.crm.models import Contact

    tables = {}
    with connection.cursor() as cursor:
        for table, where in (
            ("crm_account", "id > %s"),
            ("crm_historicalaccount", "history_id > %s AND history_source = 'import'"),
            ("crm_historicalcontact", "history_id > %s AND history_source = 'import'"),
        ):
            cursor.execute(f"SELECT * FROM {table} WHERE {where} ORDER BY 1", [at.highest[table]])  # noqa: S608
            tables[table] = ([c[0] for c in cursor.description], cursor.fetchall())
    columns = contact_columns()
    tables["crm_contact"] = (columns, imported_rows(at))
    filled = list(
        Contact.objects.filter(pk__any_of=[row[0] for row in state])
        .order_by("pk")
        .values_list("pk", *FILLED)
    )
    return Everything(tables, filled)


def floor_everything(stored: Everything) -> None:
    """Write all of ``stored`` in one transaction, the least work there is (as
    ``floor``: COPY or executemany on the driver's own connection; the updates as one
    statement or one prepared UPDATE per row), accounts first, as contacts name them."""
    from django.db import connection

    from tandem.core.bulk import sqlite_datetime

    connection.ensure_connection()
    raw = connection.connection
    order = ["crm_account", "crm_historicalaccount", "crm_contact", "crm_historicalcontact"]
    sqlite = connection.vendor == "sqlite"
    sets = ", ".join(f"{c} = ?" for c in FILLED)
    if sqlite:
        cursor = raw.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        for table in order:
            columns, rows = stored.tables[table]
            marks = ", ".join("?" * len(columns))
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608
                [tuple(sqlite_datetime(v) for v in row) for row in rows],
            )
        cursor.executemany(
            f"UPDATE crm_contact SET {sets} WHERE id = ?",  # noqa: S608
            [(*(sqlite_datetime(v) for v in row[1:]), row[0]) for row in stored.filled],
        )
        cursor.execute("COMMIT")
        return
    with raw.transaction(), raw.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
        for table in order:
            columns, rows = stored.tables[table]
            types = _pg_types(cursor, table, columns)
            names = ", ".join(columns)
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(types)
                for row in rows:
                    copy.write_row(row)
        types = _pg_types(cursor, "crm_contact", ["id", *FILLED])
        arrays = ", ".join(f"%s::{t}[]" for t in types)
        assignments = ", ".join(f"{c} = v.{c}" for c in FILLED)
        cursor.execute(
            f"UPDATE crm_contact SET {assignments} FROM unnest({arrays}) "  # noqa: S608
            f"AS v (id, {', '.join(FILLED)}) WHERE crm_contact.id = v.id",
            [list(column) for column in zip(*stored.filled, strict=True)],
        )


def _pg_types(cursor: Any, table: str, columns: list[str]) -> list[str]:
    cursor.execute(
        "SELECT a.attname, t.typname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
        "WHERE a.attrelid = %s::regclass AND a.attnum > 0",
        [table],
    )
    types = dict(cursor.fetchall())
    return [types[c] for c in columns]
