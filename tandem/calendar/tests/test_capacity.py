"""Capacity's figures from known data: expected inflow pro rata, the measured curve from
three finished campaigns of a type (scaled by audience), reps x working days with a
holiday and an absence, the open load as a backlog, no reps or everyone away, and
regions from the routing rules."""

from datetime import UTC, date, datetime, timedelta

import pytest

from tandem.calendar import capacity
from tandem.campaigns.models import Campaign, CampaignMember
from tandem.factories.campaigns import CampaignFactory
from tandem.factories.crm import AccountFactory, ContactFactory
from tandem.factories.handoff import LeadFactory
from tandem.factories.people import MembershipFactory, TeamFactory, UserFactory
from tandem.handoff.models import BusinessHours, Holiday, LifecycleEvent, RoutingRule, Stage
from tandem.people.models import Membership, Team

FIRST = date(2030, 1, 7)  # a Monday


def day(n: int) -> date:
    return FIRST + timedelta(days=n)


def planned(org, name, first, last, expected=0, **more):
    return CampaignFactory(
        name=name, owner=org.marketer, starts_on=first, ends_on=last,
        expected_leads_per_week=expected, type=more.pop("type", "email"), **more,
    )  # fmt: skip


def figures(weeks, *names, n=4):
    return [tuple(getattr(w, name) for name in names) for w in weeks[:n]]


def test_expected_leads_come_in_pro_rata_over_partial_weeks(org):
    planned(org, "Wed to Tue", day(2), day(15), expected=7)  # 5 days, 7 days, 2 days
    planned(org, "One Sunday", day(20), day(20), expected=14)  # 1 day of 14 a week
    planned(org, "Cut", day(0), day(30), expected=70, status=Campaign.Status.CUT)
    planned(org, "Done", day(0), day(30), expected=70, status=Campaign.Status.FINISHED)
    weeks = capacity.weekly(FIRST, 13, today=FIRST)
    assert len(weeks) == 13 and weeks[0].monday == FIRST and weeks[12].monday == day(84)
    assert figures(weeks, "inflow", "expected", "measured") == [
        (5, 5, 0), (7, 7, 0), (4, 4, 0), (0, 0, 0),
    ]  # fmt: skip
    # Sam (the one rep, a limit of 40) takes them all: nothing over.
    assert figures(weeks, "capacity", "available", "difference", "over") == [
        (40, 40, 35, False), (40, 40, 33, False), (40, 40, 36, False), (40, 40, 40, False),
    ]  # fmt: skip


def _finished_webinar(org, n, starts, members, mqls_by_week):
    """A finished webinar with ``members`` people and MQLs in the weeks after its start."""
    found = CampaignFactory(
        name=f"Old webinar {n}", owner=org.marketer, type="webinar",
        status=Campaign.Status.FINISHED, starts_on=starts, ends_on=starts + timedelta(days=2),
    )  # fmt: skip
    CampaignMember.objects.bulk_create(
        CampaignMember(campaign=found, contact=ContactFactory()) for _ in range(members)
    )
    for week, count in enumerate(mqls_by_week):
        for _ in range(count):
            lead = LeadFactory(stage=Stage.CUSTOMER)  # long closed: no open load
            at = datetime.combine(starts + timedelta(weeks=week, days=3), datetime.min.time())
            LifecycleEvent.objects.create(
                lead=lead, to_stage=Stage.MQL, campaign=found, at=at.replace(hour=12, tzinfo=UTC)
            )
    return found


