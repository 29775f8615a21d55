from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import StrictBool

from tandem.core.dates import ApiDate, ApiDateTime
from tandem.core.ids import RecordId
from tandem.core.schemas import InputSchema, RequiredText, one_of
from tandem.crm.models import Activity, Opportunity
from tandem.crm.pipeline import FORECAST_MONTHS
from tandem.crm.probability import STAGE_PROBABILITY


class AccountOut(Schema):
    id: int
    name: str
    domain: str
    industry: str
    segment: str
    region: str
    owner_id: int | None
    team_id: int | None
    created_at: datetime


class AccountIn(InputSchema):
    name: RequiredText = Field(..., max_length=200)
    domain: str = Field("", max_length=253)
    industry: str = Field("", max_length=100)
    segment: str = Field("", max_length=100)
    region: str = Field("", max_length=100)


class AccountPatch(InputSchema):
    name: RequiredText | None = Field(None, max_length=200)
    domain: str | None = Field(None, max_length=253)
    industry: str | None = Field(None, max_length=100)
    segment: str | None = Field(None, max_length=100)
    region: str | None = Field(None, max_length=100)


class ContactOut(Schema):
    id: int
    first_name: str
    last_name: str
    email: str
    phone: str = Field(description="as written")
    phone_e164: str = Field(description='the phone in E.164 ("+447700900123"), or ""')
    job_title: str
    account_id: int | None
    owner_id: int | None
    team_id: int | None
    created_at: datetime
    marketing_consent: bool | None
    consent_source: str
    consent_at: datetime | None
    erased_at: datetime | None


class ConsentIn(InputSchema):
    consent: StrictBool | None
    source: RequiredText = Field(..., max_length=200)


class OptInOut(Schema):
    sent: bool = Field(description="false: a link went to them within the last hour")


class ContactIn(InputSchema):
    first_name: str = Field("", max_length=100)
    last_name: str = Field("", max_length=100)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    job_title: str = Field("", max_length=120)
    account_id: RecordId | None = None


class ContactPatch(InputSchema):
    first_name: str | None = Field(None, max_length=100)
    last_name: str | None = Field(None, max_length=100)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)
    job_title: str | None = Field(None, max_length=120)


class OpportunityOut(Schema):
    id: int
    name: str
    account_id: int
    contact_id: int | None
    stage: str
    amount: Decimal
    currency: str
    close_date: date | None
    outcome_reason: str
    owner_id: int | None
    team_id: int | None
    closed_at: datetime | None
    probability: int = Field(..., description="The stage's percent chance of closing")
    weighted_amount: Decimal = Field(..., description="amount x probability / 100")

    @staticmethod
    def resolve_probability(obj: Any) -> int:
        return STAGE_PROBABILITY[obj.stage]

    @staticmethod
    def resolve_weighted_amount(obj: Any) -> Decimal:
        return (obj.amount * STAGE_PROBABILITY[obj.stage] / 100).quantize(Decimal("0.01"))


class OpportunityPatch(InputSchema):
    """The properties to change; those left out stay. ``close_date: null`` clears it;
    closing as lost needs ``reason``. The owner must be an active member of a team (the
    deal moves to their team)."""

    name: RequiredText | None = Field(None, max_length=200)
    amount: Decimal | None = Field(None, max_digits=14, decimal_places=2, ge=0)
    currency: str | None = Field(None, min_length=3, max_length=3)
    close_date: ApiDate | None = None
    stage: str | None = one_of(Opportunity.Stage.values, None)
    reason: str | None = Field(None, max_length=300)
    owner_id: RecordId | None = None


class OpportunityIn(InputSchema):
    name: RequiredText = Field(..., max_length=200)
    account_id: RecordId
    contact_id: RecordId | None = None
    amount: Decimal = Field(Decimal("0"), max_digits=14, decimal_places=2)
    currency: str = Field("GBP", max_length=3)
    close_date: ApiDate | None = None


Owners = Literal["all", "mine", "team"]


