"""Speed to lead's hand-off decided before the write lock and written in one short step.

On SQLite a write transaction holds the database's single write lock, and the web
forms wait for it. Deciding a hand-off (who crosses the threshold, each lead's source,
tier, rep and SLA clocks, what each rep is told) is dozens of reads and most of a
batch's time; the worker now does all of that first (``plan_hand_off``), and inside its
transaction only checks that what the plan read still holds and writes it
(``carry_out``). When anything it read has changed meanwhile (a lead moved on, a rep
it chose got or lost a lead), ``carry_out`` says so and the batch is handed off the
usual way, inside the transaction. Figures in bench/README.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef

from tandem.campaigns.models import Touchpoint
from tandem.crm.models import Contact
from tandem.handoff.models import NURTURE_STAGES, Lead, LifecycleEvent, Stage
from tandem.handoff.router import Router, lock_routing
from tandem.handoff.routing import (
    HAND_OFF_COLUMNS,
    latest_touch,
    notices_of,
    policy_tiers,
    route,
    with_contacts,
    write_hand_off,
)
from tandem.notifications.services import Notice

# A planned hand-off writes the source campaign it read, rather than reading it again.
PLANNED_COLUMNS = [*HAND_OFF_COLUMNS, "source_campaign_id"]


@dataclass
class HandOffPlan:
    """A batch's hand-off as decided from what was read at ``now``."""

    now: datetime
    contact_ids: list[int]
    seen: dict[int, tuple[str, datetime]]  # every lead of the batch: (stage, changed at)
    leads: list[Lead]  # those handed off, routed
    events: list[LifecycleEvent]
    notices: list[Notice]
    router: Router | None


def plan_hand_off(
    contact_ids: list[int],
    *,
    scores: list[tuple[int, int, int]],
    threshold: int,
    now: datetime,
    source: str,
) -> HandOffPlan:
    """Decide, by reads alone, which of these contacts cross ``threshold`` with
    ``scores`` (contact id, fit, engagement) and how each is handed off. A contact with
    no lead row yet is planned as the new lead ``ensure_leads`` makes for it at ``now``."""
    seen = {
        pk: (stage, changed)
        for pk, stage, changed in Lead.objects.filter(pk__in=contact_ids).values_list(
            "pk", "stage", "stage_changed_at"
        )
    }
    points = {pk: (fit, engagement) for pk, fit, engagement in scores}
    over = [pk for pk, (fit, engagement) in points.items() if fit + engagement >= threshold]
    crossing = [pk for pk in over if pk not in seen or seen[pk][0] in NURTURE_STAGES]
    sent_back = [pk for pk in crossing if pk in seen and seen[pk][0] == Stage.RECYCLED]
    if sent_back:  # back only with engagement after it was sent back (``qualifying``)
        newer_touch = Touchpoint.objects.filter(
            contact_id=OuterRef("contact_id"), occurred_at__gt=OuterRef("stage_changed_at")
        )
        engaged = set(
            Lead.objects.filter(pk__in=sent_back, stage=Stage.RECYCLED)
            .filter(Exists(newer_touch))
            .values_list("pk", flat=True)
        )
        crossing = [pk for pk in crossing if pk not in sent_back or pk in engaged]
    plan = HandOffPlan(now, sorted(contact_ids), seen, [], [], [], None)
    if not crossing:
        return plan
    contacts = {  # erased: no new lead row is made for them (``ensure_leads``)
        pk: (erased_at, campaign_id, channel)
        for pk, erased_at, campaign_id, channel in Contact.objects.filter(pk__any_of=crossing)
        .annotate(
            campaign=latest_touch("campaign_id", contact="pk"),
            channel=latest_touch("channel", contact="pk"),
        )
        .values_list("pk", "erased_at", "campaign", "channel")
    }
    stored = Lead.objects.filter(pk__in=[pk for pk in crossing if pk in seen]).in_bulk()
    leads = [
        stored.get(pk) or Lead(contact_id=pk, stage=Stage.LEAD, stage_changed_at=now)
        for pk in crossing
        if pk in contacts and (pk in stored or (pk not in seen and contacts[pk][0] is None))
    ]
    for lead in leads:
        fit, engagement = points[lead.pk]
        lead.fit_score, lead.engagement_score, lead.score = fit, engagement, fit + engagement
        _, lead.source_campaign_id, channel = contacts[lead.pk]
        lead.source = channel or ""
    plan.leads = with_contacts(leads)
    plan.router = Router(now, lock=False)
    plan.events = route(
        plan.leads, now=now, source=source, by=None, router=plan.router, tiers=policy_tiers()
    )
    plan.notices = notices_of(plan.leads)
    return plan


def carry_out(plan: HandOffPlan, contact_ids: list[int]) -> int | None:
    """Write a planned hand-off, inside the transaction that has just stored the batch's
    lead rows and scores, if what it was decided on still holds: the batch is the one
    planned, its leads are where they were (or new, made at the plan's time), and the
    reps it chose have the loads and turns it read. Returns how many leads were handed
    off, or None when the plan no longer holds and the batch must be handed off anew."""
    if sorted(contact_ids) != plan.contact_ids:
        return None
    now_seen = {
        pk: (stage, changed)
        for pk, stage, changed in Lead.objects.filter(pk__in=contact_ids)
        .select_for_update()
        .values_list("pk", "stage", "stage_changed_at")
    }
    made = {pk: (Stage.LEAD, plan.now) for pk in contact_ids if pk not in plan.seen}
    if now_seen != {**plan.seen, **made}:
        return None
    if not plan.leads:
        return 0
    assert plan.router is not None
    lock_routing()
    if not plan.router.as_read({lead.rep_id for lead in plan.leads if lead.rep_id}):
        return None
    write_hand_off(
        plan.leads, plan.events, now=plan.now, columns=PLANNED_COLUMNS, notices=plan.notices
    )
    return len(plan.leads)
