"""Dates, datetimes and times of day arriving from outside: one rule for every door.

Every date or datetime Tandem accepts (an API body or query string, a page form, an
imported file) passes ``check_date``/``check_datetime`` in the service that stores it,
so the rule holds whichever door a value came through. The range is 1900-2200: Tandem
holds the touches, activities, campaigns and deals of a living business, and nothing
it records happened before 1900 or is planned after 2200. The bounds keep every stored
value far from Python's year 1 and 9999, where showing a time in a reader's zone
overflows (a touch dated year 1 answered the contact page with a 500), and from the
BC timestamp PostgreSQL makes of ``0001-01-01T00:00:00+14:00`` (which psycopg cannot
read back).

A time of day (business hours) is a wall-clock time in the zone named beside it, so it
carries no offset of its own: ``09:00+02:00`` for a London team would mean 08:00 in
summer and 07:00 in winter, so it is refused rather than guessed at.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import Annotated, Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from pydantic import AfterValidator, BeforeValidator, WithJsonSchema

from tandem.core.errors import invalid

EARLIEST = date(1900, 1, 1)
LATEST = date(2200, 12, 31)
RANGE = f"between {EARLIEST.year} and {LATEST.year}"


def in_range(value: date) -> bool:
    """True for a date (or a datetime's own calendar day) within 1900-2200."""
    day = value.date() if isinstance(value, datetime) else value
    return EARLIEST <= day <= LATEST


def _out_of_range(value: date) -> str | None:
    """What is wrong with a date or an aware-or-not datetime, or None: the one rule the
    services' checks and the API's types both state."""
    if not isinstance(value, datetime):
        return None if in_range(value) else f"must be a date {RANGE}"
    if timezone.is_naive(value):
        return "needs its zone, e.g. 2026-11-22T09:30:00Z or +01:00"
    if not in_range(value) or not in_range(value.astimezone(UTC)):
        return f"must be a time {RANGE}"
    return None


def check_date(value: Any, field: str) -> date:
    """A date for ``field``, refused (naming the field) outside 1900-2200."""
    if isinstance(value, datetime) or not isinstance(value, date):
        raise invalid(field, f"{field} must be a date such as 2026-11-22.")
    if problem := _out_of_range(value):
        raise invalid(field, f"{field} {problem} ({value.isoformat()} given).")
    return value


def check_datetime(value: Any, field: str) -> datetime:
    """An aware datetime for ``field`` within 1900-2200, both as written and in UTC (the
    range check comes first, so converting to UTC can no longer overflow)."""
    if not isinstance(value, datetime):
        raise invalid(field, f"{field} must be a time such as 2026-11-22T09:30:00Z.")
    if timezone.is_naive(value):
        raise invalid(field, f"{field} {_out_of_range(value)}.")
    if problem := _out_of_range(value):
        raise invalid(field, f"{field} {problem} ({value.isoformat()} given).")
    return value


def parse_datetime_text(value: Any, field: str) -> datetime:
    """A datetime from a JSON row or a file cell (ISO 8601 text with its zone), checked
    as ``check_datetime`` does; anything unreadable is refused naming the field."""
    if isinstance(value, datetime):
        return check_datetime(value, field)
    try:
        parsed = parse_datetime(str(value or "").strip())
    except ValueError:  # well-formed but impossible: month 13, an offset of 99 hours
        parsed = None
    if parsed is None:
        raise invalid(field, "Give the time as ISO 8601, e.g. 2026-11-22T09:30:00Z.")
    return check_datetime(parsed, field)


def check_time_of_day(value: Any, field: str) -> time:
    """A wall-clock time without an offset (see the module's note), to the second."""
    if not isinstance(value, time):
        raise invalid(field, f"{field} must be a time of day such as 09:00.")
    if value.tzinfo is not None:
        raise invalid(
            field,
            f"{field} is a time of day in the team's time zone: give it without an offset "
            "(09:00, not 09:00Z or 09:00+02:00).",
        )
    return value.replace(microsecond=0)


# How the API reads and documents a time of day. OpenAPI's ``format: time`` is RFC
# 3339's full-time, which requires an offset, so "09:00:00" failed the declared format
# while "09:00:00Z" passed it (and then failed the save): declare what is accepted.
TIME_OF_DAY_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"


def _time_of_day_text(value: Any) -> Any:
    if isinstance(value, str) and not re.fullmatch(TIME_OF_DAY_PATTERN, value):
        raise ValueError(
            "give a time of day as HH:MM or HH:MM:SS, without an offset "
            "(it is read in the team's time zone)"
        )
    if not isinstance(value, str | time):
        raise ValueError("give a time of day as text such as 09:00")
    return value


TimeOfDay = Annotated[
    time,
    BeforeValidator(_time_of_day_text),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": TIME_OF_DAY_PATTERN,
            "description": "A wall-clock time in the team's time zone, HH:MM or HH:MM:SS.",
            "examples": ["09:00", "17:30:00"],
        }
    ),
]


# How the API reads and documents a date or a datetime: ISO 8601 text only. Pydantic's
# lax mode read a number as seconds since 1970 (``away_until: 0`` became 1970-01-01) and
# a datetime without its zone as naive; both are refused here, naming the field, and so is
# a value outside 1900-2200 (the schema's pattern declares the years, the format the rest).
YEAR_PATTERN = f"^({EARLIEST.year // 100}[0-9]{{2}}|2[01][0-9]{{2}}|{LATEST.year})-"
_DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# RFC 3339 date-time, as OpenAPI's ``format: date-time`` means it: the zone is required.
_DATETIME_TEXT = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?"
    r"([Zz]|[+-][0-9]{2}:[0-9]{2})"
)


def _date_text(value: Any) -> Any:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value  # ninja validates a second time, the value already read
    if not (isinstance(value, str) and _DATE_TEXT.fullmatch(value)):
        raise ValueError("give a date as text, YYYY-MM-DD, e.g. 2026-11-22")
    return value


def _datetime_text(value: Any) -> Any:
    if isinstance(value, datetime):
        return value
    if not (isinstance(value, str) and _DATETIME_TEXT.fullmatch(value)):
        raise ValueError("give a time as ISO 8601 text with its zone, e.g. 2026-11-22T09:30:00Z")
    return value


def _in_range(value: Any) -> Any:
    if problem := _out_of_range(value):
        raise ValueError(problem)
    return value


ApiDate = Annotated[
    date,
    BeforeValidator(_date_text),
    AfterValidator(_in_range),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date",
            "pattern": YEAR_PATTERN,
            "description": f"A date {RANGE}, YYYY-MM-DD.",
        }
    ),
]
ApiDateTime = Annotated[
    datetime,
    BeforeValidator(_datetime_text),
    AfterValidator(_in_range),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date-time",
            "pattern": YEAR_PATTERN,
            "description": f"A time {RANGE} with its zone, e.g. 2026-11-22T09:30:00Z.",
        }
    ),
]
