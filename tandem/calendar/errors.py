"""The calendar app's error codes and their HTTP status (see tandem.core.errors)."""

from enum import StrEnum

from tandem.core.errors import register_codes


class CalendarError(StrEnum):
    CHECKLIST_INCOMPLETE = "readiness_checklist_incomplete"  # "ready" with boxes unticked
    TOO_MANY_FEEDS = "calendar_too_many_feeds"  # a person's live feeds are capped
    UNKNOWN_REGION = "capacity_unknown_region"  # a region no routing rule names
    NOTHING_TO_DECIDE = "kill_nothing_to_decide"  # a decision on a campaign with no open flag


register_codes(
    {
        CalendarError.CHECKLIST_INCOMPLETE: 422,
        CalendarError.TOO_MANY_FEEDS: 409,
        CalendarError.UNKNOWN_REGION: 422,
        CalendarError.NOTHING_TO_DECIDE: 409,
    }
)
