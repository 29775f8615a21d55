"""The hand-off: a lead that crosses the MQL threshold gets a source, a priority tier,
a team and rep (``router.Router``: the customer's sales owner if free, else a fair turn)
and SLA due times in the team's business hours; the rep is notified. A lead a colleague
refers (``ByHand``) goes through the same hand-off. A head may reassign an open lead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from tandem.campaigns.models import Touchpoint
from tandem.core.bulk import update_rows
from tandem.core.errors import invalid
from tandem.core.permissions import Action, require
from tandem.core.services import record_event
from tandem.crm.models import Account, Contact
from tandem.handoff.clock import Calendar, add_business_hours
from tandem.handoff.models import (
    NURTURE_STAGES,
    OPEN_STAGES,
    BusinessHours,
    Holiday,
    Lead,
    LifecycleEvent,
    RoutingReason,
    SlaPolicy,
    SlaTier,
    Stage,
)
from tandem.handoff.router import Router
from tandem.notifications.services import Notice, local_time, notify_each
from tandem.people.models import Membership, Team, User


def lead_url(lead: Lead) -> str:
    return reverse("handoff:lead", args=[lead.pk])


def policy_tiers() -> list[SlaTier]:
    policy = SlaPolicy.objects.in_force()
    return list(policy.tiers.order_by("-min_score")) if policy else []


def tier_for(score: int, tiers: list[SlaTier]) -> SlaTier | None:
    for tier in tiers:  # highest min_score first
        if score >= tier.min_score:
            return tier
    return tiers[-1] if tiers else None


def calendar_of(team_id: int | None) -> Calendar:
    hours = BusinessHours.objects.filter(team_id=team_id).first() if team_id else None
    if hours is None or team_id is None:
        return Calendar()
    return Calendar.of(
        time_zone=hours.time_zone,
        opens_at=hours.opens_at,
        closes_at=hours.closes_at,
        weekdays=hours.weekdays,
        holidays=Holiday.objects.filter(team_id=team_id).values_list("day", flat=True),
    )


def latest_touch(field: str, contact: str = "contact_id") -> Subquery:
    """``field`` of the newest touch of the contact named by the outer ``contact``."""
    return Subquery(
        Touchpoint.objects.filter(contact_id=OuterRef(contact))
        .order_by("-occurred_at", "-id")
        .values(field)[:1]
    )


def _with_contact_and_account(ids: list[int]) -> list[Lead]:
    """These leads with their contacts and accounts (``with_contacts``)."""
    return with_contacts(list(Lead.objects.filter(pk__in=ids)))  # a plain IN: the key is a relation


def with_contacts(leads: list[Lead]) -> list[Lead]:
    """These leads with their contacts and accounts, in two queries by id. Not joined:
    for "id IN (...)" PostgreSQL does not carry the list over to the contacts, and
    walked the whole contact index to merge-join (figures in bench/README.md). Not
    prefetch_related either: on SQLite Django writes its lookup as "id = %s OR id = %s
    ...", which SQLite refuses from 1,000 leads on ("Expression tree is too large")."""
    contacts = Contact.objects.filter(pk__any_of=[lead.pk for lead in leads]).in_bulk()
    account_ids = [c.account_id for c in contacts.values() if c.account_id]
    accounts = Account.objects.filter(pk__any_of=account_ids).in_bulk() if account_ids else {}
    for lead in leads:
        contact = contacts[lead.pk]
        contact.account = accounts.get(contact.account_id) if contact.account_id else None
        lead.contact = contact
    return leads


# Written per lead by a hand-off (the rest of a hand-off is the same for every lead).
HAND_OFF_COLUMNS = [
    "tier",
    "source",
    "team_id",
    "rep_id",
    "routing_reason",
    "accept_due_at",
    "follow_up_due_at",
]


@dataclass(frozen=True)
class ByHand:
    """A hand-off a person asks for (a colleague refers a customer) rather than a score
    crossing the threshold. The source is theirs (``source``; no campaign), not the
    latest touch's; the stage change names them and says ``why``; ``top_tier`` puts the
    lead in the SLA's fastest tier (an urgent referral), else its score decides as for
    any MQL; notifications name the lead as ``named`` ("Jane Doe, referred by ...")
    instead of by its score.
    A disqualified lead may be handed over this way: a customer asking for sales is
    news that outweighs an old verdict."""

    actor: User
    source: str
    why: str
    named: str
    top_tier: bool = False


