"""Reminders for people a request still waits for."""

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from tandem.approvals.services import remind_waiting


@db_periodic_task(crontab(minute="5", hour="*"), name="approvals.remind_waiting")
def remind() -> int:
    return remind_waiting(after_hours=settings.APPROVAL_REMINDER_HOURS)
