"""The fiscal calendar: a year of twelve months from the month the organisation's year
starts (``TANDEM_FISCAL_YEAR_START``, 1 = January, 4 = April), in four quarters.

Plans, budgets and scorecards count in these months; a month is named by its first day.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings


def start_month() -> int:
    """The month (1-12) a fiscal year starts in."""
    return int(getattr(settings, "TANDEM_FISCAL_YEAR_START", 1))


def add_months(day: date, months: int) -> date:
    """The first of the month ``months`` after ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def year_containing(day: date) -> date:
    """The first day of the fiscal year ``day`` falls in."""
    first = start_month()
    year = day.year if day.month >= first else day.year - 1
    return date(year, first, 1)


def months(starts_on: date) -> list[date]:
    """The twelve months of the fiscal year starting on ``starts_on``."""
    return [add_months(starts_on, i) for i in range(12)]


def quarter_of(starts_on: date, month: date) -> int:
    """1-4: the quarter of the fiscal year starting ``starts_on`` that ``month`` is in."""
    offset = (month.year - starts_on.year) * 12 + month.month - starts_on.month
    return offset // 3 + 1


def quarter_months(starts_on: date, quarter: int) -> list[date]:
    return [add_months(starts_on, (quarter - 1) * 3 + i) for i in range(3)]


def year_name(starts_on: date) -> str:
    """ "FY 2027" for a calendar year; "FY 2026/27" for a year that starts later."""
    if starts_on.month == 1:
        return f"FY {starts_on.year}"
    return f"FY {starts_on.year}/{(starts_on.year + 1) % 100:02d}"


def month_label(month: date) -> str:
    return month.strftime("%b %Y")
