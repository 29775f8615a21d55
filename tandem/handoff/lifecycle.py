"""What sales does with a lead: accept, reject with a reason (back to nurture), follow
up, and the other moves between stages.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from tandem.core.errors import DomainError, ErrorCode, invalid
from tandem.core.permissions import Action, can, require
from tandem.core.services import record_event
from tandem.crm.models import Activity
from tandem.handoff import referral_outcomes
from tandem.handoff.clock import business_hours_between
from tandem.handoff.errors import HandoffError
from tandem.handoff.models import (
    OPEN_STAGES,
    Lead,
    LifecycleEvent,
    Referral,
    RejectionReason,
    Stage,
)
from tandem.handoff.routing import calendar_of, lead_url
from tandem.notifications.services import notify
from tandem.people.models import User

MAX_NOTE = 2000


def may_work(actor: Any, lead: Lead) -> bool:
    """Whether ``actor`` may accept, reject or follow up ``lead``: its rep, a head of its
    team, or (while nobody has it) any member of its team."""
    if not can(actor, Action.WORK, lead):
        return False
    return not lead.rep_id or lead.rep_id == actor.pk or lead.team_id in actor.headed_team_ids()


def check_worker(actor: User, lead: Lead) -> None:
    require(actor, Action.WORK, lead)
    if not may_work(actor, lead):
        raise DomainError(ErrorCode.FORBIDDEN, f"This lead is {lead.rep}'s to work.")


def accept(*, actor: User, lead: Lead) -> Lead:
    """Sales accepts the lead. Exactly one of two simultaneous accepts wins: the update
    only applies while the lead is still an MQL. An unassigned lead goes to the rep who
    accepts it."""
    check_worker(actor, lead)
    now = timezone.now()
    with transaction.atomic():
        rep_id = lead.rep_id or actor.pk
        won = Lead.objects.filter(pk=lead.pk, stage=Stage.MQL, rep_id=lead.rep_id).update(
            stage=Stage.ACCEPTED,
            stage_changed_at=now,
            accepted_at=now,
            rep_id=rep_id,
            accept_hours=business_hours_since(lead.assigned_at, now, lead.team_id),
        )
        if not won:
            raise DomainError(
                HandoffError.LEAD_ALREADY_DECIDED,
                "Someone else has already accepted or rejected this lead.",
            )
        lead.refresh_from_db()
        event(lead, Stage.MQL, Stage.ACCEPTED, actor=actor, why="Accepted by sales", at=now)
        record_event("lead.accepted", subject=lead.contact)
        referral_outcomes.settle(lead, Referral.Outcome.ACCEPTED, actor=actor)
    return lead


def business_hours_since(
    since: datetime | None, until: datetime, team_id: int | None
) -> Decimal | None:
    if since is None:
        return None
    hours = business_hours_between(since, until, calendar_of(team_id))
    return Decimal(str(round(hours, 2)))


def event(lead: Lead, from_stage: str, to_stage: str, **fields: Any) -> LifecycleEvent:
    return LifecycleEvent.objects.create(
        lead=lead,
        from_stage=from_stage,
        to_stage=to_stage,
        rep=lead.rep,
        campaign_id=lead.source_campaign_id,
        source=lead.source,
        **fields,
    )


def reject(*, actor: User, lead: Lead, reason: str, note: str) -> Lead:
    """Sales sends the lead back to nurture with a reason code and a note, both of which
    marketing sees (per campaign and per source in the report)."""
    check_worker(actor, lead)
    found = RejectionReason.objects.filter(code=(reason or "").strip()[:40], active=True).first()
    if found is None:
        raise invalid("reason", "Choose a reason for rejecting this lead.")
    note = (note or "").strip()
    if not note:
        raise invalid("note", "Say in a few words why, so marketing can act on it.")
    if len(note) > MAX_NOTE:
        raise invalid("note", f"At most {MAX_NOTE} characters, please ({len(note)} given).")
    if lead.stage not in OPEN_STAGES:
        raise DomainError(HandoffError.LEAD_NOT_OPEN, "This lead is no longer open; reload it.")
    now = timezone.now()
    with transaction.atomic():
        from_stage = lead.stage
        won = Lead.objects.filter(pk=lead.pk, stage=lead.stage, rep_id=lead.rep_id).update(
            stage=Stage.RECYCLED,
            stage_changed_at=now,
            rejection_reason=found,
            rejection_note=note,
            rep_id=lead.rep_id or actor.pk,
            accept_hours=business_hours_since(lead.assigned_at, now, lead.team_id)
            if lead.stage == Stage.MQL
            else lead.accept_hours,
        )
        if not won:
            raise DomainError(
                HandoffError.LEAD_ALREADY_DECIDED,
                "Someone else has already accepted or rejected this lead.",
            )
        lead.refresh_from_db()
        event(
            lead,
            from_stage,
            Stage.RECYCLED,
            actor=actor,
            why=f"Rejected: {found.label}",
            reason=found,
            note=note,
            at=now,
        )
        record_event("lead.rejected", subject=lead.contact, data={"reason": found.code})
        referral_outcomes.settle(
            lead, Referral.Outcome.REJECTED, actor=actor, reason=found, note=note
        )
        campaign = lead.source_campaign
        if campaign is not None and campaign.owner_id and campaign.owner_id != actor.pk:
            notify(
                recipients=[campaign.owner],
                kind="lead.rejected",
                text=f"A lead from {campaign.name} was rejected: {found.label}",
                url=lead_url(lead),
                actor=actor,
            )
    return lead


def record_follow_up(
    *, actor: User, lead: Lead, kind: str, subject: str, body: str = ""
) -> Activity:
    """The rep's first (or a later) follow-up: an activity on the contact's timeline; the
    first one after acceptance stops the follow-up clock."""
    from tandem.crm.services import log_activity

    check_worker(actor, lead)
    if lead.stage != Stage.ACCEPTED:
        raise invalid("stage", "Accept the lead before following it up.")
    if kind not in (Activity.Kind.CALL, Activity.Kind.EMAIL, Activity.Kind.MEETING):
        raise invalid("kind", "A follow-up is a call, an e-mail or a meeting.")
    with transaction.atomic():
        activity = log_activity(
            actor=actor, kind=kind, subject=subject, body=body, contact=lead.contact
        )
        if lead.followed_up_at is None:
            now = activity.occurred_at
            Lead.objects.filter(pk=lead.pk, followed_up_at__isnull=True).update(
                followed_up_at=now,
                follow_up_hours=business_hours_since(lead.assigned_at, now, lead.team_id),
            )
            lead.refresh_from_db()
    return activity


# The moves made by hand, from each stage (an MQL is accepted or rejected with its own
# buttons). Sales qualified is reached by converting (``conversion.convert``), which
# opens or links the opportunity in the same step.
MOVES: dict[str, tuple[str, ...]] = {
    Stage.SUBSCRIBER: (Stage.LEAD, Stage.DISQUALIFIED),
    Stage.LEAD: (Stage.DISQUALIFIED,),
    Stage.RECYCLED: (Stage.DISQUALIFIED,),
    Stage.ACCEPTED: (Stage.SQL, Stage.DISQUALIFIED),
    Stage.SQL: (Stage.CUSTOMER, Stage.RECYCLED),
    Stage.DISQUALIFIED: (Stage.LEAD,),
}


def stage_label(stage: str) -> str:
    return str(dict(Stage.choices).get(stage, "that stage")).lower()


def check_move(actor: User, lead: Lead, stage: str) -> None:
    """The rule for moving ``lead`` to ``stage`` by hand, which the stage picker offers
    (``moves_for``) and every move obeys: the lifecycle allows it from the lead's stage
    (``MOVES``), and the actor may: whoever works the lead once sales has it (accepted
    or sales qualified), whoever may change the contact before."""
    if stage not in MOVES.get(lead.stage, ()):
        raise DomainError(
            HandoffError.LEAD_MOVE_NOT_ALLOWED,
            f"A lead cannot go from {stage_label(lead.stage)} to {stage_label(stage)}.",
            field="stage",
        )
    if lead.stage in (Stage.ACCEPTED, Stage.SQL):
        check_worker(actor, lead)
    else:
        require(actor, Action.CHANGE, lead.contact)


def moves_for(actor: User, lead: Lead) -> list[str]:
    """The stages ``actor`` may move ``lead`` to now, in lifecycle order: ``check_move``
    asked of each, so the picker never offers a move the service would refuse."""
    allowed = []
    for stage in MOVES.get(lead.stage, ()):
        try:
            check_move(actor, lead, stage)
        except DomainError:
            continue
        allowed.append(stage)
    return allowed


def move_stage(*, actor: User, lead: Lead, stage: str, why: str) -> Lead:
    """Other moves: a sales-qualified lead becomes a customer or goes back to nurture,
    an accepted one is disqualified, marketing turns a subscriber into a lead (the rule
    is ``check_move``). Sales qualified is a conversion: ``conversion.convert``."""
    check_move(actor, lead, stage)
    if stage == Stage.SQL:
        raise DomainError(
            HandoffError.LEAD_NEEDS_OPPORTUNITY,
            "A sales-qualified lead has an opportunity: convert it, opening a new "
            "opportunity or linking an open one of its account.",
            field="stage",
        )
    why = (why or "").strip()[:300]
    if not why:
        raise invalid("why", "Say why.")
    now = timezone.now()
    with transaction.atomic():
        from_stage = lead.stage
        if not Lead.objects.filter(pk=lead.pk, stage=from_stage).update(
            stage=stage, stage_changed_at=now
        ):
            raise DomainError(HandoffError.LEAD_MOVED_ON, "The lead moved on meanwhile; reload it.")
        lead.refresh_from_db()
        event(lead, from_stage, stage, actor=actor, why=why, at=now)
        record_event("lead.stage_changed", subject=lead.contact, data={"stage": stage})
        if stage == Stage.DISQUALIFIED and from_stage in OPEN_STAGES:
            referral_outcomes.settle(lead, Referral.Outcome.DISQUALIFIED, actor=actor, note=why)
    return lead
