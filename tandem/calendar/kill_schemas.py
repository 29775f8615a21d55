"""API schemas of the kill criteria, flags, decisions and campaign performance. The bounds
are the services' (``calendar.kill``): a threshold no campaign could meet is refused by
the schema, naming the field, before the service checks it again."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from tandem.calendar import kill, performance
from tandem.calendar.models import KillDecision, KillFlag
from tandem.campaigns.models import Campaign
from tandem.core.dates import ApiDate
from tandem.core.money import MAX_AMOUNT
from tandem.core.schemas import InputSchema, one_of
from tandem.handoff.schemas import ProposalOut


class KillCriteriaIn(InputSchema):
    campaign_type: str = one_of(Campaign.Type.values)
    cost_per_sql_max: Decimal | None = Field(None, ge=0, le=MAX_AMOUNT)
    cost_per_sql_days: int | None = Field(None, ge=kill.DAYS[0], le=kill.DAYS[1])
    mql_share_min: Decimal | None = Field(
        None, ge=Decimal(kill.SHARE[0]), le=Decimal(kill.SHARE[1])
    )
    mql_share_days: int | None = Field(None, ge=kill.DAYS[0], le=kill.DAYS[1])
    roi_min: Decimal | None = Field(None, ge=Decimal(kill.ROI[0]), le=Decimal(kill.ROI[1]))
    currency: str = Field("", pattern=r"^([A-Z]{3})?$", description="Default: the home currency")
    note: str = Field("", max_length=500)


class KillCriteriaOut(ProposalOut):
    campaign_type: str
    currency: str
    cost_per_sql_max: Decimal | None
    cost_per_sql_days: int | None
    mql_share_min: Decimal | None
    mql_share_days: int | None
    roi_min: Decimal | None


class KillFlagOut(Schema):
    id: int
    campaign_id: int
    criterion: str = one_of(KillFlag.Criterion.values)
    measured: Decimal
    threshold: Decimal
    currency: str = Field(description='The currency of a cost; "" for a percentage')
    days_live: int
    flagged_at: datetime
    decision_id: int | None = Field(None, description="None while the flag is open")


class KillDecisionIn(InputSchema):
    outcome: str = one_of(KillDecision.Outcome.values)
    reason: str = Field("", max_length=500, description="Needed to continue")
    review_on: ApiDate | None = Field(None, description="Needed to continue: in the future")


class KillDecisionOut(Schema):
    id: int
    campaign_id: int
    outcome: str
    reason: str
    review_on: date | None
    freed_budget: Decimal | None = Field(
        None, description="A cut: the planned budget not spent, in the campaign's currency"
    )
    decided_by_id: int | None
    decided_at: datetime


class PerformanceQuery(Schema):
    status: str = one_of(["", *Campaign.Status.values], "")
    type: str = one_of(["", *Campaign.Type.values], "")
    sort: str = one_of(
        [*performance.SORTS, *(f"-{k}" for k in performance.SORTS)],
        "flag",
        description="A column, '-' first for descending",
    )


class PerformanceOut(Schema):
    id: int
    name: str
    type: str
    status: str
    currency: str
    owner: str
    starts_on: date
    ends_on: date
    touches: int
    leads: int
    mqls: int
    accepted: int
    sqls: int
    opportunities: int
    pipeline: Decimal
    won_revenue: Decimal
    spend: Decimal
    cost_per_mql: Decimal | None
    cost_per_sql: Decimal | None
    attributed_revenue: Decimal | None = Field(
        description="Revenue credited by the attribution model in force; None until computed"
    )
    roi_percent: Decimal | None
    planned_budget: Decimal
    freed_budget: Decimal | None
    flag_state: str = one_of(list(performance.FLAG_STATES))
    flagged: list[str]
    review_on: date | None

    @staticmethod
    def resolve_won_revenue(obj: performance.Row) -> Decimal:
        return obj.won

    @staticmethod
    def resolve_roi_percent(obj: performance.Row) -> Decimal | None:
        return obj.roi
