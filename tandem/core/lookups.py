"""``field__any_of=[...]``: ``IN`` for a long list of values, cheaply on PostgreSQL.

Django writes ``IN (%s, %s, ...)`` with one placeholder per value; psycopg's client-side
binding then splices each value into the statement text by regex, which for the
5,000-value lookups of an import chunk cost more than the lookup itself. On PostgreSQL
this sends ``= ANY(%s)`` with the values as one array; on SQLite, text and whole
numbers go as one JSON array read by ``json_each`` (Django would prepare and bind each
value separately: figures in bench/README.md); anything else is the ordinary
``IN``. Registered for every field in ``CoreConfig.ready``. ``rows_with`` reads the rows
matching thousands of values (an import chunk's e-mails) as a join instead.
"""

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Field, Model
from django.db.models.lookups import In

from tandem.core.bulk import bound_query


@Field.register_lookup
class AnyOf(In):  # type: ignore[type-arg]
    lookup_name = "any_of"

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, Any]:
        if not self.rhs_is_direct_value():
            return super().as_sql(compiler, connection)  # a subquery: plain IN
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = list(dict.fromkeys(v for v in self.rhs if v is not None))
        if not values:
            raise EmptyResultSet
        db_type = self.lhs.output_field.cast_db_type(connection)
        return f"{lhs} = ANY(%s::{db_type}[])", [*lhs_params, values]

    def as_sqlite(self, compiler: Any, connection: Any) -> tuple[str, Any]:
        if not self.rhs_is_direct_value():
            return super().as_sql(compiler, connection)
        values = list(dict.fromkeys(v for v in self.rhs if v is not None))
        if not values:
            raise EmptyResultSet
        if not all(type(v) in (str, int) for v in values):
            return super().as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        # lhs is the compiled column; the values travel as one bound parameter.
        sql = f"{lhs} IN (SELECT value FROM json_each(%s))"  # noqa: S608
        return sql, [*lhs_params, json.dumps(values)]


def rows_with(
    model: type[Model], column: str, values: Iterable[Any], columns: Sequence[str]
) -> list[tuple[Any, ...]]:
    """``columns`` of the rows whose ``column`` is one of ``values`` (blanks left out on
    both sides, so a partial unique index "where <> ''" serves it), as tuples, unordered.

    On PostgreSQL the values are one bound array joined as a table (``unnest``), not an
    ``= ANY`` of constants: given thousands of constants the planner estimates that many
    matches and, on the large demo's million contacts, read the whole table in parallel
    (60-70 ms of server time per 5,000 e-mails of an import chunk) rather than probe the
    index 5,000 times (8-10 ms). On SQLite it is ``any_of``'s ``json_each``."""
    wanted = list(dict.fromkeys(v for v in values if v))
    if not wanted:
        return []
    q = connection.ops.quote_name
    fields = {f.name: f for f in model._meta.concrete_fields}
    fields.update({f.attname: f for f in model._meta.concrete_fields})  # "account_id"
    table, field = q(model._meta.db_table), fields[column]
    picked = ", ".join(f"t.{q(fields[c].column)}" for c in columns)
    match = f"t.{q(field.column)}"
    if connection.vendor == "sqlite" and all(type(v) in (str, int) for v in wanted):
        # As ``any_of`` reads them, without Django preparing each value on the way.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {picked} FROM {table} AS t WHERE {match} IN "  # noqa: S608
                f"(SELECT value FROM json_each(%s)) AND NOT {match} = ''",
                [json.dumps(wanted)],
            )
            return cursor.fetchall()
    if connection.vendor != "postgresql":
        return list(
            model._base_manager.filter(**{f"{column}__any_of": wanted})
            .exclude(**{column: ""})
            .order_by()
            .values_list(*columns)
        )
    # LATERAL: each value probes the index. A plain join of 5,000 domains to the
    # 100,000 accounts was planned as a hash join over the whole table, chunk after chunk
    # (1.0 s of an import's server time against 0.3 s probing).
    sql = (
        f"SELECT t.* FROM unnest(%b::{field.db_type(connection)}[]) AS wanted (v) "  # noqa: S608
        f"CROSS JOIN LATERAL (SELECT {picked} FROM {table} AS t "
        f"WHERE {match} = wanted.v AND NOT {match} = '') AS t"
    )
    return bound_query(sql, [wanted])[0]
