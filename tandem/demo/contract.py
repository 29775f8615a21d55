"""The hand-off contract the demo's heads agreed: the SLA, the scoring rules, the sales
team's hours and holidays, and a routing rule."""

from __future__ import annotations

from datetime import date

from tandem.approvals import contracts as joint
from tandem.core.audit import Source, acting_as
from tandem.people.models import Team, User


def agree_contract(users: dict[str, User], teams: dict[str, Team]) -> None:
    """The SLA and scoring rules both heads agreed, the sales team's hours and holidays,
    and a routing rule: Yorkshire leads go to Sam, the rest round the whole team."""
    from tandem.handoff import contracts
    from tandem.handoff.models import BusinessHours, Holiday, RoutingRule, add_default_reasons

    marketing, sales = users["marketing head"], users["sales head"]
    add_default_reasons()  # a flushed test database may have lost the migration's
    with acting_as(marketing, Source.SYSTEM):
        policy = contracts.propose_sla_policy(
            actor=marketing,
            mqls_per_month=15,  # sized to the demo: about fourteen a month are handed over
            min_acceptance_rate="70",
            tiers=[
                {
                    "tier": "high",
                    "min_score": 80,
                    "accept_within_hours": 1,
                    "follow_up_within_hours": 4,
                },
                {
                    "tier": "medium",
                    "min_score": 60,
                    "accept_within_hours": 4,
                    "follow_up_within_hours": 8,
                },
                {
                    "tier": "low",
                    "min_score": 0,
                    "accept_within_hours": 8,
                    "follow_up_within_hours": 16,
                },
            ],
            note="Same-day hand-over for webinar leads, as agreed in October.",
        )
        model = contracts.propose_scoring_model(
            actor=marketing,
            threshold=50,
            half_life_days=30,
            rules=[
                {
                    "kind": "fit",
                    "field": "job_title",
                    "operator": "contains",
                    "value": "director",
                    "points": 20,
                },
                {
                    "kind": "fit",
                    "field": "job_title",
                    "operator": "contains",
                    "value": "owner",
                    "points": 15,
                },
                {
                    "kind": "fit",
                    "field": "job_title",
                    "operator": "contains",
                    "value": "manager",
                    "points": 10,
                },
                {
                    "kind": "fit",
                    "field": "account.region",
                    "operator": "equals",
                    "value": "Yorkshire",
                    "points": 5,
                },
                {"kind": "engagement", "field": "form", "points": 30},
                {"kind": "engagement", "field": "event", "points": 25},
                {"kind": "engagement", "field": "email_click", "points": 5},
                {"kind": "engagement", "field": "ad_click", "points": 3},
                {"kind": "engagement", "field": "visit", "points": 2},
            ],
            note="Directors and owners of Yorkshire SMEs who came to an event.",
        )
    with acting_as(sales, Source.SYSTEM):
        joint.approve(actor=sales, contract=policy)
        joint.approve(actor=sales, contract=model)
    BusinessHours.objects.create(team=teams["Sales"], time_zone="Europe/London")
    Holiday.objects.bulk_create(
        [
            Holiday(team=teams["Sales"], day=date(2026, 12, 25), name="Christmas Day"),
            Holiday(team=teams["Sales"], day=date(2026, 12, 28), name="Boxing Day (substitute)"),
            Holiday(team=teams["Sales"], day=date(2027, 1, 1), name="New Year's Day"),
        ]
    )
    rule = RoutingRule.objects.create(name="Yorkshire", region="Yorkshire", team=teams["Sales"])
    rule.reps.add(users["sales rep"], users["field rep"])
