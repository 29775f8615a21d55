"""Set-based writes with their history: the rows django-simple-history would write
(type "+" for created, "~" for changed, with the acting user and source), written
beside the records by ``core.bulk``'s plain writes, so the audit log and the
field-history pages read them unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from operator import itemgetter
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from tandem.core.bulk import (
    Row,
    column_defaults,
    insert_rows,
    quoted,
    reserve_ids,
    sqlite_datetime,
    update_rows,
    values_lists,
)


def _history_columns(model: type[models.Model]) -> list[str]:
    history = model.history.model  # type: ignore[attr-defined]
    return [f.column for f in model._meta.concrete_fields if hasattr(history, f.attname)]


def create_with_history(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Row],
    *,
    actor: Any,
    source: str,
) -> list[int]:
    """Create one record per row, with its "+" history row; returns the new ids in row
    order. Columns not given take the field's default (auto times take now)."""
    if not rows:
        return []
    now = timezone.now()
    with transaction.atomic():
        ids = reserve_ids(model, len(rows))
        rest = column_defaults(model, columns, now)
        names = ["id", *columns, *rest]
        tail = tuple(rest.values())
        insert_rows(model, names, [(i, *row, *tail) for i, row in zip(ids, rows, strict=True)])
        # The history rows are copied from the rows just written, inside the database:
        # sending them again cost as much Python as the records themselves.
        made = model._base_manager.all()
        if connection.vendor == "sqlite":  # reserve_ids' ids are one run under the lock
            made = made.filter(pk__gte=ids[0], pk__lte=ids[-1])
        else:
            made = made.filter(pk__any_of=ids)
        write_creation_history(model, made, actor=actor, source=source, when=now)
    return ids


def write_history(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Row],
    *,
    kind: str,
    actor: Any,
    source: str,
    when: datetime,
) -> None:
    """History rows for full rows of ``model`` (``columns`` must include every tracked
    column, as ``create_with_history`` and ``update_with_history`` give)."""
    tracked = _history_columns(model)
    pick = itemgetter(*[columns.index(c) for c in tracked])  # a tuple: tracked has many
    user_id = getattr(actor, "pk", None)
    extra = (when, kind, user_id, source, None)
    insert_rows(
        model.history.model,  # type: ignore[attr-defined]
        [
            *tracked,
            "history_date",
            "history_type",
            "history_user_id",
            "history_source",
            "history_change_reason",
        ],
        [pick(row) + extra for row in rows],
    )


def update_with_history(
    model: type[models.Model],
    columns: Sequence[str],
    changes: Sequence[Row],
    *,
    actor: Any,
    source: str,
) -> int:
    """Set ``columns`` per row (each row is ``(id, *values)``) and write "~" history rows
    of the records as they now are; returns how many changed."""
    if not changes:
        return 0
    now = timezone.now()
    auto = [f.column for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]
    with transaction.atomic():
        update_rows(model, columns, changes, fixed={c: now for c in auto})
        changed = model._base_manager.filter(pk__any_of=[row[0] for row in changes])
        copy_history(model, changed, kind="~", actor=actor, source=source, when=now)
    return len(changes)


def create_new_with_history(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Row],
    *,
    actor: Any,
    source: str,
) -> dict[Any, int]:
    """Create the rows that collide with no unique constraint, each with its "+" history
    row, and return {first column's value: new id} for those created. A row a concurrent
    writer stored first is skipped, and its history is that writer's to write: the
    ``RETURNING`` of ``ON CONFLICT DO NOTHING`` names exactly the rows this insert made
    (both databases; SQLite since 3.35)."""
    if not rows:
        return {}
    now = timezone.now()
    rest = column_defaults(model, columns, now)
    names = [*columns, *rest]
    tail = tuple(rest.values())
    full = {row[0]: (*row, *tail) for row in rows}
    q = connection.ops.quote_name
    returning = f"RETURNING {q(names[0])}, {q(model._meta.pk.column)}"
    created: dict[Any, int] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        for values, params in values_lists(model, names, list(full.values())):
            cursor.execute(
                f"INSERT INTO {q(model._meta.db_table)} ({quoted(names)}) "  # noqa: S608
                f"VALUES {values} ON CONFLICT DO NOTHING {returning}",
                params,
            )
            created.update(cursor.fetchall())
        write_history(
            model,
            ["id", *names],
            [(new_id, *full[key]) for key, new_id in created.items()],
            kind="+",
            actor=actor,
            source=source,
            when=now,
        )
    return created


def write_creation_history(
    model: type[models.Model],
    created: Any,
    *,
    actor: Any,
    source: str,
    when: datetime | None = None,
) -> int:
    """ "+" history rows for records already inserted without them (``created`` is a
    queryset of them): a seed's million contacts get their creation history without a
    row passing through Python. Returns how many."""
    return copy_history(model, created, kind="+", actor=actor, source=source, when=when)


def copy_history(
    model: type[models.Model],
    records: Any,
    *,
    kind: str,
    actor: Any,
    source: str,
    when: datetime | None = None,
) -> int:
    """History rows of type ``kind`` of the records of a queryset as they now are,
    copied inside the database by ``INSERT ... SELECT``. Returns how many."""
    tracked = _history_columns(model)
    sql, params = records.order_by().values_list(*tracked).query.sql_with_params()
    history = model.history.model  # type: ignore[attr-defined]
    stamp: Any = when or timezone.now()
    if connection.vendor == "sqlite":
        stamp = sqlite_datetime(stamp)
    names = [*tracked, "history_date", "history_type", "history_user_id", "history_source"]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(history._meta.db_table)} "  # noqa: S608
            f"({quoted(names)}) SELECT chosen.*, %s, %s, %s, %s FROM ({sql}) AS chosen",
            [stamp, kind, getattr(actor, "pk", None), source, *params],
        )
        return int(cursor.rowcount)
