"""The revenue plan: fiscal periods, the target both teams work to (with its split), the
funnel's assumptions (measured, overridden or defaulted), and the joint scorecard."""

from tandem.planning.models.periods import (
    Assumption,
    PlanPeriod,
    RevenueTarget,
    TargetAmount,
    planning_team_ids,
)

__all__ = ["Assumption", "PlanPeriod", "RevenueTarget", "TargetAmount", "planning_team_ids"]
