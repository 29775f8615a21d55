"""The budget API's shapes. Amounts are strings of a decimal to the penny, each beside
its currency; months are the first day of the month."""

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import StrictBool

from tandem.budget.models import BudgetLine, Commitment
from tandem.core.dates import ApiDate
from tandem.core.ids import RecordId
from tandem.core.schemas import InputSchema, RequiredText, one_of

# "1500.00" or 1500: the services refuse a negative or zero amount, naming the field.
Amount = Annotated[Decimal, Field(max_digits=14, decimal_places=2)]


class BudgetOut(Schema):
    id: int
    period_id: int
    period: str = Field(..., alias="period.name")
    currency: str
    is_open: bool = Field(..., alias="period.is_open")


class MonthOut(Schema):
    month: date
    planned: Decimal
    committed: Decimal
    actual: Decimal
    available: Decimal


class LineOut(Schema):
    id: int
    budget_id: int
    team_id: int
    owner_id: int
    name: str
    category: str = one_of(BudgetLine.Category.values)
    currency: str
    planned: Decimal
    committed: Decimal
    actual: Decimal
    available: Decimal


class LineIn(InputSchema):
    period_id: RecordId
    team_id: RecordId
    name: RequiredText = Field(..., max_length=200)
    category: str = one_of(BudgetLine.Category.values)
    owner_id: RecordId | None = None
    currency: str = Field("", max_length=3, description="Empty: the period's currency")
    campaign_ids: list[RecordId] = Field(default_factory=list, max_length=200)
    funds_ids: list[RecordId] = Field(
        default_factory=list, max_length=200, description="Sales lines: the people it funds"
    )


class PlanIn(InputSchema):
    """One of: ``amounts`` per month; ``total`` spread evenly over ``months``; ``total``
    split by ``weights`` per month."""

    amounts: dict[str, Amount] | None = Field(None, description='{"2027-03": "1500.00"}')
    total: Amount | None = None
    months: list[str] | None = Field(None, max_length=12)
    weights: dict[str, Decimal] | None = None


class SpendOut(Schema):
    id: int
    line_id: int
    month: date
    spent_on: date
    amount: Decimal
    original_amount: Decimal
    original_currency: str
    rate: Decimal | None = Field(..., description="The dated rate used, when converted")
    supplier: str
    note: str
    commitment_id: int | None
    campaign_cost_id: int | None
    has_attachment: bool

    @staticmethod
    def resolve_has_attachment(obj: Any) -> bool:
        return bool(obj.attachment)


class SpendIn(InputSchema):
    amount: Amount
    spent_on: ApiDate
    currency: str = Field("", max_length=3, description="Empty: the line's currency")
    supplier: str = Field("", max_length=200)
    note: str = Field("", max_length=500)
    commitment_id: RecordId | None = None


class CommitmentOut(Schema):
    id: int
    line_id: int
    month: date
    number: str
    supplier: str
    amount: Decimal
    settled: Decimal
    status: str = one_of(Commitment.Status.values)


class CommitmentIn(InputSchema):
    number: RequiredText = Field(..., max_length=60)
    supplier: RequiredText = Field(..., max_length=200)
    amount: Amount
    month: str = Field(..., description="2027-03", max_length=10)
    note: str = Field("", max_length=500)


class CloseIn(InputSchema):
    release: StrictBool = Field(True, description="True: not needed (released); false: done with")


class ReallocationOut(Schema):
    id: int
    from_line_id: int
    to_line_id: int
    amount: Decimal
    months: list[date]
    status: str
    note: str
    proposed_by_id: int | None
    approval_request_id: int | None


class ReallocationIn(InputSchema):
    from_line_id: RecordId
    to_line_id: RecordId
    amount: Amount
    rationale: RequiredText = Field(..., max_length=500)
    months: list[str] = Field(default_factory=list, max_length=12)


class ReturnOut(Schema):
    line_id: int
    name: str
    kind: str
    spent: Decimal
    pipeline: Decimal
    revenue: Decimal
    revenue_per_pound: Decimal | None
    pipeline_per_pound: Decimal | None
