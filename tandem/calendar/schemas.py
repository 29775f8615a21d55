"""The calendar's API shapes: sales capacity per week."""

from datetime import date

from ninja import Schema


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
