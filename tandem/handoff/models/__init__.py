"""The marketing -> sales hand-off: lifecycle, the two-sided SLA, routing and scoring.

A contact's place in the funnel is its ``Lead`` (one per contact, created when it is
first scored). The SLA policy and the scoring model are joint contracts: a change is a
proposal that takes effect only when a marketing head and a sales head have both
approved it (``tandem.approvals.contracts``).
"""

from tandem.handoff.models.configuration import (
    DEFAULT_REJECTION_REASONS,
    REASON_CODE_PATTERN,
    BusinessHours,
    Holiday,
    RejectionReason,
    RoutingRule,
    add_default_reasons,
)
from tandem.handoff.models.contracts import (
    ScoringModel,
    ScoringRule,
    SlaPolicy,
    SlaTier,
)
from tandem.handoff.models.leads import (
    NURTURE_STAGES,
    OPEN_STAGES,
    Arrival,
    Lead,
    LifecycleEvent,
    RoutingReason,
    SlaBreach,
    Stage,
    Tier,
)
from tandem.handoff.models.referrals import Referral, ReferralSource

__all__ = [
    "DEFAULT_REJECTION_REASONS",
    "NURTURE_STAGES",
    "OPEN_STAGES",
    "REASON_CODE_PATTERN",
    "Arrival",
    "BusinessHours",
    "Holiday",
    "Lead",
    "LifecycleEvent",
    "Referral",
    "ReferralSource",
    "RejectionReason",
    "RoutingReason",
    "RoutingRule",
    "ScoringModel",
    "ScoringRule",
    "SlaBreach",
    "SlaPolicy",
    "SlaTier",
    "Stage",
    "Tier",
    "add_default_reasons",
]
