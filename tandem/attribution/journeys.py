"""Journeys from the database, as touch columns for the engine.

A conversion is an opportunity: created in the period (pipeline) or won in it
(revenue). Its journey is every touch of its account's contacts in the lookback window
before the conversion, worth the opportunity's amount. Accounts with touches in the
period and no conversion in it are the journeys that did not convert (the Markov model
needs them). The database reads the window's touches from one covering index and
hands them over as CSV text, which polars parses into columns (no Python object per
row); the joins to conversions and each conversion's own window are whole-column work
in polars.
"""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl
from django.db import connection

from tandem.campaigns.models import Campaign, Touchpoint
from tandem.core.money import to_penny
from tandem.crm.models import Account, Contact, Opportunity

PIPELINE, REVENUE = "pipeline", "revenue"
BY_CHANNEL, BY_CAMPAIGN = "channel", "campaign"
NO_CAMPAIGN = "-"  # the label of touches without a campaign, when attributing by campaign


@dataclass(frozen=True)
class Scope:
    """What a report covers; its fields are the report's cache key."""

    conversion: str = PIPELINE
    start: date = date(2000, 1, 1)
    end: date = date(2000, 1, 1)  # inclusive
    lookback_days: int = 90
    currency: str = "GBP"
    region: str = ""
    segment: str = ""
    campaign_type: str = ""
    by: str = BY_CHANNEL
    time_zone: str = "UTC"  # whose days the period's dates are

    def as_dict(self) -> dict[str, Any]:
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Scope:
        fields = dict(data)
        for key in ("start", "end"):
            fields[key] = date.fromisoformat(fields[key])
        return cls(**fields)

    @property
    def window(self) -> tuple[datetime, datetime]:
        """The period as instants: [start 00:00, the day after end 00:00), local time."""
        zone = ZoneInfo(self.time_zone)
        begin = datetime.combine(self.start, time.min, tzinfo=zone)
        end = datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=zone)
        return begin.astimezone(UTC), end.astimezone(UTC)


@dataclass
class Journeys:
    frame: pl.DataFrame  # journey_id, ts, channel, converted, value: the engine's columns
    conversions: int  # every conversion in scope, touched or not
    value: Decimal
    untouched: int  # conversions with no touch in their window: nobody gets credit
    untouched_value: Decimal
    other_currency: int  # conversions in another currency, left out


def _tables() -> dict[str, str]:
    return {
        "opp": Opportunity._meta.db_table,
        "contact": Contact._meta.db_table,
        "account": Account._meta.db_table,
        "touch": Touchpoint._meta.db_table,
        "campaign": Campaign._meta.db_table,
    }


def _account_filter(scope: Scope) -> tuple[str, list[Any]]:
    """The join and conditions for the account filters (a = account, c = contact)."""
    if not (scope.region or scope.segment):
        return "", []
    sql, params = " JOIN {account} a ON a.id = c.account_id", []
    for field in ("region", "segment"):
        if getattr(scope, field):
            sql += f" AND a.{field} = %s"
            params.append(getattr(scope, field))
    return sql, params


def _epoch(column: str) -> str:
    """A time as the database can hand it over quickly: seconds since the epoch as a
    double (PostgreSQL; ``extract`` gives numeric, a third slower to write), or the
    text SQLite keeps (UTC, parsed by polars)."""
    return f"date_part('epoch', {column})" if connection.vendor == "postgresql" else column


def _conversions_sql(scope: Scope) -> tuple[str, list[Any]]:
    event = "o.created_at" if scope.conversion == PIPELINE else "o.closed_at"
    won = "" if scope.conversion == PIPELINE else " AND o.stage = 'won'"
    begin, end = scope.window
    account_where, account_params = "", []
    if scope.region or scope.segment:
        account_where = " AND EXISTS (SELECT 1 FROM {account} a WHERE a.id = o.account_id"
        for field in ("region", "segment"):
            if getattr(scope, field):
                account_where += f" AND a.{field} = %s"
                account_params.append(getattr(scope, field))
        account_where += ")"
    sql = (
        f"SELECT o.id AS opp, o.account_id AS account, {_epoch(event)} AS at, "  # noqa: S608 - fixed fragments; values are parameters
        f"o.amount AS amount, o.currency AS currency FROM {{opp}} o "
        f"WHERE {event} >= %s AND {event} < %s{won}{account_where}"
    )
    return sql, [begin, end, *account_params]


def _read(sql: str, params: list[Any], schema: dict[str, Any]) -> pl.DataFrame:
    """A query's rows as polars columns, with no Python object per row: the database
    writes them as CSV text (PostgreSQL ``COPY ... TO STDOUT``, SQLite one
    ``group_concat``) and polars parses it, on every core. Columns are named in the
    query as in ``schema``; none may hold a comma, a quote or a line break (ids, times,
    amounts and codes)."""
    sql = sql.format(**_tables())
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy,
        ):
            data = b"".join(bytes(block) for block in copy)
    else:
        adapt = connection.ops.adapt_datetimefield_value  # stored as UTC text
        params = [adapt(p) if isinstance(p, datetime) else p for p in params]
        row = " || ',' || ".join(f"ifnull(q.{name}, '')" for name in schema)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT group_concat({row}, char(10)) FROM ({sql}) q", params)  # noqa: S608 - as above
            data = (cursor.fetchone()[0] or "").encode()
    if not data:
        return pl.DataFrame(schema=schema)
    return pl.read_csv(io.BytesIO(data), has_header=False, new_columns=list(schema), schema=schema)


