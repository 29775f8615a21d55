"""``field__any_of=[...]``: ``IN`` for a long list of values, cheaply on PostgreSQL.

Django writes ``IN (%s, %s, ...)`` with one placeholder per value; psycopg's client-side
binding then splices each value into the statement text by regex, which for the
5,000-value lookups of an import chunk cost more than the lookup itself. On PostgreSQL
this sends ``= ANY(%s)`` with the values as one array; on SQLite, text and whole
numbers go as one JSON array read by ``json_each`` (Django would prepare and bind each
value separately: figures in bench/README.md); anything else is the ordinary
``IN``. Registered for every field in ``CoreConfig.ready``.
"""

import json
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import Field
from django.db.models.lookups import In


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
