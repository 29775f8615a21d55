"""Set-based writes for imports, bulk APIs and the demo loader: rows go to the database as
plain tuples, not model instances.

Django's ``bulk_create`` prepares every value of every instance through its field and
django-simple-history builds a second instance per row for the history table; at tens of
thousands of rows a second that is most of the time (figures in bench/README.md). Here a
column's conversion is decided once, ids are reserved up front (so the history rows and
callers know them without reading back), and rows are written with PostgreSQL's COPY or
SQLite's ``executemany``. Callers still validate every value first: this layer only
writes.

Writes with their history rows are in ``core.history_writes``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

import psycopg
from django.db import DatabaseError, IntegrityError, connection, models, transaction

Row = tuple[Any, ...]
BATCH = 50_000
T = TypeVar("T")
CONFLICT_ATTEMPTS = 4


def sqlite_datetime(value: Any) -> Any:
    """What Django stores in SQLite for an aware datetime: naive UTC text."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat(" ")
    return value


def _converters(model: type[models.Model], columns: Sequence[str]) -> list[Callable[..., Any]]:
    """Per column, what turns a Python value into what the driver should receive."""
    fields = {f.column: f for f in model._meta.concrete_fields}
    if connection.vendor != "sqlite":
        return []  # psycopg adapts datetimes, decimals and None itself
    return [
        sqlite_datetime if isinstance(fields[c], models.DateTimeField) else None  # type: ignore[misc]
        for c in columns
    ]


def _adapted(converters: list[Any], rows: Sequence[Row]) -> Sequence[Row]:
    if not any(converters):
        return rows
    pairs = [(i, f) for i, f in enumerate(converters) if f]
    seen: dict[Any, Any] = {}  # most rows share a few values (the time of the write)
    out = []
    for row in rows:
        values = list(row)
        for i, convert in pairs:
            value = values[i]
            if value not in seen:
                seen[value] = convert(value)
            values[i] = seen[value]
        out.append(tuple(values))
    return out


def quoted(names: Iterable[str]) -> str:
    return ", ".join(connection.ops.quote_name(n) for n in names)