def journeys(scope: Scope) -> Journeys:
    """Two reads: the conversions in the period, and every touch of the lookback window
    before it to the period's end with its contact's account. Which touches belong to
    which conversion (its account's, within its own window) and which accounts were
    touched in the period without converting are joins in polars."""
    begin, end = scope.window
    look_from = begin - timedelta(days=scope.lookback_days)
    at = pl.Float64 if connection.vendor == "postgresql" else pl.String
    conversion_sql, conversion_params = _conversions_sql(scope)
    events = _read(
        conversion_sql,
        conversion_params,
        {
            "opp": pl.Int64,
            "account": pl.Int64,
            "at": at,
            "amount": pl.Float64,
            "currency": pl.String,
        },
    ).with_columns(_instants_expr("at"))
    # Contacts' accounts and the window's touches are read apart and joined in polars:
    # on SQLite the join in the database (a key lookup per touch) took four times as
    # long as both reads.
    account_join, account_params = _account_filter(scope)
    contacts = _read(
        f"SELECT c.id AS contact, c.account_id AS account FROM {{contact}} c{account_join} "  # noqa: S608 - as above
        "WHERE c.account_id IS NOT NULL",
        account_params,
        {"contact": pl.Int64, "account": pl.Int64},
    )
    label = "t.channel" if scope.by == BY_CHANNEL else "t.campaign_id"
    campaign_join, campaign_params = "", []
    if scope.campaign_type:
        campaign_join = " JOIN {campaign} cp ON cp.id = t.campaign_id AND cp.type = %s"
        campaign_params = [scope.campaign_type]
    touches = (
        _read(
            f"SELECT t.contact_id AS contact, {_epoch('t.occurred_at')} AS ts, {label} AS channel "  # noqa: S608 - as above
            f"FROM {{touch}} t{campaign_join} WHERE t.occurred_at >= %s AND t.occurred_at < %s",
            [*campaign_params, look_from, end],
            {"contact": pl.Int64, "ts": at, "channel": pl.String},
        )
        .with_columns(_instants_expr("ts"))
        .join(contacts, on="contact")
        .drop("contact")
    )
    return _assemble(scope, events, touches)


def _instants_expr(name: str) -> pl.Expr:
    column = pl.col(name)
    return (
        column.str.to_datetime("%Y-%m-%d %H:%M:%S%.f", time_zone="UTC", time_unit="us")
        .dt.epoch("us")
        .cast(pl.Float64)
        / 1e6
        if connection.vendor != "postgresql"
        else column.cast(pl.Float64)
    ).alias(name)


def _labels(column: pl.Series) -> pl.Series:
    return column.cast(pl.String).fill_null(NO_CAMPAIGN)


def _assemble(scope: Scope, events: pl.DataFrame, touches: pl.DataFrame) -> Journeys:
    """Journeys (integer ids: an opportunity's id, or minus an account's) from the
    conversions and the window's touches with their accounts."""
    lookback = scope.lookback_days * 86_400.0
    begin, end = (instant.timestamp() for instant in scope.window)
    in_currency = events.filter(pl.col("currency") == scope.currency)
    touches = touches.with_columns(_labels(touches["channel"]))
    touched = (
        touches.join(in_currency.select("opp", "account", "at", "amount"), on="account")
        .filter((pl.col("ts") <= pl.col("at")) & (pl.col("ts") >= pl.col("at") - lookback))
        .with_columns(
            journey_id=pl.col("opp"),
            converted=pl.lit(True),
            # The amount once per journey: its value is the sum of its rows' values.
            value=pl.when(pl.col("opp").is_first_distinct()).then(pl.col("amount")).otherwise(0.0),
        )
    )
    # Accounts touched in the period that did not convert in it (in any currency).
    not_converted = (
        touches.filter((pl.col("ts") >= begin) & (pl.col("ts") < end))
        .join(events.select("account").unique(), on="account", how="anti")
        .with_columns(journey_id=-pl.col("account"), converted=pl.lit(False), value=pl.lit(0.0))
    )
    columns = ["journey_id", "ts", "channel", "converted", "value"]
    frame = pl.concat([touched.select(columns), not_converted.select(columns)])
    missed = in_currency.join(touched.select("opp").unique(), on="opp", how="anti")
    return Journeys(
        frame=frame,
        conversions=in_currency.height,
        value=to_penny(in_currency["amount"].sum() if in_currency.height else 0),
        untouched=missed.height,
        untouched_value=to_penny(missed["amount"].sum() if missed.height else 0),
        other_currency=events.height - in_currency.height,
    )
