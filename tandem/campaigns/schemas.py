from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema
from pydantic import StrictBool

from tandem.campaigns.models import Campaign, Channel
from tandem.core.dates import ApiDate
from tandem.core.ids import RecordId
from tandem.core.schemas import InputSchema, RequiredText, one_of


class CampaignOut(Schema):
    id: int
    name: str
    type: str
    channel: str
    status: str
    starts_on: date
    ends_on: date
    audience: str
    region: str
    goal: str
    planned_budget: Decimal
    currency: str
    expected_leads_per_week: int
    parent_id: int | None
    owner_id: int | None
    form_key: str


class CampaignIn(InputSchema):
    name: RequiredText = Field(..., max_length=200)
    type: str = one_of(Campaign.Type.values)
    channel: str = one_of(Channel.values)
    starts_on: ApiDate
    ends_on: ApiDate
    planned_budget: Decimal = Field(Decimal("0"), max_digits=14, decimal_places=2)
    currency: str = Field("GBP", max_length=3)
    expected_leads_per_week: int = 0
    audience: str = Field("", max_length=300)
    region: str = Field("", max_length=100, description="Where it runs; empty: everywhere")
    goal: str = Field("", max_length=300)
    parent_id: RecordId | None = None


class StatusIn(InputSchema):
    status: str = one_of(Campaign.Status.values)


class CostIn(InputSchema):
    incurred_on: ApiDate
    amount: Decimal = Field(..., max_digits=14, decimal_places=2)
    description: RequiredText = Field(..., max_length=200)


class CostOut(Schema):
    id: int
    incurred_on: date
    amount: Decimal
    description: str


class TouchpointsIn(InputSchema):
    # Validated row by row by the service, so one bad row is reported, not the batch.
    touchpoints: list[dict[str, Any]] = Field(..., max_length=1000)


class RejectedRowOut(Schema):
    row: int
    field: str | None
    message: str


class IngestOut(Schema):
    created: int
    duplicates: int
    rejected: list[RejectedRowOut]


class TouchpointOut(Schema):
    id: int
    contact_id: int | None
    visitor_id: str
    campaign_id: int | None
    channel: str
    kind: str
    occurred_at: datetime
    utm_source: str
    utm_medium: str
    utm_campaign: str
    value: Decimal | None


class MembersIn(InputSchema):
    contact_ids: list[RecordId] = Field(..., max_length=1000)
    status: str = "targeted"


class MembersOut(Schema):
    added: int
    members: int


class CampaignMemberOut(Schema):
    id: int
    contact_id: int
    status: str
    added_at: datetime


class TargetIn(InputSchema):
    """The contact list's filters: the same people the list shows for them."""

    q: str = Field("", max_length=100, description="search words (prefixes of names, e-mail)")
    account: str = Field("", max_length=19, description="an account id")
    mine: StrictBool = Field(False, description="only contacts the caller owns")
