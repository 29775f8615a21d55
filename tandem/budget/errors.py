"""The budget app's error codes and their HTTP status (see tandem.core.errors)."""

from enum import StrEnum

from tandem.core.errors import register_codes


class BudgetError(StrEnum):
    OVERDRAWN = "budget_overdrawn"  # spend, commitment or move past what a line has left
    CURRENCY_MISMATCH = "budget_currency_mismatch"  # another currency and no dated rate
    PERIOD_CLOSED = "budget_period_closed"  # a change to a closed period's budget
    MONTH_OUTSIDE = "budget_month_outside"  # a month not in the line's period
    COMMITMENT_CLOSED = "budget_commitment_closed"  # settling or closing a closed PO
    NOT_A_CAMPAIGN_LINE = "budget_not_a_campaign_line"  # posting costs with no line for them


register_codes(
    {
        BudgetError.OVERDRAWN: 409,
        BudgetError.CURRENCY_MISMATCH: 422,
        BudgetError.PERIOD_CLOSED: 409,
        BudgetError.MONTH_OUTSIDE: 422,
        BudgetError.COMMITMENT_CLOSED: 409,
        BudgetError.NOT_A_CAMPAIGN_LINE: 409,
    }
)
