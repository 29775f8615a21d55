from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema
from pydantic import StrictBool

from tandem.approvals.reads import request_id_of
from tandem.core.dates import ApiDate, TimeOfDay
from tandem.core.ids import RecordId
from tandem.core.schemas import InputSchema, RequiredText, one_of
from tandem.handoff.contracts import (
    ACCEPTANCE_RATE,
    HALF_LIFE_DAYS,
    MQLS_PER_MONTH,
    THRESHOLD,
    TIER_HOURS,
    TIER_MIN_SCORE,
)
from tandem.handoff.models import REASON_CODE_PATTERN, RoutingReason, Tier
from tandem.people.services import MAX_LEAD_CAPACITY


class LeadOut(Schema):
    contact_id: int
    stage: str
    score: int
    fit_score: int
    engagement_score: int
    scored_at: datetime | None
    tier: str
    source: str
    source_campaign_id: int | None
    team_id: int | None
    rep_id: int | None
    routing_reason: str = Field(
        description="How the hand-off chose the rep: "
        + ", ".join(RoutingReason.values)
        + " (blank: never handed off)"
    )
    routing_reason_text: str = Field(description="The same, in words")
    mql_at: datetime | None
    assigned_at: datetime | None
    accept_due_at: datetime | None
    follow_up_due_at: datetime | None
    accepted_at: datetime | None
    followed_up_at: datetime | None
    accept_hours: Decimal | None
    follow_up_hours: Decimal | None
    rejection_reason: str | None
    rejection_note: str
    opportunity_id: int | None = Field(
        description="The opportunity it was converted to on reaching sales qualified"
    )

    @staticmethod
    def resolve_rejection_reason(obj: Any) -> str | None:
        if isinstance(obj, dict):  # already serialised (LeadDetailOut is built from it)
            return obj.get("rejection_reason")
        return obj.rejection_reason.code if obj.rejection_reason_id else None

    @staticmethod
    def resolve_routing_reason_text(obj: Any) -> str:
        if isinstance(obj, dict):
            return str(obj.get("routing_reason_text", ""))
        return str(obj.get_routing_reason_display()) if obj.routing_reason else ""


class ReasonOut(Schema):
    label: str
    points: float
    count: int


class LeadEventOut(Schema):
    id: int
    from_stage: str
    to_stage: str
    actor_id: int | None
    rep_id: int | None
    why: str
    reason: str | None
    note: str

    @staticmethod
    def resolve_reason(obj: Any) -> str | None:
        if isinstance(obj, dict):
            return obj.get("reason")
        return obj.reason.code if obj.reason_id else None

    campaign_id: int | None
    source: str
    at: datetime


class LeadDetailOut(LeadOut):
    reasons: list[ReasonOut]
    events: list[LeadEventOut]
    moves: list[str] = Field(
        description="The stages you may move it to now: POST /leads/{id}/stage, or for "
        "sql (sales qualified) POST /leads/{id}/convert"
    )


class RejectIn(InputSchema):
    reason: str = Field(..., max_length=40)
    note: str = Field(..., max_length=2000)


class FollowUpIn(InputSchema):
    kind: str
    subject: str = Field(..., max_length=200)
    body: str = Field("", max_length=10000)


class ConvertIn(InputSchema):
    """Sales qualified with its opportunity: give ``opportunity_id`` to link an open
    opportunity of the lead's account, or the new opportunity's name (with amount,
    currency and close date if known). A contact with no account needs ``account_id``
    or ``account_name`` (a new account) as well."""

    opportunity_id: RecordId | None = None
    name: str = Field("", max_length=200)
    amount: Decimal = Field(Decimal("0"), ge=0, max_digits=14, decimal_places=2)
    currency: str = Field("GBP", max_length=3)
    close_date: ApiDate | None = None
    account_id: RecordId | None = None
    account_name: str = Field("", max_length=200)
    why: str = Field("", max_length=300)


class ReassignIn(InputSchema):
    rep_id: RecordId


class LeadStageIn(InputSchema):
    stage: str
    why: str = Field(..., max_length=300)


# Fields shared by a request body and its answer live in a plain Schema: an answer must not
# inherit InputSchema's rules for bodies (an ORM object is no JSON object).
class TierFields(Schema):
    tier: str
    min_score: int
    accept_within_hours: Decimal
    follow_up_within_hours: Decimal


class TierIn(TierFields, InputSchema):
    tier: str = one_of(Tier.values)
    min_score: int = Field(..., ge=TIER_MIN_SCORE[0], le=TIER_MIN_SCORE[1])
    accept_within_hours: Decimal = Field(..., ge=Decimal(TIER_HOURS[0]), le=Decimal(TIER_HOURS[1]))
    follow_up_within_hours: Decimal = Field(
        ..., ge=Decimal(TIER_HOURS[0]), le=Decimal(TIER_HOURS[1])
    )


class SlaPolicyIn(InputSchema):
    mqls_per_month: int = Field(..., ge=MQLS_PER_MONTH[0], le=MQLS_PER_MONTH[1])
    min_acceptance_rate: Decimal = Field(
        ..., ge=Decimal(ACCEPTANCE_RATE[0]), le=Decimal(ACCEPTANCE_RATE[1])
    )
    tiers: list[TierIn] = Field(..., min_length=1, max_length=3)
    note: str = Field("", max_length=500)


