"""Background entry points of attribution: the scheduled refresh of cached reports."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from tandem.attribution import reports


@db_periodic_task(crontab(minute="15", hour="*/6"), name="attribution.refresh_reports")
def refresh_reports() -> int:
    """Every six hours: recompute the reports people looked at in the last week."""
    return reports.refresh_viewed()
