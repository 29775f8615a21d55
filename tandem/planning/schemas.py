"""The planning API's shapes: periods, targets, figures, the reverse funnel, plan
against actual, the scorecard and the shared incentive."""

from datetime import date
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from tandem.core.schemas import InputSchema, one_of
from tandem.handoff.schemas import ProposalOut  # a joint contract's proposal, as the SLA's
from tandem.planning.funnel import ASSUMPTIONS
from tandem.planning.models import Assumption, RevenueTarget


class PeriodIn(InputSchema):
    year: int = Field(..., ge=2000, le=2100, description="The year the fiscal year starts in")


class PeriodOut(Schema):
    id: int
    name: str
    starts_on: date
    ends_on: date
    currency: str
    status: str
    months: list[date]


class AmountOut(Schema):
    quarter: int
    key: str = Field(..., description='"" for the quarter\'s total, else a part of the split')
    amount: Decimal


class RevenueTargetOut(ProposalOut):
    dimension: str
    currency: str
    amounts: list[AmountOut]

    @staticmethod
    def resolve_amounts(obj: Any) -> list[Any]:
        return list(obj.amounts.all())


class RevenueTargetIn(InputSchema):
    quarters: dict[str, Decimal] = Field(
        ..., description='Each quarter\'s target: {"1": 300000, ... "4": 450000}'
    )
    dimension: str = one_of(RevenueTarget.Dimension.values, "")
    split: dict[str, dict[str, Decimal]] | None = Field(
        None, description='Per part, its quarters: {"North": {"1": 100000}}'
    )
    note: str = Field("", max_length=500)


class FigureOut(Schema):
    key: str
    label: str
    side: str
    kind: str = Field(..., description="rate and share as fractions, days, or money")
    value: float = Field(..., description="What the plan uses")
    source: str = Field(..., description="measured, override or default")
    reason: str = Field(..., description="The override's reason, or why the default is used")
    measured: float | None
    sample: int = Field(..., description="Cases the measured figure rests on")
    low: float | None = Field(None, description="95 % interval, low end")
    high: float | None = Field(None, description="95 % interval, high end")


class AssumptionIn(InputSchema):
    key: str = one_of(ASSUMPTIONS)
    applies: str = one_of(Assumption.Applies.values)
    value: Decimal = Field(..., description="Rates in %, lags in days, the deal in money")
    reason: str = Field("", max_length=500)


class StepOut(Schema):
    stage: str
    count: float
    due: date


class FunnelMonthOut(Schema):
    month: date
    before: bool = Field(..., description="Due before the period starts")
    revenue: Decimal | None
    leads: int
    mqls: int
    accepted: int
    sqls: int
    opportunities: int
    wins: int


class ByWhenOut(Schema):
    month: date
    revenue: Decimal
    steps: list[StepOut]


class FunnelOut(Schema):
    figures: list[FigureOut]
    months: list[FunnelMonthOut]
    totals: dict[str, int]
    by_when: list[ByWhenOut]


class ActualMonthOut(Schema):
    month: date
    planned: dict[str, int]
    actual: dict[str, int]
    revenue_target: Decimal
    revenue_won: Decimal


class KpiOut(Schema):
    key: str
    label: str
    side: str
    unit: str
    better: str
    months: list[date]
    values: list[float | None]
    to_date: float | None
    target: Decimal | None
    attainment: float | None


class KpiTargetIn(InputSchema):
    key: str = Field(..., max_length=40)
    value: Decimal = Field(..., ge=0)


class MeasureIn(InputSchema):
    key: str = Field(..., max_length=40)
    weight: Decimal = Field(..., gt=0, le=100)
    threshold: Decimal = Field(Decimal("0"), ge=0, le=200)
    cap: Decimal = Field(Decimal("100"), ge=1, le=300)


class IncentiveIn(InputSchema):
    pool: Decimal = Field(..., ge=0, le=Decimal("999999999999.99"), decimal_places=2)
    measures: list[MeasureIn] = Field(..., min_length=1, max_length=10)
    note: str = Field("", max_length=500)


class MeasureOut(Schema):
    key: str
    weight: Decimal
    threshold: Decimal
    cap: Decimal


class IncentiveOut(ProposalOut):
    pool: Decimal
    currency: str
    measures: list[MeasureOut]

    @staticmethod
    def resolve_measures(obj: Any) -> list[Any]:
        return list(obj.measures.all())


class StatementLineOut(Schema):
    key: str
    weight: Decimal
    threshold: Decimal
    cap: Decimal
    actual: float | None
    target: Decimal | None
    attainment: float | None
    factor: float = Field(..., description="% of the weight paid")
    paid: float = Field(..., description="% of the pool earned")


class StatementOut(Schema):
    incentive_id: int
    pool: Decimal
    currency: str
    share: float = Field(..., description="% of the pool earned to date")
    payout: Decimal
    lines: list[StatementLineOut]
