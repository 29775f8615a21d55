"""The calendar app's error codes and their HTTP status (see tandem.core.errors)."""

from enum import StrEnum

from tandem.core.errors import register_codes


class CalendarError(StrEnum):
    CHECKLIST_INCOMPLETE = "readiness_checklist_incomplete"  # "ready" with boxes unticked
    NOTHING_TO_DECIDE = "kill_nothing_to_decide"  # a decision on a campaign with no open flag


register_codes({CalendarError.CHECKLIST_INCOMPLETE: 422})
register_codes({CalendarError.NOTHING_TO_DECIDE: 409})
