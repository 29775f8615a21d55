"""The revenue plan: fiscal periods, the target both teams work to (with its split), the
funnel's assumptions (measured, overridden or defaulted), and the joint scorecard."""

from tandem.planning.models.periods import (
    Assumption,
    PlanPeriod,
    RevenueTarget,
    TargetAmount,
    planning_team_ids,
)
from tandem.planning.models.scorecard import IncentiveMeasure, IncentivePlan, KpiTarget

__all__ = [
    "Assumption",
    "IncentiveMeasure",
    "IncentivePlan",
    "KpiTarget",
    "PlanPeriod",
    "RevenueTarget",
    "TargetAmount",
    "planning_team_ids",
]