def test_the_measured_curve_takes_over_at_three_finished_campaigns_scaled_by_audience(org):
    soon = planned(org, "New webinar", day(7), day(9), expected=100, type="webinar")
    CampaignMember.objects.bulk_create(
        CampaignMember(campaign=soon, contact=ContactFactory()) for _ in range(4)
    )
    _finished_webinar(org, 1, date(2029, 3, 5), 1, [3, 3])
    _finished_webinar(org, 2, date(2029, 6, 4), 2, [6, 0])
    # An MQL before launch, or one of another campaign, is not the curve's.
    other = CampaignFactory(owner=org.marketer, status=Campaign.Status.FINISHED, type="email")
    LifecycleEvent.objects.create(
        lead=LeadFactory(stage=Stage.CUSTOMER), to_stage=Stage.MQL, campaign=other,
        at=datetime(2029, 3, 6, 12, tzinfo=UTC),
    )  # fmt: skip
    two = capacity.Forecast(FIRST, 13, today=FIRST)
    assert two.curves == {}  # two finished webinars: expected leads, 100 a week for 3 days
    assert figures(two.week_loads(), "inflow", "expected", "measured", n=3) == [
        (0, 0, 0), (42.9, 42.9, 0), (0, 0, 0),
    ]  # fmt: skip
    _finished_webinar(org, 3, date(2029, 9, 3), 3, [0, 3, 0, 0])
    three = capacity.Forecast(FIRST, 13, today=FIRST)
    curve = three.curves["webinar"]
    assert (curve.sample, curve.mean_members, list(curve.weekly[:3])) == (3, 2.0, [3.0, 2.0, 0.0])
    # Measured, not expected: 3 and 2 MQLs a week after the start, x2 for 4 members
    # against the sample's 2, whatever the campaign's own three days.
    weeks = three.week_loads()
    assert figures(weeks, "inflow", "expected", "measured") == [
        (0, 0, 0), (6, 0, 6), (4, 0, 4), (0, 0, 0),
    ]  # fmt: skip
    # Starting on a Thursday, each week of the curve falls 4/7 and 3/7 across two weeks.
    Campaign.objects.filter(pk=soon.pk).update(starts_on=day(3), ends_on=day(5))
    moved = capacity.weekly(FIRST, 13, today=FIRST)
    assert [w.inflow for w in moved[:3]] == [3.4, 4.9, 1.7]  # 24/7, 34/7, 12/7
    # A webinar with no members yet is not scaled: the sample's mean campaign.
    CampaignMember.objects.filter(campaign=soon).delete()
    assert [w.inflow for w in capacity.weekly(FIRST, 13, today=FIRST)[:3]] == [1.7, 2.4, 0.9]


def test_capacity_is_reps_times_working_days_less_holidays_and_absence(org):
    BusinessHours.objects.create(team=org.sales, weekdays="12345")
    Holiday.objects.create(team=org.sales, day=day(9), name="A Wednesday off")
    rita = UserFactory(full_name="Rita Rep", lead_capacity=20, away_until=day(8))
    MembershipFactory(user=rita, team=org.sales)
    gone = UserFactory(is_active=False)  # no longer here: no capacity
    MembershipFactory(user=gone, team=org.sales)
    weeks = capacity.weekly(FIRST, 13, today=FIRST)
    # Week 1: Sam 40, Rita away. Week 2: Sam 4 days of 5 (32), Rita back Thursday (2/5
    # of 20). Then both: 60. The head is not a rep.
    assert figures(weeks, "capacity", "reps", "reps_in", n=3) == [
        (40, 2, 1), (40, 2, 2), (60, 2, 2),
    ]  # fmt: skip
    # A six-day week counts a Saturday; a team with no working days gives nothing.
    BusinessHours.objects.filter(team=org.sales).update(weekdays="123456")
    assert capacity.weekly(FIRST, 13, today=FIRST)[2].capacity == 60
    BusinessHours.objects.filter(team=org.sales).update(weekdays="")
    assert [w.capacity for w in capacity.weekly(FIRST, 3, today=FIRST)] == [40, 40, 60]  # default
    BusinessHours.objects.filter(team=org.sales).update(weekdays="8")
    assert [w.capacity for w in capacity.weekly(FIRST, 3, today=FIRST)] == [0, 0, 0]


def test_open_load_is_taken_from_this_week_on(org):
    for _ in range(10):
        LeadFactory(stage=Stage.MQL, rep=org.sales_rep, team=org.sales)
    for _ in range(3):
        LeadFactory(stage=Stage.ACCEPTED, rep=org.sales_rep, team=org.sales)
    LeadFactory(stage=Stage.MQL, team=org.sales)  # the team's, no rep free yet
    for stage in (Stage.LEAD, Stage.SQL, Stage.RECYCLED, Stage.DISQUALIFIED):
        LeadFactory(stage=stage, rep=org.sales_rep, team=org.sales)  # not on a plate
    planned(org, "Busy", day(0), day(13), expected=30)
    weeks = capacity.weekly(FIRST, 13, today=day(3))
    assert figures(weeks, "capacity", "load", "available", "inflow", "difference", "over", n=2) == [
        (40, 14, 26, 30, -4, True), (40, 0, 40, 30, 10, False),
    ]  # fmt: skip
    assert weeks[0].shortfall == 4 and weeks[0].causes == [
        capacity.Cause(Campaign.objects.get(name="Busy").pk, "Busy", 30, "expected", 0)
    ]
    # More than a week's capacity: the rest carries into the next weeks.
    for _ in range(60):
        LeadFactory(stage=Stage.MQL, rep=org.sales_rep, team=org.sales)
    found = capacity.Forecast(FIRST, 13, today=day(3))
    assert [w.load for w in found.week_loads()[:3]] == [40, 34, 0]
    assert found.load_beyond.sum() == 0
    short = capacity.Forecast(FIRST, 1, today=day(3))
    assert short.load_beyond.sum() == 34