def hand_off(
    lead_ids: list[int], *, now: datetime, source: str = "", by: ByHand | None = None
) -> int:
    """Make these leads MQLs: the source (channel and campaign of the latest touch, or
    ``by``'s), a priority tier, a rep, and SLA due times; then tell each rep once. Leads
    no longer in a nurture stage are skipped, so a hand-off never happens twice. The same
    few queries serve one lead (speed to lead) or five hundred (after a rule change)."""
    stages = NURTURE_STAGES if by is None else (*NURTURE_STAGES, Stage.DISQUALIFIED)
    ids = list(
        Lead.objects.filter(pk__in=lead_ids, stage__in=stages)
        .select_for_update()
        .values_list("pk", flat=True)
    )
    if not ids:
        return 0
    if by is None:
        Lead.objects.filter(pk__in=ids).update(
            source_campaign_id=latest_touch("campaign_id"), source=latest_touch("channel")
        )
    tiers = policy_tiers()
    router = Router(now)
    leads = _with_contact_and_account(ids)
    events = route(leads, now=now, source=source, by=by, router=router, tiers=tiers)
    write_hand_off(leads, events, now=now, by=by)
    return len(ids)


def hand_off_fields(now: datetime, by: ByHand | None) -> dict[str, Any]:
    """What a hand-off sets on every lead (a recycled lead starts again from scratch)."""
    fresh: dict[str, Any] = {
        "stage": Stage.MQL,
        "stage_changed_at": now,
        "mql_at": now,
        "assigned_at": now,
        "rejection_reason_id": None,
        "rejection_note": "",
        "accepted_at": None,
        "followed_up_at": None,
        "accept_hours": None,
        "follow_up_hours": None,
    }
    if by is not None:
        fresh["source_campaign_id"] = None  # the colleague's, not a campaign's
    return fresh


def route(
    leads: list[Lead],
    *,
    now: datetime,
    source: str,
    by: ByHand | None,
    router: Router,
    tiers: list[SlaTier],
) -> list[LifecycleEvent]:
    """Give each lead (with its contact and account) what a hand-off sets: its tier,
    team, rep and SLA due times, the best leads first; returns their stage changes.
    Writes nothing: ``write_hand_off`` does."""
    router.load_owners(leads)
    events = []
    calendars: dict[int | None, Calendar] = {}
    fresh = hand_off_fields(now, by)
    for lead in sorted(leads, key=lambda x: (-x.score, x.pk)):  # the best leads first
        previous = lead.stage
        for name, value in fresh.items():
            setattr(lead, name, value)
        tier = tiers[0] if by and by.top_tier and tiers else tier_for(lead.score, tiers)
        lead.tier = tier.tier if tier else ""
        lead.source = by.source if by else lead.source or source
        lead.team_id, lead.rep, lead.routing_reason = router.choose(lead)
        if lead.team_id not in calendars:
            calendars[lead.team_id] = calendar_of(lead.team_id)
        _start_clocks(lead, tier, now, calendars[lead.team_id])
        events.append(
            LifecycleEvent(
                lead=lead,
                from_stage=previous,
                to_stage=Stage.MQL,
                why=by.why if by else f"Score {lead.score} reached the MQL threshold",
                actor=by.actor if by else None,
                rep=lead.rep,
                campaign_id=lead.source_campaign_id,
                source=lead.source,
                at=now,
            )
        )
    return events


def write_hand_off(
    leads: list[Lead],
    events: list[LifecycleEvent],
    *,
    now: datetime,
    by: ByHand | None = None,
    columns: list[str] = HAND_OFF_COLUMNS,
    notices: list[Notice] | None = None,
) -> None:
    """Store routed leads (``columns`` per lead, the rest as ``hand_off_fields``), their
    stage changes, and tell each rep once (``notices``, when written beforehand)."""
    update_rows(
        Lead,
        columns,
        [(lead.pk, *(getattr(lead, c) for c in columns)) for lead in leads],
        fixed=hand_off_fields(now, by),
    )
    LifecycleEvent.objects.bulk_create(events, batch_size=500)
    notify_each(notices_of(leads, named=by.named if by else "") if notices is None else notices)
    record_event("leads.handed_off", data={"count": len(leads)})


