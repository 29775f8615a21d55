"""Where each item sits on the calendar's grids, worked out once on the server so every
view reads without JavaScript and at 390 px.

A *week grid* (the month, week and quarter views) is a row per week, Monday first; an
item is a bar from its first to its last day within the week (``col`` and ``span``, in
CSS grid columns), marked when it carries on from the week before or into the next. The
browser stacks the bars of a week into lanes (``grid-auto-flow: dense``), so overlaps
show as bars one under another. A week shows at most ``LANES`` bars; the rest are
counted ("+3 more") and the week view lists them all.

The *timeline* (Gantt-like) is a row per item across the days of the range.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

LANES = 8  # bars a week of the month or quarter view shows before "+N more"
WEEK_LANES = 60  # the week view: every item, up to this many, then "+N more"


@dataclass
class Bar:
    item: Any
    col: int  # 1 = Monday
    span: int
    from_before: bool  # carries on from the week before
    into_next: bool  # carries on into the week after


@dataclass
class Week:
    days: list[date]
    bars: list[Bar] = field(default_factory=list)
    more: int = 0  # items running this week that are not shown

    @property
    def first(self) -> date:
        return self.days[0]


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_starts(first: date, last: date) -> list[date]:
    """The Mondays of the weeks from the one holding ``first`` to the one holding
    ``last``."""
    start, end = monday_of(first), monday_of(last)
    return [start + timedelta(weeks=n) for n in range((end - start).days // 7 + 1)]


def weeks(items: list[Any], first: date, last: date, lanes: int = LANES) -> list[Week]:
    """The week rows covering ``first`` to ``last``, each with the bars of the items
    running that week: what starts that week first (what is launching is what a planner
    looks for), then what carries on from before; each in start order, longer first."""
    ordered = sorted(items, key=lambda i: (i.starts_on, -(i.ends_on - i.starts_on).days, i.pk))
    rows = []
    for monday in week_starts(first, last):
        sunday = monday + timedelta(days=6)
        row = Week([monday + timedelta(days=n) for n in range(7)])
        running = [i for i in ordered if i.starts_on <= sunday and i.ends_on >= monday]
        running.sort(key=lambda i: i.starts_on < monday)  # stable: keeps the start order
        for item in running[:lanes]:
            start, end = max(item.starts_on, monday), min(item.ends_on, sunday)
            row.bars.append(
                Bar(
                    item,
                    col=(start - monday).days + 1,
                    span=(end - start).days + 1,
                    from_before=item.starts_on < monday,
                    into_next=item.ends_on > sunday,
                )
            )
        row.more = max(0, len(running) - lanes)
        rows.append(row)
    return rows


@dataclass
class Row:
    """One item of the timeline: its bar from ``col`` for ``span`` days of the range."""

    item: Any
    col: int
    span: int
    from_before: bool
    into_next: bool


def timeline(items: list[Any], first: date, last: date) -> list[Row]:
    """A row per item running in the range, in start order, clipped to the range."""
    rows = []
    for item in sorted(items, key=lambda i: (i.starts_on, i.ends_on, i.pk)):
        if item.ends_on < first or item.starts_on > last:
            continue
        start, end = max(item.starts_on, first), min(item.ends_on, last)
        rows.append(
            Row(
                item,
                col=(start - first).days + 1,
                span=(end - start).days + 1,
                from_before=item.starts_on < first,
                into_next=item.ends_on > last,
            )
        )
    return rows