def test_no_reps_and_everyone_away_give_no_capacity_and_no_error(org):
    planned(org, "Busy", day(0), day(6), expected=7)
    Membership.objects.filter(user=org.sales_rep).delete()
    weeks = capacity.weekly(FIRST, 13, today=FIRST)
    assert (weeks[0].reps, weeks[0].capacity, weeks[0].available, weeks[0].over) == (0, 0, 0, True)
    Membership.objects.create(user=org.sales_rep, team=org.sales)
    org.sales_rep.away_until = day(365)
    org.sales_rep.save()
    weeks = capacity.weekly(FIRST, 13, today=FIRST)
    assert {(w.reps, w.reps_in, w.capacity) for w in weeks} == {(1, 0, 0)}
    Team.objects.filter(function=Team.Function.SALES).delete()
    assert capacity.weekly(FIRST, 13, today=FIRST)[1].capacity == 0  # no sales team at all


def test_regions_follow_the_routing_rules_and_the_accounts(org):
    south = TeamFactory(name="Sales South", function=Team.Function.SALES)
    rob = UserFactory(full_name="Rob Rep", lead_capacity=30)
    MembershipFactory(user=rob, team=south)
    rita = UserFactory(full_name="Rita Rep", lead_capacity=20)  # in no regional rule
    MembershipFactory(user=rita, team=TeamFactory(name="Inside", function=Team.Function.SALES))
    north = RoutingRule.objects.create(name="North", region=" North ", team=org.sales)
    north.reps.add(org.sales_rep)
    RoutingRule.objects.create(name="South", region="south", team=south, position=1)
    RoutingRule.objects.create(name="Off", region="West", team=south, active=False)
    for region in ("North", "north", "NORTH", "South"):
        AccountFactory(region=region)
    planned(org, "Northern", day(0), day(6), expected=7, region="north")
    planned(org, "Everywhere", day(0), day(6), expected=28)  # 3/4 north, 1/4 south
    planned(org, "Wales", day(0), day(6), expected=7, region="Wales")  # no rule: elsewhere
    found = capacity.Forecast(FIRST, 13, today=FIRST)
    assert found.region_choices() == [
        ("north", "North"), ("south", "south"), ("elsewhere", "Elsewhere"),
    ]  # fmt: skip
    by_region = {
        key: figures(found.week_loads(key), "label", "inflow", "capacity", "reps", "over", n=1)[0]
        for key in (None, "NORTH", "south", "elsewhere")
    }
    assert by_region == {
        None: ("All regions", 42, 90, 3, False),
        "NORTH": ("North", 28, 40, 1, False),
        "south": ("south", 7, 30, 1, False),
        "elsewhere": ("Elsewhere", 7, 20, 1, False),
    }
    assert found.region_key("Atlantis") is None
    # With no accounts, a campaign for every region goes by reps.
    from tandem.crm.models import Account

    Account.objects.all().delete()
    found = capacity.Forecast(FIRST, 13, today=FIRST)
    assert [found.week_loads(k)[0].inflow for k in ("north", "south", "elsewhere")] == [
        16.3, 9.3, 16.3,
    ]  # fmt: skip


@pytest.mark.parametrize("weeks", [1, 13, 52])
def test_any_horizon_has_its_weeks(org, weeks):
    assert len(capacity.weekly(FIRST, weeks, today=FIRST)) == weeks


def test_leads_of_regions_no_rule_names_count_where_the_round_robin_sends_them(org):
    """One regional rule over the only sales team (naming nobody): every rep sits in it,
    so leads from elsewhere go round that team, and count against its reps, not against
    an "elsewhere" with nobody in it."""
    RoutingRule.objects.create(name="Yorkshire", region="Yorkshire", team=org.sales)
    for region in ("Yorkshire", "North East", "North East", "Cumbria", ""):
        AccountFactory(region=region)
    planned(org, "Everywhere", day(0), day(6), expected=20)
    planned(org, "Cumbrian fair", day(0), day(6), expected=5, region="Cumbria")
    found = capacity.Forecast(FIRST, 13, today=FIRST)
    assert found.region_choices() == [("yorkshire", "Yorkshire")]  # nobody "elsewhere"
    week = found.week_loads("yorkshire")[0]
    assert (week.inflow, week.capacity) == (25, 40)