def _start_clocks(lead: Lead, tier: SlaTier | None, now: datetime, calendar: Calendar) -> None:
    """The SLA clocks run from the hand-off, in the sales team's business hours, even when
    no rep was free: sales' promise is the team's."""
    if tier is None:
        lead.accept_due_at = lead.follow_up_due_at = None
        return
    lead.accept_due_at = add_business_hours(now, tier.accept_within_hours, calendar)
    lead.follow_up_due_at = add_business_hours(now, tier.follow_up_within_hours, calendar)


def lead_name(lead: Lead) -> str:
    return lead.contact.full_name or lead.contact.email or f"Contact {lead.pk}"


def _tell_assigned(leads: list[Lead], named: str = "") -> None:
    """One notification per rep (a summary when a batch gave them several), and one to
    the heads for leads no rep was free to take, all in one write. ``named``: how a lead
    handed over by hand (a referral) is named, instead of by its score."""
    notify_each(notices_of(leads, named))


def notices_of(leads: list[Lead], named: str = "") -> list[Notice]:
    by_rep: dict[int, list[Lead]] = {}
    waiting: dict[int | None, list[Lead]] = {}
    for lead in leads:
        if lead.rep_id:
            by_rep.setdefault(lead.rep_id, []).append(lead)
        else:
            waiting.setdefault(lead.team_id, []).append(lead)
    notices = []
    for rep_leads in by_rep.values():
        first = rep_leads[0]
        if len(rep_leads) == 1:
            due = first.accept_due_at
            said = named or f"{lead_name(first)} (score {first.score})"
            text = f"New lead for you: {said}"
            if due:
                text += f", accept by {local_time(due, first.rep)}"  # in the rep's zone
            url = lead_url(first)
        else:
            text = f"{len(rep_leads)} new leads for you"  # no names: erasure finds it by URL
            url = reverse("handoff:queue")
        notices.append(Notice([first.rep], "lead.assigned", text, url))
    for team_id, team_leads in waiting.items():
        first = team_leads[0]
        said = named or f"{lead_name(first)} (score {first.score})"
        text = (
            f"No rep is free for {said}; assign it by hand."
            if len(team_leads) == 1
            else f"No rep is free for {len(team_leads)} new leads; assign them by hand."
        )
        url = lead_url(first) if len(team_leads) == 1 else reverse("handoff:board")
        notices.append(Notice(heads_of(team_id), "lead.unassigned", text, url))
    return notices


def heads_of(team_id: int | None) -> list[User]:
    heads = User.objects.active().filter(memberships__role=Membership.Role.HEAD)
    if team_id is None:
        return list(heads.filter(memberships__team__function=Team.Function.SALES).distinct())
    return list(heads.filter(memberships__team_id=team_id))


def reassign(*, actor: User, lead: Lead, rep: User) -> Lead:
    """A head gives an open lead to another rep of the lead's team; the SLA clocks keep
    running from the hand-off (a reassignment does not buy time)."""
    require(actor, Action.ASSIGN, lead)
    if lead.stage not in OPEN_STAGES:
        raise invalid("stage", "Only an open lead (MQL or accepted) is reassigned.")
    in_team = Membership.objects.filter(user=rep, team=lead.team).exists() if lead.team else False
    if not rep.is_active or not in_team:
        raise invalid("rep", f"{rep} is not in the team this lead was handed to.")
    if rep.pk == lead.rep_id:
        return lead
    with transaction.atomic():
        previous = lead.rep
        lead.rep, lead.routing_reason = rep, RoutingReason.REASSIGNED
        lead.save(update_fields=["rep", "routing_reason"])
        LifecycleEvent.objects.create(
            lead=lead,
            from_stage=lead.stage,
            to_stage=lead.stage,
            actor=actor,
            why=f"Reassigned from {previous or 'nobody'} to {rep}",
            rep=rep,
            at=timezone.now(),
        )
        record_event("lead.reassigned", subject=lead.contact, data={"rep": rep.pk})
        _tell_assigned([lead])
    return lead
