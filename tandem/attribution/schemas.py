from datetime import datetime
from typing import Any

from ninja import Field, Schema

from tandem.attribution.models import MAX_LOOKBACK_DAYS, MODELS
from tandem.core.schemas import InputSchema, JobOut, one_of
from tandem.handoff.schemas import ProposalOut


class ModelOut(Schema):
    code: str
    name: str
    explanation: str


class CreditOut(Schema):
    model: str
    label: str  # the channel's or campaign's name
    conversions: float
    value: float


class ReportOut(Schema):
    status: str  # "ready", "computing" (figures may be older) or "failed"
    scope: dict[str, Any]
    computed_at: datetime | None
    job: JobOut | None
    totals: dict[str, Any]
    credits: list[CreditOut]
    model_in_force: str


class ChoiceIn(InputSchema):
    model: str = one_of(MODELS)
    lookback_days: int = Field(90, ge=1, le=MAX_LOOKBACK_DAYS)
    note: str = Field("", max_length=500)


class ChoiceOut(ProposalOut):
    model: str
    lookback_days: int
