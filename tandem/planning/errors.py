"""The planning app's error codes and their HTTP status (see tandem.core.errors)."""

from enum import StrEnum

from tandem.core.errors import register_codes


class PlanningError(StrEnum):
    PERIOD_EXISTS = "planning_period_exists"  # a fiscal year opened twice
    PERIOD_CLOSED = "planning_period_closed"  # a change to a closed period
    TARGET_SPLIT = "planning_target_split"  # a split that does not add up to its quarter
    RATE_UNUSABLE = "planning_rate_unusable"  # a rate of 0 or 100 %, or out of range
    NO_TARGET = "planning_no_target"  # a funnel or a step that needs a target in force
    NO_SLA = "planning_no_sla"  # proposing the SLA's promise with no SLA to copy
    NO_INCENTIVE = "planning_no_incentive"  # a statement with no formula in force


register_codes(
    {
        PlanningError.PERIOD_EXISTS: 409,
        PlanningError.PERIOD_CLOSED: 409,
        PlanningError.TARGET_SPLIT: 422,
        PlanningError.RATE_UNUSABLE: 422,
        PlanningError.NO_TARGET: 409,
        PlanningError.NO_SLA: 409,
        PlanningError.NO_INCENTIVE: 404,
    }
)