class ProposalOut(Schema):
    id: int
    status: str
    note: str
    proposed_by_id: int | None
    proposed_at: datetime
    activated_at: datetime | None
    approval_request_id: int | None = Field(
        None, description="Its approval request: decide on it at /approvals/{id}/decide"
    )

    @staticmethod
    def resolve_approval_request_id(obj: Any) -> int | None:
        return request_id_of(obj)


class TierOut(TierFields):
    pass


class SlaPolicyOut(ProposalOut):
    mqls_per_month: int
    min_acceptance_rate: Decimal
    tiers: list[TierOut]

    @staticmethod
    def resolve_tiers(obj: Any) -> list[Any]:
        return list(obj.tiers.all())


class RuleFields(Schema):
    kind: str
    field: str = Field(..., max_length=40)
    operator: str = Field("", max_length=10)
    value: str = Field("", max_length=200)
    points: int


class RuleIn(RuleFields, InputSchema):
    pass


class RuleOut(RuleFields):
    id: int


class ScoringModelIn(InputSchema):
    threshold: int = Field(..., ge=THRESHOLD[0], le=THRESHOLD[1])
    half_life_days: Decimal = Field(
        ..., ge=Decimal(HALF_LIFE_DAYS[0]), le=Decimal(HALF_LIFE_DAYS[1])
    )
    rules: list[RuleIn] = Field(..., min_length=1, max_length=200)
    note: str = Field("", max_length=500)


class ScoringModelOut(ProposalOut):
    threshold: int
    half_life_days: Decimal
    rules: list[RuleOut]

    @staticmethod
    def resolve_rules(obj: Any) -> list[Any]:
        return list(obj.rules.all())


class RejectionReasonFields(Schema):
    code: str = Field(..., max_length=40)
    label: str = Field(..., max_length=120)
    active: StrictBool = True
    position: int = Field(0, ge=0, le=1000)


class RejectionReasonIn(RejectionReasonFields, InputSchema):
    code: str = Field(..., max_length=40, pattern=REASON_CODE_PATTERN)
    label: RequiredText = Field(..., max_length=120)


class RejectionReasonOut(RejectionReasonFields):
    id: int


class RepRowOut(Schema):
    rep_id: int | None = Field(None, alias="rep")
    rep_name: str
    tier: str
    handed: int
    accepted: int
    rejected: int
    accept_hours: float | None
    follow_up_hours: float | None
    accept_breaches: int
    follow_up_breaches: int


class RejectionRowOut(Schema):
    campaign_id: int | None = None
    campaign: str | None = None
    source: str | None = None
    reason: str
    count: int


class SlaReportOut(Schema):
    month: str
    mqls_delivered: int
    mqls_promised: int | None
    accepted: int
    rejected: int
    acceptance_rate: Decimal | None
    min_acceptance_rate: Decimal | None
    breaches: int
    reps: list[RepRowOut]
    rejections_by_campaign: list[RejectionRowOut]
    rejections_by_source: list[RejectionRowOut]


class RoutingRuleIn(InputSchema):
    name: RequiredText = Field(..., max_length=120)
    team_id: RecordId
    region: str = Field("", max_length=100)
    segment: str = Field("", max_length=100)
    rep_ids: list[RecordId] = Field(default_factory=list, max_length=500)
    position: int = Field(0, ge=0, le=1000)
    active: StrictBool = True
    prefer_owner: StrictBool = Field(
        True,
        description="The contact's, or else the account's, sales owner gets the lead "
        "first when they are in and below their open-lead limit",
    )


class RoutingRuleOut(Schema):
    id: int
    name: str
    team_id: int
    region: str
    segment: str
    rep_ids: list[int]
    position: int
    active: bool
    prefer_owner: bool

    @staticmethod
    def resolve_rep_ids(obj: Any) -> list[int]:
        return [r.pk for r in obj.reps.all()]


class CapacityIn(InputSchema):
    lead_capacity: int | None = Field(None, ge=0, le=MAX_LEAD_CAPACITY)
    away_until: ApiDate | None = None
    clear_away: StrictBool = False


class CapacityOut(Schema):
    id: int
    lead_capacity: int
    away_until: date | None


class BusinessHoursFields(Schema):
    time_zone: str = Field(..., max_length=64)
    opens_at: TimeOfDay
    closes_at: TimeOfDay
    weekdays: str = Field(..., max_length=7, description="ISO weekdays, Monday = 1: 12345")


class BusinessHoursIn(BusinessHoursFields, InputSchema):
    pass


class BusinessHoursOut(BusinessHoursFields):
    team_id: int


class HolidayFields(Schema):
    name: str = Field(..., max_length=120)


class HolidayIn(HolidayFields, InputSchema):
    day: ApiDate
    name: RequiredText = Field(..., max_length=120)


class HolidayOut(HolidayFields):
    day: date
    id: int
    team_id: int
