"""The SLA clocks: ``detect_breaches`` runs every minute and notifies the rep, then
the head, of each missed clock exactly once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from tandem.core.services import record_event
from tandem.crm.models import Activity
from tandem.handoff.clock import Calendar, add_business_hours
from tandem.handoff.lifecycle import business_hours_since
from tandem.handoff.models import (
    Lead,
    SlaBreach,
    Stage,
)
from tandem.handoff.routing import calendar_of, heads_of, lead_name, lead_url, policy_tiers
from tandem.notifications.services import local_time, notify


def detect_breaches(now: datetime | None = None) -> int:
    """Notify each missed SLA clock once: the rep when it is missed, the head when it is
    still not done one more SLA window later. A breach is a row with a unique key, so a
    second run, a concurrent run or a run after a worker restart notifies nobody twice;
    and leads already told about are left out by the query, so a backlog of overdue
    leads costs nothing minute after minute."""
    now = now or timezone.now()
    _pick_up_follow_ups()
    tiers = {t.tier: t for t in policy_tiers()}
    calendars: dict[int | None, Calendar] = {}
    created = 0
    clocks = (
        (SlaBreach.Clock.ACCEPT, Q(stage=Stage.MQL), "accept_due_at"),
        (
            SlaBreach.Clock.FOLLOW_UP,
            Q(stage=Stage.ACCEPTED, followed_up_at__isnull=True),
            "follow_up_due_at",
        ),
    )
    for clock, open_clock, due_field in clocks:
        late = Lead.objects.filter(open_clock, **{f"{due_field}__lt": now})
        for level in (SlaBreach.Level.REP, SlaBreach.Level.HEAD):
            told = SlaBreach.objects.filter(
                lead=OuterRef("pk"), clock=clock, due_at=OuterRef(due_field)
            )
            pending = late.filter(~Exists(told.filter(level=level)))
            if level == SlaBreach.Level.HEAD:  # the rep is told first
                pending = pending.filter(Exists(told.filter(level=SlaBreach.Level.REP)))
            for lead in pending.prefetch_related("contact", "rep").iterator(chunk_size=500):
                due = getattr(lead, due_field)
                if level == SlaBreach.Level.HEAD:
                    tier = tiers.get(lead.tier)
                    if tier is None:
                        continue
                    window = (
                        tier.accept_within_hours
                        if clock == SlaBreach.Clock.ACCEPT
                        else tier.follow_up_within_hours
                    )
                    if lead.team_id not in calendars:
                        calendars[lead.team_id] = calendar_of(lead.team_id)
                    if now < add_business_hours(due, window, calendars[lead.team_id]):
                        continue
                created += _breach(lead, clock, level, due, now)
    return created


def _breach(lead: Lead, clock: str, level: str, due: datetime, now: datetime) -> int:
    try:
        with transaction.atomic():
            SlaBreach.objects.create(
                lead=lead,
                clock=clock,
                level=level,
                due_at=due,
                rep=lead.rep,
                tier=lead.tier,
                notified_at=now,
            )
            what = "accept or reject" if clock == SlaBreach.Clock.ACCEPT else "follow up"
            name = lead_name(lead)
            if level == SlaBreach.Level.REP and lead.rep_id:
                recipients: list[Any] = [lead.rep]

                def text(reader: Any) -> str:
                    return f"SLA missed: {what} {name} was due {local_time(due, reader)}"

            else:
                recipients = heads_of(lead.team_id)
                owner = f"{lead.rep}" if lead.rep_id else "nobody"

                def text(reader: Any) -> str:
                    return f"SLA missed by {owner}: {what} {name} (due {local_time(due, reader)})"

            notify(recipients=recipients, kind="sla.breach", text=text, url=lead_url(lead))
            record_event(
                "sla.breached", subject=lead.contact, data={"clock": clock, "level": level}
            )
    except IntegrityError:
        return 0  # recorded (and notified) by an earlier or concurrent run
    return 1


def _pick_up_follow_ups() -> int:
    """A call, e-mail or meeting logged on the contact from the CRM (not through the
    queue) after acceptance counts as the first follow-up too."""
    first = (
        Activity.objects.filter(
            contact_id=OuterRef("contact_id"),
            occurred_at__gte=OuterRef("accepted_at"),
            kind__in=(Activity.Kind.CALL, Activity.Kind.EMAIL, Activity.Kind.MEETING),
        )
        .order_by("occurred_at")
        .values("occurred_at")[:1]
    )
    pending = Lead.objects.filter(stage=Stage.ACCEPTED, followed_up_at__isnull=True)
    found = list(pending.annotate(first=Subquery(first)).filter(first__isnull=False))
    for lead in found:
        Lead.objects.filter(pk=lead.pk).update(
            followed_up_at=lead.first,
            follow_up_hours=business_hours_since(lead.assigned_at, lead.first, lead.team_id),
        )
    return len(found)
