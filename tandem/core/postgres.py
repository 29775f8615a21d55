"""Reading back PostgreSQL times Python cannot hold, so a stored value never fails a page.

PostgreSQL keeps timestamps from 4713 BC to 294276 AD and ``infinity``; Python's
datetime holds years 1 to 9999, so psycopg refuses the rest with a DataError and the
page or API list holding such a row answered 500. ``0001-01-01T00:00:00+14:00`` was
stored that way (it is 10:00 on 31 December 1 BC in UTC). New values are kept within
1900-2200 by ``tandem.core.dates``; a row stored before that rule, or written around
it, is read as the nearest time Python holds instead.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

EARLIEST_TIME = datetime.min.replace(tzinfo=UTC)
LATEST_TIME = datetime.max.replace(tzinfo=UTC)


def _before_year_one(data: Any) -> bool:
    text = bytes(data)
    return text.endswith(b" BC") or text.startswith(b"-")  # "... BC" or "-infinity"


def read_out_of_range_times(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """On each new PostgreSQL connection (``connection_created``), load timestamps and
    dates outside Python's range as its first or last instant rather than failing."""
    if connection.vendor != "postgresql":
        return
    import psycopg
    from django.db.backends.postgresql.psycopg_any import (  # type: ignore[import-untyped]
        BaseTzLoader,
    )
    from psycopg.types.datetime import DateLoader

    class StoredTimeLoader(BaseTzLoader):
        timezone = connection.timezone  # what Django's own loader uses (it checks this)

        def load(self, data: Any) -> datetime:
            try:
                return super().load(data)
            except psycopg.DataError:
                return EARLIEST_TIME if _before_year_one(data) else LATEST_TIME

    class StoredDateLoader(DateLoader):
        def load(self, data: Any) -> date:
            try:
                return super().load(data)
            except psycopg.DataError:
                return date.min if _before_year_one(data) else date.max

    adapters = connection.connection.adapters
    adapters.register_loader("timestamptz", StoredTimeLoader)
    adapters.register_loader("date", StoredDateLoader)
