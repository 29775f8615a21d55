"""What capacity's figures are made of: a week of a region (``WeekLoad``) and the
campaigns that cause it, a campaign's schedule as capacity reads it (``Draft``), a
measured curve, the horizon's constants, and one date difference in SQL. The model is
described in ``calendar.capacity``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
from django.db.models import Func, IntegerField

WEEKS = 13  # the page's and the API's horizon
MOST_WEEKS = 104  # the longest horizon anything asks for (a far-off schedule's warning)
CURVE_WEEKS = 26  # how long after its start a measured curve follows a campaign
SAMPLE_MIN = 3  # finished campaigns of a type before its measured curve is used
SAMPLE_MOST = 12  # the latest finished campaigns of a type the curve is measured on
OTHER = ""  # the pool of reps and leads no regional routing rule covers
DEFAULT_WEEKDAYS = "12345"
MOST_CAUSES = 5  # campaigns named per over-capacity week (then "and N more")


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class Cause:
    """A campaign's share of one week's inflow in one region (or all)."""

    campaign_id: int | None  # None: a campaign not saved yet (the one being planned)
    name: str
    leads: float
    basis: str  # "expected" or "measured"
    sample: int  # finished campaigns the measured curve came from (0: expected)


@dataclass
class WeekLoad:
    """One week of one region (``region`` None: every region together)."""

    monday: date
    region: str | None
    label: str
    expected: float  # inflow from campaigns' expected leads
    measured: float  # inflow from measured curves
    capacity: float  # reps x working days, before the open load
    load: float  # open load this week carries
    reps: int  # reps in sales this region
    reps_in: int  # of whom working at least one day this week
    causes: list[Cause] = field(default_factory=list)
    more: int = 0  # campaigns bringing leads this week beyond ``causes``
    own: float = 0.0  # a warning's: the leads the campaign weighed brings this week

    @property
    def param(self) -> str:
        """The region as the page's and the API's ``?region=`` says it."""
        if self.region is None:
            return ""
        return "elsewhere" if self.region == OTHER else self.region

    @property
    def inflow(self) -> float:
        return round(self.expected + self.measured, 1)

    @property
    def available(self) -> float:
        return round(self.capacity - self.load, 1)

    @property
    def difference(self) -> float:
        """Capacity left (positive) or short (negative)."""
        return round(self.available - self.inflow, 1)

    @property
    def shortfall(self) -> float:
        return round(max(0.0, -self.difference), 1)

    @property
    def over(self) -> bool:
        return self.inflow > self.available

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)


@dataclass
class Draft:
    """A campaign's schedule as capacity reads it (saved or not)."""

    pk: int | None
    name: str
    type: str
    region: str
    expected: int
    members: int
    starts_on: date
    ends_on: date


@dataclass
class Curve:
    type: str
    label: str
    sample: int
    mean_members: float
    weekly: np.ndarray  # MQLs per sample campaign in each week after the start


class DaysSince(Func):
    """Whole days from the date ``since`` to the UTC day of the time ``at``, negative
    before it (SQLite and PostgreSQL). The UTC day, not the viewer's: read straight off
    the column, with no time zone conversion per row."""

    output_field = IntegerField()

    def __init__(self, at: Any, since: Any) -> None:
        super().__init__(at, since)

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        at, at_params = compiler.compile(self.source_expressions[0])
        since, since_params = compiler.compile(self.source_expressions[1])
        if connection.vendor == "sqlite":
            sql = f"CAST(julianday(date({at})) - julianday({since}) AS INTEGER)"
        else:
            sql = f"((({at}) AT TIME ZONE 'UTC')::date - ({since}))"
        return sql, (*at_params, *since_params)
