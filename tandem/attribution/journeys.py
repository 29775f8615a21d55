"""Journeys from the database, as touch columns for the engine.

A conversion is an opportunity: created in the period (pipeline) or won in it
(revenue). Its journey is every touch of its account's contacts in the lookback window
before the conversion, worth the opportunity's amount. Accounts with touches in the
period and no conversion in it are the journeys that did not convert (the Markov model
needs them). Joins and the coarse time filter run in the database; the exact
per-conversion window and everything after are whole-column work in polars.
"""

from __future__ import annotations

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


def _touch_filters(scope: Scope, *, accounts: bool) -> tuple[str, str, list[Any]]:
    """Joins and conditions for the campaign filter (cp = campaign) and, with
    ``accounts``, the account filters (a = account), with their parameters. Touches
    of conversions need no account join: the conversions are already filtered."""
    joins, where, params = [], [], []
    if accounts and (scope.region or scope.segment):
        joins.append("JOIN {account} a ON a.id = c.account_id")
        for field in ("region", "segment"):
            if getattr(scope, field):
                where.append(f"a.{field} = %s")
                params.append(getattr(scope, field))
    if scope.campaign_type:
        joins.append("JOIN {campaign} cp ON cp.id = t.campaign_id")
        where.append("cp.type = %s")
        params.append(scope.campaign_type)
    return " ".join(joins), "".join(f" AND {w}" for w in where), params


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
        f"SELECT o.id, o.account_id, {event}, o.amount, o.currency FROM {{opp}} o "  # noqa: S608 - fixed fragments; values are parameters
        f"WHERE {event} >= %s AND {event} < %s{won}{account_where}"
    )
    return sql, [begin, end, *account_params]


def _fetch(sql: str, params: list[Any], schema: dict[str, Any]) -> pl.DataFrame:
    # Times as the database stores them (SQLite: UTC text without an offset).
    adapt = connection.ops.adapt_datetimefield_value
    params = [adapt(p) if isinstance(p, datetime) else p for p in params]
    with connection.cursor() as cursor:
        cursor.execute(sql.format(**_tables()), params)
        rows = cursor.fetchall()
    return pl.DataFrame(rows, schema=list(schema), orient="row", infer_schema_length=None)


def _instants(column: pl.Series) -> pl.Series:
    """Seconds since the epoch: PostgreSQL returns datetimes, SQLite returns text."""
    if column.dtype == pl.Null:
        return column.cast(pl.Float64)
    if column.dtype == pl.String:
        column = column.str.to_datetime("%Y-%m-%d %H:%M:%S%.f", time_zone="UTC", time_unit="us")
    elif isinstance(column.dtype, pl.Datetime) and column.dtype.time_zone is None:
        column = column.dt.replace_time_zone("UTC")
    return column.dt.epoch("us").cast(pl.Float64) / 1e6


def journeys(scope: Scope) -> Journeys:
    begin, end = scope.window
    look_from = begin - timedelta(days=scope.lookback_days)
    conversion_sql, conversion_params = _conversions_sql(scope)
    events = _fetch(
        conversion_sql,
        conversion_params,
        {"opp": None, "account": None, "at": None, "amount": None, "currency": None},
    )
    if events.height:
        events = events.with_columns(
            _instants(events["at"]).alias("at"),
            pl.col("amount").cast(pl.Float64),
        )
        in_currency = events.filter(pl.col("currency") == scope.currency)
    else:
        in_currency = events
    joins, where, params = _touch_filters(scope, accounts=False)
    label = "t.channel" if scope.by == BY_CHANNEL else "t.campaign_id"
    # Touches of the converting accounts' contacts, from the earliest window on.
    converting = _fetch(
        f"SELECT o.id, t.occurred_at, {label} FROM {{opp}} o "  # noqa: S608 - as above
        "JOIN {contact} c ON c.account_id = o.account_id "
        f"JOIN {{touch}} t ON t.contact_id = c.id {joins} "
        f"WHERE o.id IN (SELECT q.id FROM ({conversion_sql}) q) AND o.currency = %s "
        f"AND t.occurred_at >= %s AND t.occurred_at < %s{where}",
        [*conversion_params, scope.currency, look_from, end, *params],
        {"opp": None, "ts": None, "channel": None},
    )
    # Accounts touched in the period that did not convert in it.
    joins, where, params = _touch_filters(scope, accounts=True)
    quiet = _fetch(
        f"SELECT c.account_id, t.occurred_at, {label} FROM {{touch}} t "  # noqa: S608 - as above
        f"JOIN {{contact}} c ON c.id = t.contact_id {joins} "
        "WHERE t.occurred_at >= %s AND t.occurred_at < %s AND c.account_id IS NOT NULL "
        f"AND c.account_id NOT IN (SELECT q.account_id FROM ({conversion_sql}) q){where}",
        [begin, end, *conversion_params, *params],
        {"account": None, "ts": None, "channel": None},
    )
    return _assemble(scope, events, in_currency, converting, quiet)


def _labels(column: pl.Series) -> pl.Series:
    return column.cast(pl.String).fill_null(NO_CAMPAIGN)


def _assemble(
    scope: Scope,
    events: pl.DataFrame,
    in_currency: pl.DataFrame,
    converting: pl.DataFrame,
    quiet: pl.DataFrame,
) -> Journeys:
    lookback = scope.lookback_days * 86_400.0
    touched = (
        converting.with_columns(
            _instants(converting["ts"]).alias("ts"), _labels(converting["channel"])
        )
        .join(in_currency.select("opp", "at", "amount"), on="opp")
        .filter((pl.col("ts") <= pl.col("at")) & (pl.col("ts") >= pl.col("at") - lookback))
        .with_columns(
            journey_id=pl.col("opp").cast(pl.String),
            converted=pl.lit(True),
            # The amount once per journey: its value is the sum of its rows' values.
            value=pl.when(pl.col("opp").is_first_distinct()).then(pl.col("amount")).otherwise(0.0),
        )
    )
    not_converted = quiet.with_columns(
        _instants(quiet["ts"]).alias("ts"),
        _labels(quiet["channel"]),
        journey_id=pl.lit("a") + pl.col("account").cast(pl.String),
        converted=pl.lit(False),
        value=pl.lit(0.0),
    )
    columns = ["journey_id", "ts", "channel", "converted", "value"]
    frame = pl.concat([touched.select(columns), not_converted.select(columns)])
    reached = set(touched["opp"].unique().to_list()) if touched.height else set()
    missed = in_currency.filter(~pl.col("opp").is_in(list(reached)))
    return Journeys(
        frame=frame,
        conversions=in_currency.height,
        value=to_penny(in_currency["amount"].sum() if in_currency.height else 0),
        untouched=missed.height,
        untouched_value=to_penny(missed["amount"].sum() if missed.height else 0),
        other_currency=events.height - in_currency.height,
    )
