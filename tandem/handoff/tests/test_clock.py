from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from tandem.handoff.clock import Calendar, add_business_hours, business_hours_between

LONDON = ZoneInfo("Europe/London")
CAL = Calendar(holidays=frozenset({date(2026, 12, 25)}))  # 09:00-17:30, Monday to Friday


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=LONDON)


def test_hours_inside_one_working_day():
    assert add_business_hours(at(23, 10), 2, CAL) == at(23, 12).astimezone(UTC)


def test_a_lead_arriving_at_night_starts_its_clock_when_the_office_opens():
    assert add_business_hours(at(23, 22), 1, CAL) == at(24, 10).astimezone(UTC)


def test_friday_afternoon_runs_over_the_weekend_into_monday():
    # Friday 27 Nov 16:30 + 4 h: 1 h on Friday, 3 h on Monday 30 Nov.
    assert add_business_hours(at(27, 16, 30), 4, CAL) == at(30, 12).astimezone(UTC)


def test_holidays_stop_the_clock():
    # Thursday 24 Dec 17:00 + 1 h: 30 min that day; 25th is a holiday; Saturday, Sunday.
    due = add_business_hours(at(24, 17, month=12), 1, CAL)
    assert due == at(28, 9, 30, month=12).astimezone(UTC)


def test_another_time_zone_and_working_week():
    gulf = Calendar(time_zone="Asia/Dubai", weekdays=frozenset({1, 2, 3, 4, 5}), opens_at=time(8))
    start = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)  # 08:00 in Dubai
    assert add_business_hours(start, 1.5, gulf) == datetime(2026, 11, 23, 5, 30, tzinfo=UTC)


def test_time_taken_counts_only_working_hours():
    assert business_hours_between(at(27, 16, 30), at(30, 12), CAL) == pytest.approx(4)
    assert business_hours_between(at(30, 12), at(27, 16), CAL) == 0
    assert business_hours_between(at(28, 10), at(29, 18), CAL) == 0  # a weekend


def test_a_calendar_without_working_days_is_refused_not_looped_on():
    with pytest.raises(ValueError, match="no working hours"):
        add_business_hours(at(23, 10), 1, Calendar(weekdays=frozenset()))
