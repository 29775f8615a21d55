"""Speed to lead: touches and forms queue contacts (``note_arrivals``); the worker
scores them in batches and hands off those who qualify (``process_arrivals``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from tandem.core.bulk import insert_rows
from tandem.crm.models import Contact
from tandem.handoff.hand_off_plans import HandOffPlan, carry_out, plan_hand_off
from tandem.handoff.models import (
    Arrival,
    Lead,
    ScoringModel,
)
from tandem.handoff.routing import hand_off
from tandem.handoff.scoring_runs import (
    Scoring,
    ensure_leads,
    qualifying,
    score_contacts,
    scores_of,
    scoring_in_force,
)

WAKE_KEY = "handoff:arrivals-wake-up"


def note_arrivals(contact_ids: list[int], *, source: str) -> None:
    """Queue contacts to be scored: rows written with the caller's transaction, and the
    worker woken once it commits."""
    now = timezone.now()
    # As tuples, not model objects: for a bulk API request of 1,000 touches this is
    # several times faster than bulk_create (figures in bench/README.md).
    insert_rows(
        Arrival, ["contact_id", "source", "at"], ((c, source[:40], now) for c in contact_ids)
    )
    transaction.on_commit(_wake_worker)


def _wake_worker() -> None:
    """Enqueue one wake-up unless one is already waiting: under fifty forms a second the
    worker then runs a few batches, not fifty tasks. The flag is cleared by the worker
    before it claims arrivals, and set here only after the arrivals committed, so every
    arrival is either seen by a waiting run or wakes a new one. It expires, so a lost
    wake-up costs seconds (and the minute's sweep catches anything else)."""
    from tandem.handoff.tasks import process_arrivals

    if cache.add(WAKE_KEY, 1, timeout=5):
        process_arrivals()


ARRIVAL_BATCH = 1000


def process_arrivals() -> int:
    """Score everyone waiting and hand off those who qualify, a batch per transaction;
    returns how many were handed off. Two workers never take the same arrival (rows are
    claimed under a lock), and a failed batch leaves its arrivals for the next run.

    A burst is let gather first, until the oldest arrival is ARRIVAL_GATHER_SECONDS
    old: a batch costs about the same for one lead as for ten (most of it building the
    queries), so fifty forms a second scored one by one would keep the worker, and on
    SQLite its single write lock, busy all the time, and the forms would queue behind
    it. The wake-up flag stays set while gathering, so the burst wakes nobody else."""
    gather = settings.ARRIVAL_GATHER_SECONDS
    oldest = Arrival.objects.order_by("id").values_list("at", flat=True).first()
    if gather and oldest is not None:
        wait = gather - (timezone.now() - oldest).total_seconds()
        if wait > 0:
            time.sleep(min(wait, gather))
    cache.delete(WAKE_KEY)
    handed = 0
    while True:
        # The batch and its scores are read before taking the write lock: those reads
        # are most of a batch's time, and on SQLite the web forms wait for that lock.
        # Arrivals after the read wait for the next batch.
        peeked = list(
            Arrival.objects.order_by("id").values_list("id", "contact_id", "source")[:ARRIVAL_BATCH]
        )
        if not peeked:
            return handed
        rules = scoring_in_force()
        now = timezone.now()
        contacts = sorted({row[1] for row in peeked})
        prepared = None
        if rules:
            scores = scores_of(rules, now, contacts)
            plan = plan_hand_off(
                contacts,
                scores=scores,
                threshold=rules.model.threshold,
                now=now,
                source=peeked[-1][2],
            )
            prepared = Prepared(rules, now, scores, plan)
        with transaction.atomic():
            waiting = Arrival.objects.filter(pk__in=[row[0] for row in peeked])
            batch = list(
                waiting.select_for_update(skip_locked=True).values_list("id", "contact_id")
            )
            if not batch:
                return handed  # another worker has them, and looks for more after
            waiting.filter(pk__in=[row[0] for row in batch]).delete()
            taken = sorted({row[1] for row in batch})
            if prepared and len(taken) < len(contacts):  # another worker took the rest
                mine = set(taken)
                prepared.scores = [row for row in prepared.scores if row[0] in mine]
                prepared.plan = None  # it planned for all of them
            handed += lead_arrived(taken, source=peeked[-1][2], prepared=prepared)
        if len(peeked) < ARRIVAL_BATCH:
            return handed


@dataclass
class Prepared:
    """What ``process_arrivals`` reads and decides before taking the write lock."""

    rules: Scoring
    now: datetime
    scores: list[tuple[int, int, int]]
    plan: HandOffPlan | None = None


def lead_arrived(
    contact_ids: list[int],
    *,
    source: str = "",
    prepared: Prepared | None = None,
) -> int:
    """Speed to lead: score these contacts now and hand off those that qualify.
    Returns how many were handed off. Safe to run twice (scores are recomputed, not
    added to, and a lead already handed off is not handed off again). ``prepared``
    holds the rules and scores read for exactly these contacts before the transaction,
    and the hand-off decided from them; they are used while those rules are still the
    ones in force (and the hand-off while what it read still holds)."""
    if not contact_ids:
        return 0
    plan = None
    if prepared and ScoringModel.objects.in_force() == prepared.rules.model:
        rules, now, scores, plan = prepared.rules, prepared.now, prepared.scores, prepared.plan
    else:
        found = scoring_in_force()
        if found is None:
            return 0
        rules, now, scores = found, timezone.now(), None
    with transaction.atomic():
        ensure_leads(Contact.objects.filter(pk__any_of=contact_ids, erased_at__isnull=True), now)
        score_contacts(rules, now, {"in": contact_ids}, scores=scores)
        if plan is not None:  # decided before the lock: written if it still holds
            handed = carry_out(plan, contact_ids)
            if handed is not None:
                return handed
        leads = Lead.objects.filter(pk__in=contact_ids)
        crossing = list(qualifying(leads, rules).values_list("pk", flat=True))
        return hand_off(crossing, now=now, source=source)
