"""Business-hours arithmetic for SLA clocks (pure: no database).

A clock runs only on a team's working days, between its opening and closing times, in
its own time zone, and stops on its holidays. ``add_business_hours`` answers "when is
this due?" and ``business_hours_between`` "how long did it take, counting only working
time?"; both step a day at a time, so a week-long window is seven small steps.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

MAX_DAYS = 3660  # a calendar with no working day at all must not loop forever


@dataclass(frozen=True)
class Calendar:
    time_zone: str = "Europe/London"
    opens_at: time = time(9)
    closes_at: time = time(17, 30)
    weekdays: frozenset[int] = frozenset({1, 2, 3, 4, 5})  # ISO: Monday = 1
    holidays: frozenset[date] = field(default_factory=frozenset)

    @classmethod
    def of(
        cls,
        *,
        time_zone: str,
        opens_at: time,
        closes_at: time,
        weekdays: str,
        holidays: Iterable[date] = (),
    ) -> Calendar:
        return cls(
            time_zone=time_zone,
            opens_at=opens_at,
            closes_at=closes_at,
            weekdays=frozenset(int(d) for d in weekdays if d in "1234567"),
            holidays=frozenset(holidays),
        )

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def is_working_day(self, day: date) -> bool:
        return day.isoweekday() in self.weekdays and day not in self.holidays

    def window(self, day: date) -> tuple[datetime, datetime]:
        """The day's working window as aware datetimes (local wall-clock times, so a
        daylight-saving change moves the window with the clock on the wall)."""
        zone = self.zone
        return (
            datetime.combine(day, self.opens_at, tzinfo=zone),
            datetime.combine(day, self.closes_at, tzinfo=zone),
        )


def add_business_hours(start: datetime, hours: Decimal | float, calendar: Calendar) -> datetime:
    """The moment ``hours`` of working time after ``start`` (an aware datetime), in UTC."""
    remaining = timedelta(hours=float(hours))
    local = start.astimezone(calendar.zone)
    day = local.date()
    for _ in range(MAX_DAYS):
        if calendar.is_working_day(day):
            opens, closes = calendar.window(day)
            begin = max(opens, local)
            if begin < closes:
                available = closes - begin
                if remaining <= available:
                    return (begin + remaining).astimezone(UTC)
                remaining -= available
        day += timedelta(days=1)
    raise ValueError("This calendar has no working hours; add working days to it.")


def business_hours_between(start: datetime, end: datetime, calendar: Calendar) -> float:
    """Working hours from ``start`` to ``end`` (0 when ``end`` is not after ``start``)."""
    if end <= start:
        return 0.0
    zone = calendar.zone
    first, last = start.astimezone(zone), end.astimezone(zone)
    total = timedelta()
    day = first.date()
    while day <= last.date():
        if calendar.is_working_day(day):
            opens, closes = calendar.window(day)
            begin, finish = max(opens, first), min(closes, last)
            if finish > begin:
                total += finish - begin
        day += timedelta(days=1)
    return total.total_seconds() / 3600
