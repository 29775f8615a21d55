"""The calendar API's shapes: items by date range, their readiness and moves, and sales
capacity per week."""

from datetime import date, datetime
from uuid import UUID

from ninja import Field, Schema
from pydantic import StrictBool

from tandem.calendar.models import Readiness
from tandem.calendar.readiness import NEEDS_READINESS
from tandem.campaigns.models import Campaign, Channel
from tandem.core.dates import ApiDate
from tandem.core.ids import RecordId
from tandem.core.schemas import InputSchema, one_of


class ReadinessOut(Schema):
    status: str
    note: str
    reps_briefed: bool
    collateral_signed_off: bool
    capacity_booked: bool
    marked_by_id: int | None
    marked_at: datetime


class ItemOut(Schema):
    id: int
    uid: UUID = Field(..., description="Never changes: what calendar clients key items on")
    name: str
    type: str
    channel: str
    status: str
    region: str
    starts_on: date
    ends_on: date
    owner_id: int | None
    team_id: int | None
    sequence: int = Field(..., description="Rises whenever the dates or the status change")
    version: int = Field(..., description="Send it back with a move: a stale one is refused")
    needs_readiness: bool
    readiness: ReadinessOut | None

    @staticmethod
    def resolve_needs_readiness(item: Campaign) -> bool:
        return item.type in NEEDS_READINESS

    @staticmethod
    def resolve_readiness(item: Campaign) -> Readiness | None:
        try:
            return item.readiness
        except Readiness.DoesNotExist:
            return None


class ItemFilterIn(Schema):
    first: ApiDate = Field(..., description="First day of the range (YYYY-MM-DD)")
    last: ApiDate = Field(..., description="Last day of the range, at most 400 days on")
    team: RecordId | None = None
    owner: RecordId | None = None
    channel: str = one_of(["", *Channel.values], default="")
    type: str = one_of(["", *Campaign.Type.values], default="")
    status: str = one_of(["", *Campaign.Status.values], default="")
    region: str = Field("", max_length=100)


class MoveIn(InputSchema):
    starts_on: ApiDate
    ends_on: ApiDate
    version: int = Field(..., ge=1, description="The item's version you read")


class ReadinessIn(InputSchema):
    status: str = one_of(Readiness.Status.values)
    note: str = Field("", max_length=500)
    reps_briefed: StrictBool = False
    collateral_signed_off: StrictBool = False
    capacity_booked: StrictBool = False


class SalesCapacityCauseOut(Schema):
    campaign_id: int
    name: str
    leads: float
    basis: str  # "expected" or "measured"
    sample_size: int  # finished campaigns the measured curve came from (0: expected)


class SalesCapacityWeekOut(Schema):
    week_of: date  # the Monday
    inflow: float  # leads coming in: expected + measured
    expected: float
    measured: float
    capacity: float  # reps' weekly limits for the days they work
    open_load: float  # open leads this week carries
    available: float  # capacity less open load
    difference: float  # available less inflow (negative: short)
    over: bool
    reps: int
    reps_working: int
    campaigns: list[SalesCapacityCauseOut]  # what causes an over-capacity week, most first
    more_campaigns: int


class SalesCapacityCurveOut(Schema):
    type: str
    sample_size: int
    mean_members: float
    weekly_mqls: list[float]  # per sample campaign, week 0 = the week after launch


class SalesCapacityOut(Schema):
    first_week: date
    region: str  # "" every region; "elsewhere": reps and leads no regional rule covers
    region_label: str
    regions: list[str]  # what ``region`` may be
    reps: int
    notes: list[str]  # said in words: no reps, everyone away
    curves: list[SalesCapacityCurveOut]
    weeks: list[SalesCapacityWeekOut]