@contextmanager
def repeatable_writes() -> Iterator[None]:
    """Commits inside skip waiting for the disk (PostgreSQL's ``synchronous_commit``, set
    for the session until the block ends; SQLite already runs with synchronous=NORMAL).
    Only for work that is safe to run again, such as a file import that dedupes: a crash
    can lose its last fraction of a second, never leave it inconsistent. Not for anything
    a client is told is stored."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("RESET synchronous_commit")
        except DatabaseError:
            connection.close()  # never hand the setting on with a broken connection


def _unique_violation(exc: Exception) -> bool:
    # COPY and bound statements run on psycopg's cursor, so their errors come unwrapped.
    for error in (exc, exc.__cause__):
        if getattr(error, "sqlstate", None) == "23505":  # PostgreSQL's unique_violation
            return True
    return "UNIQUE constraint failed" in str(exc)  # SQLite


def retrying_conflicts(write: Callable[[], T], *, attempts: int = CONFLICT_ATTEMPTS) -> T:
    """Run ``write`` in a transaction (a savepoint inside the caller's) and, if another
    writer committed the same unique key (an e-mail, a domain) between our read and our
    insert, roll it back and run it again: it then reads that row and updates it instead.
    That is the find-then-write of an upsert made race-safe without giving up COPY. On
    PostgreSQL each statement of a READ COMMITTED transaction sees what others committed,
    so the retry works inside a caller's transaction too; on SQLite writers never overlap.
    ``write`` must leave no trace outside the database before it returns."""
    for attempt in range(1, attempts + 1):
        try:
            with transaction.atomic():
                return write()
        except (IntegrityError, psycopg.IntegrityError) as exc:
            if attempt == attempts or not _unique_violation(exc):
                raise
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Row]) -> int:
    """Write ``rows`` (tuples in the order of ``columns``) into the model's table; returns
    how many. COPY on PostgreSQL, batched executemany on SQLite; one transaction."""
    table = connection.ops.quote_name(model._meta.db_table)
    count = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Binary COPY: each value goes out by its column's type, with no text to
            # format on our side or parse on the server's.
            fields = {f.column: f for f in model._meta.concrete_fields}
            types = [str(fields[c].db_type(connection)).split("(")[0] for c in columns]
            statement = f"COPY {table} ({quoted(columns)}) FROM STDIN (FORMAT BINARY)"
            started = time.monotonic()
            with cursor.cursor.copy(statement) as copy:
                copy.set_types(types)
                for row in rows:
                    copy.write_row(row)
                    count += 1
            _logged(statement, started)
            return count
        sql = (
            f"INSERT INTO {table} ({quoted(columns)}) "  # noqa: S608 - our own model's names
            f"VALUES ({', '.join(['%s'] * len(columns))})"
        )
        converters = _converters(model, columns)
        batch: list[Row] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                cursor.executemany(sql, _adapted(converters, batch))
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, _adapted(converters, batch))
            count += len(batch)
    return count


def insert_new(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[Row], *, unique: str
) -> int:
    """Insert the rows whose ``unique`` column value is not stored yet; returns how many
    were inserted. ``ON CONFLICT DO NOTHING`` (both databases) makes a concurrent
    resend of the same keys harmless too."""
    if not rows:
        return 0
    table = connection.ops.quote_name(model._meta.db_table)
    conflict = f"ON CONFLICT ({connection.ops.quote_name(unique)}) DO NOTHING"
    if connection.vendor == "postgresql":
        # One array per column through unnest(): 14 parameters rather than 14,000, sent
        # bound (binary), not spliced into the statement text by the driver.
        return _bound_execute(
            f"INSERT INTO {table} ({quoted(columns)}) "  # noqa: S608 - our own names
            f"SELECT * FROM unnest({_typed_arrays(model, columns)}) {conflict}",
            [list(column) for column in zip(*rows, strict=True)],
        )
    with connection.cursor() as cursor:
        inserted = 0
        for values, params in values_lists(model, columns, rows):
            cursor.execute(
                f"INSERT INTO {table} ({quoted(columns)}) VALUES {values} {conflict}",  # noqa: S608
                params,
            )
            inserted += int(cursor.rowcount)
        return inserted


def upsert_row(
    model: type[models.Model],
    columns: Sequence[str],
    row: Row,
    *,
    unique: Sequence[str],
    update: Sequence[str],
) -> None:
    """Insert ``row``, or set its ``update`` columns on the row already holding its
    ``unique`` values: one ``INSERT ... ON CONFLICT DO UPDATE`` (both databases), where
    ``update_or_create`` reads, then writes, with a savepoint around each."""
    q = connection.ops.quote_name
    values, params = next(values_lists(model, columns, [row]))
    sets = ", ".join(f"{q(c)} = excluded.{q(c)}" for c in update)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {q(model._meta.db_table)} ({quoted(columns)}) VALUES {values} "  # noqa: S608
            f"ON CONFLICT ({quoted(unique)}) DO UPDATE SET {sets}",
            params,
        )


def values_lists(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[Row]
) -> Iterator[tuple[str, list[Any]]]:
    """``rows`` as multi-row ``VALUES`` lists with their parameters (adapted for the
    driver), each under SQLite's limit of parameters per statement."""
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    converters = _converters(model, columns)
    per_statement = 30_000 // len(columns)
    for start in range(0, len(rows), per_statement):
        part = rows[start : start + per_statement]
        yield (
            ", ".join([placeholders] * len(part)),
            [v for row in _adapted(converters, part) for v in row],
        )


def insert_selected(
    model: type[models.Model], columns: Sequence[str], select: Any, *, unique: Sequence[str]
) -> int:
    """``INSERT INTO model (columns) SELECT ...`` from a queryset's ``values_list`` (same
    order as ``columns``), skipping rows that collide on ``unique``; returns how many went
    in. The rows never leave the database, so a million of them take seconds."""
    sql, params = select.order_by().query.sql_with_params()
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            # "WHERE true": SQLite would read a bare "SELECT ... ON CONFLICT" as a join.
            f"INSERT INTO {table} ({quoted(columns)}) SELECT * FROM ({sql}) AS chosen "  # noqa: S608
            f"WHERE true ON CONFLICT ({quoted(unique)}) DO NOTHING",
            params,
        )
        return int(cursor.rowcount)


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` primary keys nobody else will use, in the caller's transaction."""
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [r[0] for r in cursor.fetchall()]
        # SQLite: the write lock is held for the whole transaction (BEGIN IMMEDIATE), so
        # nobody can take these ids between this read and our insert.
        if not connection.in_atomic_block:
            raise RuntimeError("reserve_ids needs a transaction on SQLite")
        cursor.execute(
            f"SELECT max(coalesce((SELECT max(id) FROM {connection.ops.quote_name(table)}), 0),"  # noqa: S608
            " coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
            [table],
        )
        start = int(cursor.fetchone()[0]) + 1
        return list(range(start, start + count))


def column_defaults(
    model: type[models.Model], given: Sequence[str], now: datetime
) -> dict[str, Any]:
    """Values for the concrete columns the caller did not give: auto times, defaults."""
    out: dict[str, Any] = {}
    for f in model._meta.concrete_fields:
        if f.column in given or f.column == "id":
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            out[f.column] = now
        elif f.has_default():
            out[f.column] = f.get_default()
        elif f.null:
            out[f.column] = None
        else:
            out[f.column] = "" if f.empty_strings_allowed else None
    return out


def update_rows(
    model: type[models.Model],
    columns: Sequence[str],
    changes: Sequence[Row],
    *,
    fixed: dict[str, Any] | None = None,
) -> int:
    """Set ``columns`` per row, each row being ``(primary key, *values)``, and ``fixed``
    columns to one value for all; no history (see ``update_with_history``). Django's
    ``bulk_update`` builds a CASE per column and row, which costs more than the write."""
    if not changes:
        return 0
    fixed = fixed or {}
    pk = model._meta.pk.column
    if connection.vendor == "postgresql":
        _update_from_arrays(model, columns, changes, fixed)
        return len(changes)
    # SQLite runs in this process: a prepared UPDATE per row is cheap
    names = [*columns, *fixed]
    q = connection.ops.quote_name
    assignments = ", ".join(f"{q(c)} = %s" for c in names)
    params = _adapted(_converters(model, names), [(*row[1:], *fixed.values()) for row in changes])
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {q(model._meta.db_table)} SET {assignments} WHERE {q(pk)} = %s",  # noqa: S608
            [(*p, row[0]) for p, row in zip(params, changes, strict=True)],
        )
    return len(changes)


def _update_from_arrays(
    model: type[models.Model], columns: Sequence[str], changes: Sequence[Row], fixed: dict[str, Any]
) -> None:
    """PostgreSQL: one ``UPDATE ... FROM unnest(arrays)`` instead of a round trip per
    row, the columns bound as typed arrays (as in ``insert_new``)."""
    q = connection.ops.quote_name
    table = q(model._meta.db_table)
    pk = q(model._meta.pk.column)
    assignments = ", ".join(
        [*(f"{q(c)} = v.{q(c)}" for c in columns), *(f"{q(c)} = %b" for c in fixed)]
    )
    _bound_execute(
        f"UPDATE {table} SET {assignments} "  # noqa: S608 - our own names
        f"FROM unnest({_typed_arrays(model, [model._meta.pk.column, *columns])}) "
        f"AS v ({pk}, {quoted(columns)}) WHERE {table}.{pk} = v.{pk}",
        [*fixed.values(), *(list(column) for column in zip(*changes, strict=True))],
    )


def _bound_execute(sql: str, params: list[Any]) -> int:
    """PostgreSQL: run ``sql`` with server-bound parameters (``bound_query``); returns
    the row count."""
    return bound_query(sql, params, fetch=False)[1]


def bound_query(
    sql: str, params: list[Any], *, fetch: bool = True
) -> tuple[list[tuple[Any, ...]], int]:
    """PostgreSQL: run ``sql`` on Django's own connection (so in its transaction) with the
    parameters bound on the server, in binary (Django's cursors splice them into the
    text); returns (its rows when ``fetch``, its row count). Logged like Django's own
    statements when logging is on (DEBUG, or a test's query count), without the
    parameters."""
    connection.ensure_connection()
    started = time.monotonic()
    with psycopg.Cursor(connection.connection) as bound:
        bound.execute(sql, params)
        rows = bound.fetchall() if fetch else []
        count = int(bound.rowcount)
    _logged(sql, started)
    return rows, count


def _logged(sql: str, started: float) -> None:
    """Record a statement Django's cursor did not run, as Django records its own."""
    if connection.queries_logged:
        connection.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})


def _typed_arrays(model: type[models.Model], columns: Sequence[str]) -> str:
    """``%b::type[], ...``: one binary-bound array parameter per column."""
    fields = {f.column: f for f in model._meta.concrete_fields}
    return ", ".join(f"%b::{fields[c].db_type(connection)}[]" for c in columns)
