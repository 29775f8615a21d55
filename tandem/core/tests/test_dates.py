"""The one rule for dates, datetimes, times of day and amounts arriving from outside."""

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest

from tandem.core.dates import (
    check_date,
    check_datetime,
    check_time_of_day,
    parse_datetime_text,
)
from tandem.core.errors import DomainError

PLUS_14 = timezone(timedelta(hours=14))


@pytest.mark.parametrize(
    "value",
    [
        "0001-01-01T00:00:00Z",
        "0001-01-01T00:00:00+14:00",  # year 0 in UTC: a BC timestamp on PostgreSQL
        "9999-12-31T23:59:59-14:00",  # year 10000 in UTC
        "1899-12-31T23:59:59Z",
        "2201-01-01T00:00:00Z",
        "2026-13-01T00:00:00Z",
        "2026-11-22T09:30:00+99:00",
        "2026-11-22T09:30:00",  # no zone
        "",
        None,
        17,
    ],
)
def test_out_of_range_or_unreadable_datetimes_are_refused_naming_the_field(value):
    with pytest.raises(DomainError) as refused:
        parse_datetime_text(value, "occurred_at")
    assert refused.value.field == "occurred_at"  # with the row, where there is one


def test_the_range_is_checked_in_utc_too():
    assert check_datetime(datetime(1900, 1, 2, tzinfo=PLUS_14), "at").year == 1900
    with pytest.raises(DomainError):  # 1899 in UTC
        check_datetime(datetime(1900, 1, 1, 5, tzinfo=PLUS_14), "at")
    when = parse_datetime_text("2026-11-22T09:30:00+01:00", "at")
    assert when == datetime(2026, 11, 22, 8, 30, tzinfo=UTC)


def test_dates_outside_1900_to_2200_are_refused():
    assert check_date(date(2200, 12, 31), "day") == date(2200, 12, 31)
    for bad in (date(1, 1, 1), date(1899, 12, 31), date(2201, 1, 1), "2026-01-01"):
        with pytest.raises(DomainError) as refused:
            check_date(bad, "day")
        assert refused.value.field == "day"
    with pytest.raises(DomainError):  # a datetime is not a date
        check_date(datetime(2026, 1, 1, tzinfo=UTC), "day")


def test_a_time_of_day_carries_no_offset():
    assert check_time_of_day(time(9, 0, 0, 500), "opens_at") == time(9)
    with pytest.raises(DomainError) as refused:
        check_time_of_day(time(9, tzinfo=UTC), "opens_at")
    assert refused.value.field == "opens_at" and "offset" in refused.value.message
