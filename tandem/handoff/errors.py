"""The hand-off app's error codes and their HTTP status (see tandem.core.errors).

The joint contracts' refusals are not here: they are decided through the approvals
app, whose codes (already_decided, version_not_current, ...) say why.
"""

from enum import StrEnum

from tandem.core.errors import register_codes


class HandoffError(StrEnum):
    LEAD_ALREADY_DECIDED = "lead_already_decided"  # someone else accepted or rejected it
    LEAD_NOT_OPEN = "lead_not_open"  # rejecting a lead that is no longer open
    LEAD_MOVED_ON = "lead_moved_on"  # its stage changed meanwhile
    HOLIDAY_EXISTS = "holiday_exists"  # the team has a holiday on that day
    LEAD_MOVE_NOT_ALLOWED = "lead_move_not_allowed"  # the lifecycle has no such move
    LEAD_NEEDS_OPPORTUNITY = "lead_needs_opportunity"  # sales qualified: convert it
    LEAD_NEEDS_ACCOUNT = "lead_needs_account"  # converting a contact with no account
    LEAD_ALREADY_CONVERTED = "lead_already_converted"  # it has its opportunity already
    OPPORTUNITY_CLOSED = "conversion_opportunity_closed"  # linking a won or lost one
    OPPORTUNITY_ELSEWHERE = "conversion_opportunity_elsewhere"  # of another account
    ALREADY_WITH_SALES = "referral_already_with_sales"  # referring an open lead again
    ALREADY_IN_A_DEAL = "referral_already_in_a_deal"  # referring a sales-qualified lead


register_codes(
    {
        HandoffError.LEAD_ALREADY_DECIDED: 409,
        HandoffError.LEAD_NOT_OPEN: 409,
        HandoffError.LEAD_MOVED_ON: 409,
        HandoffError.HOLIDAY_EXISTS: 409,
        HandoffError.LEAD_MOVE_NOT_ALLOWED: 422,
        HandoffError.LEAD_NEEDS_OPPORTUNITY: 422,
        HandoffError.LEAD_NEEDS_ACCOUNT: 422,
        HandoffError.LEAD_ALREADY_CONVERTED: 409,
        HandoffError.OPPORTUNITY_CLOSED: 409,
        HandoffError.OPPORTUNITY_ELSEWHERE: 422,
        HandoffError.ALREADY_WITH_SALES: 409,
        HandoffError.ALREADY_IN_A_DEAL: 409,
    }
)