class PipelineFilterIn(InputSchema):
    owner: Owners = Field("all", description="all you see, mine, or your teams' (team)")
    month: str = Field(
        "", pattern=r"^((19|20|21)\d\d-(0[1-9]|1[0-2]))?$", description="Close month, YYYY-MM"
    )
    totals_in: str = Field(
        "",
        pattern=r"^([A-Za-z]{3})?$",
        description="The currency of the converted totals (default: the reporting currency)",
    )


class ForecastFilterIn(InputSchema):
    owner: Owners = Field("all", description="all you see, mine, or your teams' (team)")
    currency: str = Field(
        "",
        pattern=r"^([A-Za-z]{3})?$",
        description="The currency the figures are in; deals in others are converted at "
        "today's exchange rates (default: the reporting currency)",
    )
    months: int = Field(FORECAST_MONTHS, ge=1, le=24)


class MoneyOut(Schema):
    currency: str
    amount: Decimal
    weighted: Decimal = Field(..., description="amount x the stage's probability")


class OneTotalOut(MoneyOut):
    converted: list[str] = Field(..., description="Currencies converted into this one")
    left_out: list[MoneyOut] = Field(..., description="Totals in currencies without a rate")


class StageTotalsOut(Schema):
    stage: str
    label: str
    probability: int
    closed: bool
    count: int
    totals: list[MoneyOut] = Field(..., description="One per currency, as the deals are")
    in_currency: OneTotalOut = Field(..., description="The totals in ``totals_in``")


class PipelineOut(Schema):
    month: str = Field(..., description="YYYY-MM, or empty: every open deal")
    rates_on: date = Field(..., description="The day whose exchange rates converted totals")
    stages: list[StageTotalsOut]
    open: list[MoneyOut] = Field(..., description="The open stages added up, per currency")
    open_in_currency: OneTotalOut


class ForecastMonthOut(Schema):
    month: str
    pipeline: Decimal
    weighted: Decimal
    won: Decimal
    open_count: int
    won_count: int


class ForecastOut(Schema):
    currency: str
    currencies: list[str]
    rates_on: date
    converted: list[str] = Field(..., description="Currencies converted into ``currency``")
    left_out: dict[str, Decimal] = Field(
        ..., description="Open pipeline in currencies without a rate, in their own currency"
    )
    months: list[ForecastMonthOut]
    overdue: Decimal = Field(..., description="Open deals whose close date has passed")
    overdue_count: int
    undated: Decimal = Field(..., description="Open deals without a close date")
    undated_count: int


class OpportunityStageIn(InputSchema):
    stage: str = one_of(Opportunity.Stage.values)
    reason: str = Field("", max_length=300)


class ActivityOut(Schema):
    id: int
    kind: str
    subject: str
    body: str
    occurred_at: datetime
    due_at: datetime | None
    done_at: datetime | None
    contact_id: int | None
    account_id: int | None
    opportunity_id: int | None
    owner_id: int | None


class ActivityIn(InputSchema):
    kind: str = one_of(Activity.Kind.values)
    subject: str = Field(..., max_length=200)
    body: str = Field("", max_length=10000)
    contact_id: RecordId | None = None
    account_id: RecordId | None = None
    opportunity_id: RecordId | None = None
    occurred_at: ApiDateTime | None = None
    due_at: ApiDateTime | None = None


class TimelineEntryOut(Schema):
    """An activity or a marketing touch; ``side`` is "activity" or "touch", ``id`` is
    unique per side."""

    id: int
    side: str
    kind: str = Field(..., alias="entry_kind")
    occurred_at: datetime
    contact_id: int | None
    title: str
    detail: str
    campaign: str = Field(..., alias="campaign_name")
    due_at: datetime | None = None  # tasks
    done_at: datetime | None = None


class ContactsBulkIn(InputSchema):
    """Each contact: first_name, last_name, email, phone, job_title, account_name,
    account_domain. Upserted on the normalised e-mail."""

    contacts: list[Any] = Field(..., max_length=1000)


class RejectedOut(Schema):
    row: int
    field: str | None
    message: str


class ContactsBulkOut(Schema):
    created: int
    updated: int
    accounts_created: int
    rejected: list[RejectedOut]
