"""The hand-off app's error codes and their HTTP status (see tandem.core.errors).

Declared ahead of use: handoff's raise sites still say the generic CONFLICT until the
split of handoff/services.py has merged, then each moves to its code here.
"""

from enum import StrEnum

from tandem.core.errors import register_codes


class HandoffError(StrEnum):
    LEAD_ALREADY_DECIDED = "lead_already_decided"  # someone else accepted or rejected it
    LEAD_NOT_OPEN = "lead_not_open"  # rejecting a lead that is no longer open
    LEAD_MOVED_ON = "lead_moved_on"  # its stage changed meanwhile
    PROPOSAL_NOT_PENDING = "proposal_not_pending"  # approved, withdrawn or superseded
    ALREADY_APPROVED = "already_approved"  # this head's side signed already
    HOLIDAY_EXISTS = "holiday_exists"  # the team has a holiday on that day


register_codes(
    {
        HandoffError.LEAD_ALREADY_DECIDED: 409,
        HandoffError.LEAD_NOT_OPEN: 409,
        HandoffError.LEAD_MOVED_ON: 409,
        HandoffError.PROPOSAL_NOT_PENDING: 409,
        HandoffError.ALREADY_APPROVED: 409,
        HandoffError.HOLIDAY_EXISTS: 409,
    }
)
