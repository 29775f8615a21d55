"""Ten weeks of the hand-off behind the small demo, so every home page, report and chart
has something true to show on the first login: leads marketing handed to sales week by
week; most accepted (a few after their clock ran out), some rejected with a reason,
those with a deal converted to it, the newest still waiting.

It writes what the hand-off would have written, back-dated: the leads' stages and SLA
times, their lifecycle events and the breaches, in bulk (a few queries) and from a
random generator of its own, so the rest of the demo stays as it was.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from tandem.campaigns.models import Touchpoint
from tandem.crm.models import Opportunity
from tandem.handoff.models import (
    Lead,
    LifecycleEvent,
    RejectionReason,
    RoutingReason,
    SlaBreach,
    Stage,
    Tier,
)

WEEKS = 10
# Business hours to accept and to follow up, per tier (the demo's SLA, contract.py).
CLOCKS = {Tier.HIGH: (1, 4), Tier.MEDIUM: (4, 8), Tier.LOW: (8, 16)}
NOTES = [
    "Renting, not the decision maker.",
    "Wants a quote next spring.",
    "Student project, not a buyer.",
    "Already talking to our Leeds office.",
]


def seed_history(users: dict[str, Any]) -> int:
    """Hands the closed-loop customers' leads to sales over the last ``WEEKS`` weeks;
    returns how many. Leads of people still being nurtured are left as they are."""
    rng = random.Random(2028)
    now = timezone.now()
    reps = [users["sales rep"], users["field rep"]]
    team_id = reps[0].home_team_id()
    reasons = list(RejectionReason.objects.order_by("id")[:5])
    leads = list(
        Lead.objects.filter(contact__email__endswith="@closed-loop.example", stage=Stage.LEAD)
        .select_related("contact")
        .order_by("contact_id")
    )
    deals = dict(
        Opportunity.objects.filter(contact_id__in=[lead.pk for lead in leads])
        .order_by("created_at")
        .values_list("contact_id", "id")
    )
    latest: dict[int, tuple[str, int | None]] = {}
    for contact_id, channel, campaign_id in (
        Touchpoint.objects.filter(contact_id__in=[lead.pk for lead in leads])
        .order_by("contact_id", "-occurred_at")
        .values_list("contact_id", "channel", "campaign_id")
    ):
        latest.setdefault(contact_id, (channel, campaign_id))
    events: list[LifecycleEvent] = []
    breaches: list[SlaBreach] = []
    handed = leads[: len(leads) - 4]  # four stay in nurture
    for n, lead in enumerate(handed):
        # Spread over the weeks, the newest at the end; a little busier lately.
        days_ago = (WEEKS * 7) * (1 - (n / len(handed)) ** 0.8) + rng.uniform(0, 2)
        if n >= len(handed) - 2:
            days_ago = rng.uniform(0.05, 0.8)  # this morning's
        mql_at = now - timedelta(days=days_ago, hours=rng.randint(0, 6))
        rep = reps[n % 2]
        tier = rng.choice([Tier.HIGH, Tier.MEDIUM, Tier.MEDIUM, Tier.LOW])
        accept_within, follow_up_within = CLOCKS[tier]
        lead.tier, lead.rep, lead.team_id = tier, rep, team_id
        lead.mql_at = lead.assigned_at = mql_at
        lead.accept_due_at = mql_at + timedelta(hours=accept_within)
        lead.follow_up_due_at = mql_at + timedelta(hours=follow_up_within)
        # Where the lead came from: the channel and campaign of their latest touch.
        lead.source, lead.source_campaign_id = latest.get(lead.pk, ("", None))
        handed_at_score = 50 + rng.randint(0, 40)  # engagement has decayed since
        # Sam owns these customers; the field rep's share came round the team.
        lead.routing_reason = (
            RoutingReason.CONTACT_OWNER if rep == reps[0] else RoutingReason.ROUND_ROBIN
        )
        events.append(
            LifecycleEvent(
                lead=lead, from_stage=Stage.LEAD, to_stage=Stage.MQL, rep=rep, at=mql_at,
                why=f"Score {handed_at_score} reached the MQL threshold",
                campaign_id=lead.source_campaign_id, source=lead.source,
            )
        )  # fmt: skip
        if days_ago < 1:  # the newest are still waiting for sales
            lead.stage, lead.stage_changed_at = Stage.MQL, mql_at
            continue
        # Most are decided within their clock; about one in eight after it ran out.
        if rng.random() < 0.88:
            hours = round(rng.uniform(0.1, accept_within), 1)
        else:
            hours = accept_within + rng.randint(1, 10)
        decided = mql_at + timedelta(hours=hours)
        if hours > accept_within:
            breaches.append(
                SlaBreach(
                    lead=lead, clock=SlaBreach.Clock.ACCEPT, level=SlaBreach.Level.REP,
                    due_at=lead.accept_due_at, rep=rep, tier=tier,
                    notified_at=lead.accept_due_at,
                )
            )  # fmt: skip
        if rng.random() < 0.5 and lead.pk not in deals:  # rejected, with a reason
            reason = rng.choice(reasons)
            lead.stage, lead.stage_changed_at = Stage.RECYCLED, decided
            lead.rejection_reason, lead.rejection_note = reason, rng.choice(NOTES)
            events.append(
                LifecycleEvent(
                    lead=lead, from_stage=Stage.MQL, to_stage=Stage.RECYCLED, actor=rep,
                    rep=rep, at=decided, reason=reason, note=lead.rejection_note,
                    why="Rejected by sales",
                )
            )  # fmt: skip
            continue
        lead.accepted_at, lead.accept_hours = decided, Decimal(str(hours))
        lead.followed_up_at = decided + timedelta(hours=rng.randint(1, 6))
        lead.follow_up_hours = Decimal(str(hours + 2))
        lead.stage, lead.stage_changed_at = Stage.ACCEPTED, decided
        events.append(
            LifecycleEvent(
                lead=lead, from_stage=Stage.MQL, to_stage=Stage.ACCEPTED, actor=rep, rep=rep,
                at=decided, why="Accepted by sales",
            )
        )  # fmt: skip
        if lead.pk in deals:  # the deal the lead became
            converted = decided + timedelta(days=rng.randint(1, 5))
            lead.stage, lead.stage_changed_at = Stage.SQL, converted
            lead.opportunity_id = deals[lead.pk]
            events.append(
                LifecycleEvent(
                    lead=lead, from_stage=Stage.ACCEPTED, to_stage=Stage.SQL, actor=rep,
                    rep=rep, at=converted, why="Converted to an opportunity",
                )
            )  # fmt: skip
    Lead.objects.bulk_update(
        handed,
        [
            "stage", "stage_changed_at", "source", "source_campaign", "tier", "team", "rep",
            "routing_reason",
            "mql_at", "assigned_at", "accept_due_at", "follow_up_due_at", "accepted_at",
            "followed_up_at", "accept_hours", "follow_up_hours", "rejection_reason",
            "rejection_note", "opportunity",
        ],
        batch_size=200,
    )  # fmt: skip
    LifecycleEvent.objects.bulk_create(events, batch_size=500)
    SlaBreach.objects.bulk_create(breaches, batch_size=500)
    return len(handed)


# Walk-ins and callers the front line referred this week, and what sales did with each.
REFERRALS = [
    # (referrer, first, last, phone, company, interest, outcome)
    ("front line", "Emma", "Clarke", "07700 900311", "Clarke Joinery",
     "Solar panels on the workshop roof", "converted"),
    ("front line", "Tom", "Rhodes", "0113 496 0712", "",
     "A heat pump for a terraced house", "accepted"),
    ("front line", "Priti", "Shah", "07700 900544", "",
     "Price of a battery for an existing array", "rejected"),
    ("call centre", "Lewis", "Grant", "+44 1632 960 288", "Grant Dairy Farm",
     "Called about grants for farm solar", "waiting"),
]  # fmt: skip


def seed_referrals(users: dict[str, Any]) -> int:
    """The front line's referrals, each through the real referral, accept, reject and
    convert services, so their homes show every outcome; returns how many."""
    from tandem.core.audit import Source, acting_as
    from tandem.handoff import conversion, lifecycle, referrals

    made = 0
    for who, first, last, phone, company, interest, outcome in REFERRALS:
        referrer = users[who]
        with acting_as(referrer, Source.SYSTEM):
            lead = referrals.refer_new_customer(
                actor=referrer, first_name=first, last_name=last, phone=phone,
                company=company, interest=interest, consent=True,
                note="Met in person; happy to be called during the day.",
            ).referral.lead  # fmt: skip
        made += 1
        lead.refresh_from_db()
        rep = lead.rep
        if outcome == "waiting" or rep is None:
            continue
        with acting_as(rep, Source.SYSTEM):
            if outcome == "rejected":
                lifecycle.reject(
                    actor=rep, lead=lead, reason="no-budget",
                    note="Wanted a price only; no project this year.",
                )  # fmt: skip
                continue
            lead = lifecycle.accept(actor=rep, lead=lead)
            if outcome == "converted":
                conversion.convert(
                    actor=rep, lead=lead, name=f"{company}: solar roof", amount="18500",
                    close_date=timezone.localdate() + timedelta(days=40),
                )  # fmt: skip
    return made
