"""The calendar app's error codes and their HTTP status (see tandem.core.errors)."""

from enum import StrEnum

from tandem.core.errors import register_codes


class CalendarError(StrEnum):
    CHECKLIST_INCOMPLETE = "readiness_checklist_incomplete"  # "ready" with boxes unticked
    TOO_MANY_FEEDS = "calendar_too_many_feeds"  # a person's live feeds are capped


register_codes({CalendarError.CHECKLIST_INCOMPLETE: 422, CalendarError.TOO_MANY_FEEDS: 409})
