"""Background entry points of the calendar. Each is safe to run twice."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from tandem.calendar import kill
from tandem.core.audit import Source, acting_as


@db_periodic_task(crontab(minute="20", hour="5"), name="calendar.evaluate_kill_criteria")
def evaluate_kill_criteria() -> int:
    """Daily, before the working day: flag the live campaigns that meet their type's kill
    criteria, and tell their owners (a campaign is flagged once per criterion until its
    owner decides)."""
    with acting_as(None, Source.JOB):
        return len(kill.evaluate())
