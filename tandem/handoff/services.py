"""Writes of the hand-off: joint contracts, scoring, routing, accept/reject and SLA clocks.

The flow: touches arrive -> ``lead_arrived`` (or a full rescore) scores the contacts ->
leads that cross the MQL threshold are handed off (``hand_off``): tiered by score,
routed to a rep, SLA due times set in the sales team's business hours, rep notified ->
the rep accepts or rejects with a reason (rejected leads go back to nurture) ->
``detect_breaches`` runs every minute and notifies the rep, then the head, exactly once.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from tandem.campaigns.models import Touchpoint
from tandem.core.bulk import insert_rows, insert_selected, update_rows
from tandem.core.dates import check_date, check_time_of_day
from tandem.core.errors import DomainError, ErrorCode, invalid
from tandem.core.jobs import Progress, register_job_kind
from tandem.core.models import Job
from tandem.core.permissions import Action, can, require
from tandem.core.services import record_event, start_job
from tandem.crm.models import Account, Activity, Contact
from tandem.handoff import scoring
from tandem.handoff.clock import Calendar, add_business_hours, business_hours_between
from tandem.handoff.models import (
    NURTURE_STAGES,
    OPEN_STAGES,
    REASON_CODE_PATTERN,
    Arrival,
    BusinessHours,
    Holiday,
    JointProposal,
    Lead,
    LifecycleEvent,
    RejectionReason,
    RoutingRule,
    ScoringModel,
    ScoringRule,
    SlaBreach,
    SlaPolicy,
    SlaTier,
    Stage,
    Tier,
)
from tandem.notifications.models import Notification
from tandem.notifications.services import notify
from tandem.people.models import Membership, Team, User

# Capacity is people's to write (routing here reads it); named here too for callers.
from tandem.people.services import MAX_LEAD_CAPACITY as MAX_LEAD_CAPACITY
from tandem.people.services import clean_time_zone
from tandem.people.services import set_capacity as set_capacity

MAX_NOTE = 2000
# The ranges a joint contract's figures are held to; the API's schemas read them.
MQLS_PER_MONTH = (1, 1_000_000)
ACCEPTANCE_RATE = ("0", "100")
TIER_MIN_SCORE = (-(10**6), 10**6)
TIER_HOURS = ("0.25", "720")
THRESHOLD = (1, 100_000)
HALF_LIFE_DAYS = ("0.1", "3650")


def _decimal(value: Any, field: str, *, low: str, high: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise invalid(field, "Enter a number.") from None
    if not number.is_finite() or not Decimal(low) <= number <= Decimal(high):
        raise invalid(field, f"Enter a number from {low} to {high}.")
    return number


def _whole(value: Any, field: str, *, low: int, high: int) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise invalid(field, "Enter a whole number.") from None
    if not low <= number <= high:
        raise invalid(field, f"Enter a whole number from {low} to {high}.")
    return number


def lead_url(lead: Lead) -> str:
    return reverse("handoff:lead", args=[lead.pk])


# --- Joint contracts ---------------------------------------------------------------------
def head_sides(user: Any) -> set[str]:
    """Which side(s) of the contracts ``user`` signs for: "marketing" and/or "sales"."""
    if not user.is_authenticated:
        return set()
    functions = Team.objects.filter(
        memberships__user=user,
        memberships__role=Membership.Role.HEAD,
        function__in=(Team.Function.MARKETING, Team.Function.SALES),
    ).values_list("function", flat=True)
    return set(functions)


def start_proposal(actor: User, proposal: JointProposal, note: str) -> None:
    require(actor, Action.APPROVE, proposal)  # heads of marketing and sales teams only
    proposal.note = (note or "").strip()[:500]
    proposal.proposed_by = actor
    proposal.proposed_at = timezone.now()


def propose_sla_policy(
    *,
    actor: User,
    mqls_per_month: Any,
    min_acceptance_rate: Any,
    tiers: list[dict[str, Any]],
    note: str = "",
) -> SlaPolicy:
    """A new SLA: marketing's promise and, per priority tier, sales'. It is in force once
    a marketing head and a sales head (two people) have approved it; the proposer's own
    approval counts for their side."""
    low_mqls, high_mqls = MQLS_PER_MONTH
    policy = SlaPolicy(
        mqls_per_month=_whole(mqls_per_month, "mqls_per_month", low=low_mqls, high=high_mqls),
        min_acceptance_rate=_decimal(
            min_acceptance_rate,
            "min_acceptance_rate",
            low=ACCEPTANCE_RATE[0],
            high=ACCEPTANCE_RATE[1],
        ),
    )
    start_proposal(actor, policy, note)
    cleaned: list[SlaTier] = []
    seen: set[str] = set()
    for index, row in enumerate(tiers):
        tier = str(row.get("tier", ""))
        if tier not in Tier.values:
            raise invalid(f"tiers[{index}].tier", "Choose high, medium or low.")
        if tier in seen:
            raise invalid(f"tiers[{index}].tier", f"The {tier} tier is given twice.")
        seen.add(tier)
        cleaned.append(
            SlaTier(
                tier=tier,
                min_score=_whole(
                    row.get("min_score"),
                    f"tiers[{index}].min_score",
                    low=TIER_MIN_SCORE[0],
                    high=TIER_MIN_SCORE[1],
                ),
                accept_within_hours=_decimal(
                    row.get("accept_within_hours"),
                    f"tiers[{index}].accept_within_hours",
                    low=TIER_HOURS[0],
                    high=TIER_HOURS[1],
                ),
                follow_up_within_hours=_decimal(
                    row.get("follow_up_within_hours"),
                    f"tiers[{index}].follow_up_within_hours",
                    low=TIER_HOURS[0],
                    high=TIER_HOURS[1],
                ),
            )
        )
    if not cleaned:
        raise invalid("tiers", "Give sales' promise for at least one priority tier.")
    with transaction.atomic():
        policy.save()
        for tier_row in cleaned:
            tier_row.policy = policy
        SlaTier.objects.bulk_create(cleaned)
        record_event("sla.proposed", subject=policy)
        approve_side(actor, policy)
    return policy


def propose_scoring_model(
    *,
    actor: User,
    threshold: Any,
    half_life_days: Any,
    rules: list[dict[str, Any]],
    note: str = "",
) -> ScoringModel:
    """A new definition of "qualified": rules, decay and MQL threshold, approved like the
    SLA. Every rule is checked first; one naming a field that does not exist is refused."""
    model = ScoringModel(
        threshold=_whole(threshold, "threshold", low=THRESHOLD[0], high=THRESHOLD[1]),
        half_life_days=_decimal(
            half_life_days, "half_life_days", low=HALF_LIFE_DAYS[0], high=HALF_LIFE_DAYS[1]
        ),
    )
    start_proposal(actor, model, note)
    checked = []
    for index, row in enumerate(rules):
        try:
            checked.append(
                scoring.check_rule(
                    kind=str(row.get("kind", "")),
                    field=str(row.get("field", "")),
                    operator=str(row.get("operator", "") or ""),
                    value=str(row.get("value", "") or ""),
                    points=row.get("points"),
                )
            )
        except DomainError as exc:
            raise invalid(f"rules[{index}].{exc.field}", exc.message) from exc
    if not checked:
        raise invalid("rules", "Give at least one rule.")
    if len(checked) > 200:
        raise invalid("rules", "At most 200 rules.")
    with transaction.atomic():
        model.save()
        ScoringRule.objects.bulk_create(
            [
                ScoringRule(
                    model=model,
                    kind=r.kind,
                    field=r.field,
                    operator=r.operator,
                    value=r.value,
                    points=r.points,
                )
                for r in checked
            ]
        )
        record_event("scoring.proposed", subject=model)
        approve_side(actor, model)
    return model


def approve(*, actor: User, proposal: JointProposal) -> JointProposal:
    """The actor's side approves; with both sides approved the proposal comes into force
    (and a new scoring model rescores everyone in the background)."""
    require(actor, Action.APPROVE, proposal)
    with transaction.atomic():
        locked = type(proposal).objects.select_for_update().get(pk=proposal.pk)
        if locked.status != JointProposal.Status.PROPOSED:
            raise DomainError(
                ErrorCode.CONFLICT, f"This proposal is {locked.get_status_display().lower()}."
            )
        approve_side(actor, locked)
    return locked


def approve_side(actor: User, proposal: JointProposal) -> None:
    sides = head_sides(actor)
    now = timezone.now()
    signed = {proposal.marketing_approved_by_id, proposal.sales_approved_by_id} - {None}
    pending = [
        s
        for s in ("marketing", "sales")
        if s in sides and getattr(proposal, f"{s}_approved_by_id") is None
    ]
    if not sides:
        raise DomainError(ErrorCode.FORBIDDEN, "Only the heads of marketing and sales approve.")
    if not pending or actor.pk in signed:
        raise DomainError(
            ErrorCode.CONFLICT,
            "You have approved this already; it needs the other side's head.",
        )
    side = pending[0]  # one person signs for one side: both sides need two people
    setattr(proposal, f"{side}_approved_by", actor)
    setattr(proposal, f"{side}_approved_at", now)
    proposal.save()
    record_event(f"{proposal._meta.model_name}.approved", subject=proposal, data={"side": side})
    if proposal.marketing_approved_by_id and proposal.sales_approved_by_id:
        _bring_into_force(actor, proposal, now)


def _bring_into_force(actor: User, proposal: JointProposal, now: datetime) -> None:
    model = type(proposal)
    model.objects.filter(status=JointProposal.Status.ACTIVE).update(
        status=JointProposal.Status.SUPERSEDED
    )
    proposal.status = JointProposal.Status.ACTIVE
    proposal.activated_at = now
    proposal.save()
    record_event(f"{model._meta.model_name}.in_force", subject=proposal)
    if isinstance(proposal, ScoringModel):
        start_job(
            owner=actor,
            kind="handoff.rescore",
            title="Rescore every lead under the new scoring rules",
            params={"model_id": proposal.pk},
        )


def withdraw(*, actor: User, proposal: JointProposal) -> JointProposal:
    require(actor, Action.APPROVE, proposal)
    if proposal.status != JointProposal.Status.PROPOSED:
        raise DomainError(ErrorCode.CONFLICT, "Only a proposal waiting for approval is withdrawn.")
    with transaction.atomic():
        proposal.status = JointProposal.Status.WITHDRAWN
        proposal.save(update_fields=["status"])
        record_event(f"{proposal._meta.model_name}.withdrawn", subject=proposal)
    return proposal


# --- Scoring -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Scoring:
    model: ScoringModel
    rules: list[scoring.Rule]

    @property
    def half_life(self) -> float:
        return float(self.model.half_life_days)


def scoring_in_force() -> Scoring | None:
    model = ScoringModel.objects.in_force()
    if model is None:
        return None
    return Scoring(model, [scoring.rule_of(r) for r in model.rules.all()])


def ensure_leads(contacts: Any, now: datetime) -> int:
    """Give each contact of the queryset that has none a Lead row (one INSERT ... SELECT)."""
    select = contacts.order_by().values_list(
        "id",
        Value(Stage.LEAD),
        Value(now),
        Value(0),
        Value(0),
        Value(0),
        Value(""),
        Value(""),
        Value(""),
    )
    return insert_selected(
        Lead,
        [
            "contact_id",
            "stage",
            "stage_changed_at",
            "score",
            "fit_score",
            "engagement_score",
            "tier",
            "source",
            "rejection_note",
        ],
        select,
        unique=["contact_id"],
    )


def scores_of(rules: Scoring, now: datetime, ids: list[int]) -> list[tuple[int, int, int]]:
    """(contact id, fit, engagement) of these contacts at ``now``: reads only, so speed
    to lead runs them before its transaction takes the write lock (on SQLite the web
    forms wait for that lock, and these reads are most of a batch's time)."""
    found = (
        Contact.objects.filter(pk__in=ids)
        .order_by()
        .annotate(**scoring.contact_scores(rules.rules, rules.half_life, now))
        .values_list("pk", "fit", "engagement")
    )
    return [(pk, int(fit or 0), int(engagement or 0)) for pk, fit, engagement in found]


def score_contacts(
    rules: Scoring,
    now: datetime,
    contacts: dict[str, Any],
    *,
    scores: list[tuple[int, int, int]] | None = None,
    engagement: str | None = None,
) -> int:
    """Score the leads of ``contacts`` (lookups on the contact id: ``{"in": ids}`` for
    speed to lead, ``{"gte": a, "lt": b}`` for a range of a full rescore) in one
    ``UPDATE ... FROM``: fit joined to the engagement aggregate. Correlated subqueries
    per lead, which PostgreSQL runs as a sub-plan per row, took 128 s for a million
    leads; a full rescore this way takes 27 s there and 9 s on SQLite (bench/README.md).
    Both databases support ``UPDATE ... FROM``. Leads whose score is unchanged are not
    rewritten: their ``scored_at`` and model still explain the score they have. A list
    of ids (a few leads) is scored from ``scores_of`` (given, when read before the
    transaction) and written by id. ``engagement`` names a table of (contact_id, total)
    computed beforehand for everyone (``engagement_once``), read instead of aggregating
    this range's touches. Returns how many changed."""
    if set(contacts) == {"in"}:
        found = scores if scores is not None else scores_of(rules, now, contacts["in"])
        return update_rows(
            Lead,
            ["fit_score", "engagement_score", "score"],
            [(pk, fit, engagement, fit + engagement) for pk, fit, engagement in found],
            fixed={"scored_at": now, "scoring_model_id": rules.model.pk},
        )
    table = connection.ops.quote_name(Lead._meta.db_table)
    fit_sql, fit_params = (
        Contact.objects.filter(**{f"pk__{k}": v for k, v in contacts.items()})
        .order_by()
        .annotate(fit=scoring.fit_points(rules.rules))
        .values_list("id", "fit")
        .query.sql_with_params()
    )
    totals = scoring.engagement_totals(rules.rules, rules.half_life, now, contacts)
    if totals is None:
        scored = f"SELECT f.id AS id, f.fit AS fit, 0 AS eng FROM ({fit_sql}) AS f"  # noqa: S608
        params = list(fit_params)
    else:
        if engagement:
            eng_sql, eng_params = connection.ops.quote_name(engagement), ()
        else:
            sql, eng_params = totals.query.sql_with_params()
            eng_sql = f"({sql})"
        scored = (
            "SELECT f.id AS id, f.fit AS fit, COALESCE(ROUND(e.total), 0) AS eng "  # noqa: S608
            f"FROM ({fit_sql}) AS f LEFT JOIN {eng_sql} AS e ON e.contact_id = f.id"
        )
        params = [*fit_params, *eng_params]
    # The range again on the leads themselves, so that the database walks their primary
    # key for it rather than every lead (PostgreSQL read all million per range).
    lead_range = " ".join(f"AND {table}.contact_id {RANGE_SQL[k]} %s" for k in contacts)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET fit_score = s.fit, engagement_score = s.eng, "  # noqa: S608
            f"score = s.fit + s.eng, scored_at = %s, scoring_model_id = %s "
            f"FROM ({scored}) AS s WHERE {table}.contact_id = s.id {lead_range} AND ("
            f"{table}.scored_at IS NULL OR {table}.fit_score <> s.fit "
            f"OR {table}.engagement_score <> s.eng)",
            [
                connection.ops.adapt_datetimefield_value(now),
                rules.model.pk,
                *params,
                *contacts.values(),
            ],
        )
        return int(cursor.rowcount)


RANGE_SQL = {"gte": ">=", "gt": ">", "lte": "<=", "lt": "<"}


def qualifying(leads: Any, rules: Scoring) -> Any:
    """Leads of the queryset that cross the MQL threshold now. A recycled lead comes back
    only with engagement after it was sent back, not on its old score."""
    newer_touch = Touchpoint.objects.filter(
        contact_id=OuterRef("contact_id"), occurred_at__gt=OuterRef("stage_changed_at")
    )
    return leads.filter(stage__in=NURTURE_STAGES, score__gte=rules.model.threshold).filter(
        ~Q(stage=Stage.RECYCLED) | Exists(newer_touch)
    )


WAKE_KEY = "handoff:arrivals-wake-up"


def note_arrivals(contact_ids: list[int], *, source: str) -> None:
    """Queue contacts to be scored: rows written with the caller's transaction, and the
    worker woken once it commits."""
    now = timezone.now()
    # As tuples, not model objects: for a bulk API request of 1,000 touches this took
    # 18-34 ms with bulk_create and takes 4-6 ms.
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
        prepared = Prepared(rules, now, scores_of(rules, now, contacts)) if rules else None
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
            handed += lead_arrived(taken, source=peeked[-1][2], prepared=prepared)
        if len(peeked) < ARRIVAL_BATCH:
            return handed


@dataclass
class Prepared:
    """What ``process_arrivals`` reads before taking the write lock."""

    rules: Scoring
    now: datetime
    scores: list[tuple[int, int, int]]


def lead_arrived(
    contact_ids: list[int],
    *,
    source: str = "",
    prepared: Prepared | None = None,
) -> int:
    """Speed to lead: score these contacts now and hand off those that qualify.
    Returns how many were handed off. Safe to run twice (scores are recomputed, not
    added to, and a lead already handed off is not handed off again). ``prepared``
    holds the rules and scores read for exactly these contacts before the transaction;
    they are used while those rules are still the ones in force."""
    if not contact_ids:
        return 0
    if prepared and ScoringModel.objects.in_force() == prepared.rules.model:
        rules, now, scores = prepared.rules, prepared.now, prepared.scores
    else:
        found = scoring_in_force()
        if found is None:
            return 0
        rules, now, scores = found, timezone.now(), None
    with transaction.atomic():
        ensure_leads(Contact.objects.filter(pk__any_of=contact_ids, erased_at__isnull=True), now)
        score_contacts(rules, now, {"in": contact_ids}, scores=scores)
        leads = Lead.objects.filter(pk__in=contact_ids)
        crossing = list(qualifying(leads, rules).values_list("pk", flat=True))
        return hand_off(crossing, now=now, source=source)


@register_job_kind("handoff.rescore", result_label="")
def rescore_job(job: Job, progress: Progress) -> None:
    """Rescore every contact under a scoring model, a chunk of ids at a time, then hand
    off the leads that now qualify."""
    rules = scoring_in_force()
    if rules is None or rules.model.pk != job.params.get("model_id"):
        # Newer rules came into force meanwhile; their own job rescores everyone.
        progress(0, 0, "Not needed: these rules have been replaced by newer ones.")
        return
    rescore_all(rules, progress)


RESCORE_CHUNK = 50_000


def rescore_all(rules: Scoring, progress: Progress | None = None) -> int:
    """Score every contact, then hand off the leads that now qualify; returns how many."""
    total = score_everyone(rules, progress)
    handed = hand_off_qualifying(rules)
    if progress:
        progress(total, total, f"Scored everyone; {handed:,} leads handed to sales")
    return handed


def score_everyone(rules: Scoring, progress: Progress | None = None) -> int:
    """Give every contact a lead row and its score, a chunk of ids per transaction (so
    pages and hand-offs go on meanwhile). Returns the size of the id range covered."""
    now = timezone.now()
    bounds = Contact.objects.order_by("pk").values_list("pk", flat=True)
    first, last = bounds.first(), bounds.last()
    if first is None or last is None:
        return 0
    total = last - first + 1
    with engagement_once(rules, now) as engagement:
        for start in range(first, last + 1, RESCORE_CHUNK):
            end = start + RESCORE_CHUNK
            with transaction.atomic():
                _without_jit()
                added = ensure_leads(
                    Contact.objects.filter(pk__gte=start, pk__lt=end, erased_at__isnull=True),
                    now,
                )
                if added:
                    _refresh_statistics()  # or PostgreSQL plans the join for an empty table
                score_contacts(rules, now, {"gte": start, "lt": end}, engagement=engagement)
            if progress:
                progress(min(end, last + 1) - first, total, "Scoring leads")
    _refresh_statistics()
    return total


ENGAGEMENT_TABLE = "tandem_rescore_engagement"


@contextmanager
def engagement_once(rules: Scoring, now: datetime) -> Iterator[str | None]:
    """PostgreSQL: every contact's engagement total in one pass over the touches, into a
    temporary table (this connection's own) that the ranges of a full rescore join; its
    name, or None where each range aggregates its own touches. A contact's touches lie
    all over the touch table, so aggregating per range of 50,000 contacts read nearly
    the whole table twenty times over (2 s a range at 1M contacts). One pass, which
    PostgreSQL spreads over parallel workers, reads it once. SQLite has no parallel
    scan, and a range there reads only the touches' contact index (which holds their
    kind and times): there it stays per range."""
    totals = scoring.engagement_totals(rules.rules, rules.half_life, now, {"isnull": False})
    if connection.vendor != "postgresql" or totals is None:
        yield None
        return
    sql, params = totals.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        _without_jit()
        cursor.execute("SET LOCAL work_mem = '256MB'")  # a million groups in memory
        cursor.execute(f"DROP TABLE IF EXISTS {ENGAGEMENT_TABLE}")
        cursor.execute(f"CREATE TEMPORARY TABLE {ENGAGEMENT_TABLE} AS {sql}", params)
        cursor.execute(f"CREATE INDEX ON {ENGAGEMENT_TABLE} (contact_id)")
        cursor.execute(f"ANALYZE {ENGAGEMENT_TABLE}")
    try:
        yield ENGAGEMENT_TABLE
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {ENGAGEMENT_TABLE}")


def _without_jit() -> None:
    """PostgreSQL compiles a large statement's expressions first (JIT): 0.4 s for each
    range of a rescore, a fifth of its time, never won back. Off for this transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


def _refresh_statistics() -> None:
    """PostgreSQL: after lead rows or scores changed wholesale, refresh the planner's
    statistics now rather than when autovacuum gets round to it. Measured at 1M: with
    stale statistics My leads took 1 s instead of 40 ms, and the first scoring's join,
    planned for an empty table, ran for minutes per chunk."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(Lead._meta.db_table)}")


def hand_off_qualifying(rules: Scoring, batch: int = 500) -> int:
    crossing = list(qualifying(Lead.objects.all(), rules).values_list("pk", flat=True))
    handed = 0
    for index in range(0, len(crossing), batch):
        with transaction.atomic():
            chunk = crossing[index : index + batch]
            handed += hand_off(chunk, now=timezone.now(), source="rescore")
    return handed


# --- Hand-off and routing ----------------------------------------------------------------
def _policy_tiers() -> list[SlaTier]:
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


def _latest_touch(field: str) -> Subquery:
    return Subquery(
        Touchpoint.objects.filter(contact_id=OuterRef("contact_id"))
        .order_by("-occurred_at", "-id")
        .values(field)[:1]
    )


def _with_contact_and_account(ids: list[int]) -> list[Lead]:
    """These leads with their contacts and accounts, in three queries by id. Not joined:
    for "id IN (...)" PostgreSQL does not carry the list over to the contacts, and
    walked the whole contact index to merge-join (1 s at 1M). Not prefetch_related
    either: on SQLite Django writes its lookup as "id = %s OR id = %s ...", which
    SQLite refuses from 1,000 leads on ("Expression tree is too large")."""
    leads = list(Lead.objects.filter(pk__in=ids))  # a plain IN: the key is a relation
    contacts = Contact.objects.filter(pk__any_of=ids).in_bulk()
    account_ids = [c.account_id for c in contacts.values() if c.account_id]
    accounts = Account.objects.filter(pk__any_of=account_ids).in_bulk() if account_ids else {}
    for lead in leads:
        contact = contacts[lead.pk]
        contact.account = accounts.get(contact.account_id) if contact.account_id else None
        lead.contact = contact
    return leads


# Written per lead by a hand-off (the rest of a hand-off is the same for every lead).
HAND_OFF_COLUMNS = ["tier", "source", "team_id", "rep_id", "accept_due_at", "follow_up_due_at"]


def hand_off(lead_ids: list[int], *, now: datetime, source: str = "") -> int:
    """Make these leads MQLs: the source (channel and campaign of the latest touch), a
    priority tier, a rep, and SLA due times; then tell each rep once. Leads no longer in
    a nurture stage are skipped, so a hand-off never happens twice. The same few queries
    serve one lead (speed to lead) or five hundred (after a rule change)."""
    ids = list(
        Lead.objects.filter(pk__in=lead_ids, stage__in=NURTURE_STAGES)
        .select_for_update()
        .values_list("pk", flat=True)
    )
    if not ids:
        return 0
    Lead.objects.filter(pk__in=ids).update(
        source_campaign_id=_latest_touch("campaign_id"), source=_latest_touch("channel")
    )
    tiers = _policy_tiers()
    router = Router(now)
    leads = _with_contact_and_account(ids)
    events = []
    calendars: dict[int | None, Calendar] = {}
    # What a hand-off sets on every lead (a recycled lead starts again from scratch).
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
    for lead in sorted(leads, key=lambda x: (-x.score, x.pk)):  # the best leads first
        previous = lead.stage
        for name, value in fresh.items():
            setattr(lead, name, value)
        tier = tier_for(lead.score, tiers)
        lead.tier = tier.tier if tier else ""
        lead.source = lead.source or source
        lead.team_id, lead.rep = router.choose(lead)
        if lead.team_id not in calendars:
            calendars[lead.team_id] = calendar_of(lead.team_id)
        _start_clocks(lead, tier, now, calendars[lead.team_id])
        events.append(
            LifecycleEvent(
                lead=lead,
                from_stage=previous,
                to_stage=Stage.MQL,
                why=f"Score {lead.score} reached the MQL threshold",
                rep=lead.rep,
                campaign_id=lead.source_campaign_id,
                source=lead.source,
                at=now,
            )
        )
    update_rows(
        Lead,
        HAND_OFF_COLUMNS,
        [(lead.pk, *(getattr(lead, c) for c in HAND_OFF_COLUMNS)) for lead in leads],
        fixed=fresh,
    )
    LifecycleEvent.objects.bulk_create(events, batch_size=500)
    _tell_assigned(leads)
    record_event("leads.handed_off", data={"count": len(ids)})
    return len(ids)


def _start_clocks(lead: Lead, tier: SlaTier | None, now: datetime, calendar: Calendar) -> None:
    """The SLA clocks run from the hand-off, in the sales team's business hours, even when
    no rep was free: sales' promise is the team's."""
    if tier is None:
        lead.accept_due_at = lead.follow_up_due_at = None
        return
    lead.accept_due_at = add_business_hours(now, tier.accept_within_hours, calendar)
    lead.follow_up_due_at = add_business_hours(now, tier.follow_up_within_hours, calendar)


def _lead_name(lead: Lead) -> str:
    return lead.contact.full_name or lead.contact.email or f"Contact {lead.pk}"


def _tell_assigned(leads: list[Lead]) -> None:
    """One notification per rep (a summary when a batch gave them several), and one to
    the heads for leads no rep was free to take."""
    by_rep: dict[int, list[Lead]] = {}
    waiting: dict[int | None, list[Lead]] = {}
    for lead in leads:
        if lead.rep_id:
            by_rep.setdefault(lead.rep_id, []).append(lead)
        else:
            waiting.setdefault(lead.team_id, []).append(lead)
    for rep_leads in by_rep.values():
        first = rep_leads[0]
        if len(rep_leads) == 1:
            due = (
                f", accept by {first.accept_due_at:%a %d %b %H:%M} UTC"
                if first.accept_due_at
                else ""
            )
            text = f"New lead for you: {_lead_name(first)} (score {first.score}){due}"
            url = lead_url(first)
        else:
            text = f"{len(rep_leads)} new leads for you"  # no names: erasure finds it by URL
            url = reverse("handoff:queue")
        notify(recipients=[first.rep], kind="lead.assigned", text=text, url=url)
    for team_id, team_leads in waiting.items():
        first = team_leads[0]
        text = (
            f"No rep is free for {_lead_name(first)} (score {first.score}); assign it by hand."
            if len(team_leads) == 1
            else f"No rep is free for {len(team_leads)} new leads; assign them by hand."
        )
        notify(
            recipients=_heads_of(team_id),
            kind="lead.unassigned",
            text=text,
            url=lead_url(first) if len(team_leads) == 1 else reverse("handoff:board"),
        )


def _heads_of(team_id: int | None) -> list[User]:
    heads = User.objects.active().filter(memberships__role=Membership.Role.HEAD)
    if team_id is None:
        return list(heads.filter(memberships__team__function=Team.Function.SALES).distinct())
    return list(heads.filter(memberships__team_id=team_id))


class Router:
    """Chooses the team and rep of each new MQL. The first active routing rule matching
    the account's region and segment names the team and (optionally) the reps; with no
    rule matching, the first sales team's members. Among those, the reps who are in and
    below their open-lead limit, the one whose last lead is oldest (a fair round-robin);
    a tie is broken at random. Loads and turns are kept in memory across a batch, and the
    sales teams are locked, so simultaneous hand-offs take turns rather than collide."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.rules = list(
            RoutingRule.objects.filter(active=True).prefetch_related("reps").order_by("position")
        )
        # Serialise routing (PostgreSQL; SQLite's IMMEDIATE transactions already do).
        sales = Team.objects.select_for_update().filter(function=Team.Function.SALES)
        self.fallback_team = sales.order_by("id").values_list("id", flat=True).first()
        self.pools: dict[tuple[int, tuple[int, ...]], list[Any]] = {}
        self.people: dict[int, Any] = {}
        self.turns = 0

    def _rule_for(self, lead: Lead) -> RoutingRule | None:
        account = lead.contact.account
        region = (account.region if account else "").strip().lower()
        segment = (account.segment if account else "").strip().lower()
        for rule in self.rules:
            if rule.region and rule.region.strip().lower() != region:
                continue
            if rule.segment and rule.segment.strip().lower() != segment:
                continue
            return rule
        return None

    def _pool(self, team_id: int, named: tuple[int, ...]) -> list[Any]:
        """The reps who may get leads (with their open load and last lead), loaded once."""
        key = (team_id, named)
        if key not in self.pools:
            candidates = User.objects.active().filter(memberships__team_id=team_id)
            if named:
                candidates = candidates.filter(pk__in=named)
            else:
                candidates = candidates.filter(memberships__role=Membership.Role.MEMBER)
            today = timezone.localdate(self.now)
            open_load = (
                Lead.objects.filter(rep=OuterRef("pk"), stage__in=OPEN_STAGES)
                .order_by()
                .values("rep")
                .annotate(n=Count("pk"))
                .values("n")
            )
            last_lead = (
                Lead.objects.filter(rep=OuterRef("pk"), assigned_at__isnull=False)
                .order_by("-assigned_at")
                .values("assigned_at")[:1]
            )
            found = (
                candidates.filter(Q(away_until__isnull=True) | Q(away_until__lt=today))
                .annotate(
                    load=Coalesce(Subquery(open_load, output_field=IntegerField()), 0),
                    last_lead=Subquery(last_lead),
                )
                .distinct()
            )
            # A rep in two pools (a rule's and the team's) is one object, one load.
            self.pools[key] = [self.people.setdefault(user.pk, user) for user in found]
        return self.pools[key]

    def choose(self, lead: Lead) -> tuple[int | None, User | None]:
        rule = self._rule_for(lead)
        team_id = rule.team_id if rule else self.fallback_team
        if team_id is None:
            return None, None
        named = tuple(sorted(r.pk for r in rule.reps.all())) if rule else ()
        free = [u for u in self._pool(team_id, named) if u.load < u.lead_capacity]
        if not free:
            return team_id, None
        turn = min((u.last_lead is not None, u.last_lead or self.now) for u in free)
        ties = [u for u in free if (u.last_lead is not None, u.last_lead or self.now) == turn]
        rep = random.choice(ties)  # noqa: S311 - fairness, not security
        rep.load += 1
        self.turns += 1  # to the back of the queue, behind those given a lead earlier
        rep.last_lead = self.now + timedelta(microseconds=self.turns)
        return team_id, rep


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
        lead.rep = rep
        lead.save(update_fields=["rep"])
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


# --- Accept, reject, follow up -----------------------------------------------------------
def may_work(actor: Any, lead: Lead) -> bool:
    """Whether ``actor`` may accept, reject or follow up ``lead``: its rep, a head of its
    team, or (while nobody has it) any member of its team."""
    if not can(actor, Action.WORK, lead):
        return False
    return not lead.rep_id or lead.rep_id == actor.pk or lead.team_id in actor.headed_team_ids()


def _check_worker(actor: User, lead: Lead) -> None:
    require(actor, Action.WORK, lead)
    if not may_work(actor, lead):
        raise DomainError(ErrorCode.FORBIDDEN, f"This lead is {lead.rep}'s to work.")


def accept(*, actor: User, lead: Lead) -> Lead:
    """Sales accepts the lead. Exactly one of two simultaneous accepts wins: the update
    only applies while the lead is still an MQL. An unassigned lead goes to the rep who
    accepts it."""
    _check_worker(actor, lead)
    now = timezone.now()
    with transaction.atomic():
        rep_id = lead.rep_id or actor.pk
        won = Lead.objects.filter(pk=lead.pk, stage=Stage.MQL, rep_id=lead.rep_id).update(
            stage=Stage.ACCEPTED,
            stage_changed_at=now,
            accepted_at=now,
            rep_id=rep_id,
            accept_hours=_hours(lead.assigned_at, now, lead.team_id),
        )
        if not won:
            raise DomainError(
                ErrorCode.CONFLICT, "Someone else has already accepted or rejected this lead."
            )
        lead.refresh_from_db()
        _event(lead, Stage.MQL, Stage.ACCEPTED, actor=actor, why="Accepted by sales", at=now)
        record_event("lead.accepted", subject=lead.contact)
    return lead


def _hours(since: datetime | None, until: datetime, team_id: int | None) -> Decimal | None:
    if since is None:
        return None
    hours = business_hours_between(since, until, calendar_of(team_id))
    return Decimal(str(round(hours, 2)))


def _event(lead: Lead, from_stage: str, to_stage: str, **fields: Any) -> LifecycleEvent:
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
    _check_worker(actor, lead)
    found = RejectionReason.objects.filter(code=(reason or "").strip()[:40], active=True).first()
    if found is None:
        raise invalid("reason", "Choose a reason for rejecting this lead.")
    note = (note or "").strip()
    if not note:
        raise invalid("note", "Say in a few words why, so marketing can act on it.")
    if len(note) > MAX_NOTE:
        raise invalid("note", f"At most {MAX_NOTE} characters, please ({len(note)} given).")
    if lead.stage not in OPEN_STAGES:
        raise DomainError(ErrorCode.CONFLICT, "This lead is no longer open; reload it.")
    now = timezone.now()
    with transaction.atomic():
        from_stage = lead.stage
        won = Lead.objects.filter(pk=lead.pk, stage=lead.stage, rep_id=lead.rep_id).update(
            stage=Stage.RECYCLED,
            stage_changed_at=now,
            rejection_reason=found,
            rejection_note=note,
            rep_id=lead.rep_id or actor.pk,
            accept_hours=_hours(lead.assigned_at, now, lead.team_id)
            if lead.stage == Stage.MQL
            else lead.accept_hours,
        )
        if not won:
            raise DomainError(
                ErrorCode.CONFLICT, "Someone else has already accepted or rejected this lead."
            )
        lead.refresh_from_db()
        _event(
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

    _check_worker(actor, lead)
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
                followed_up_at=now, follow_up_hours=_hours(lead.assigned_at, now, lead.team_id)
            )
            lead.refresh_from_db()
    return activity


def move_stage(*, actor: User, lead: Lead, stage: str, why: str) -> Lead:
    """Other moves: an accepted lead becomes an opportunity (SQL), then a customer, or is
    disqualified; marketing turns a subscriber into a lead."""
    allowed: dict[str, set[str]] = {
        Stage.SUBSCRIBER: {Stage.LEAD, Stage.DISQUALIFIED},
        Stage.LEAD: {Stage.DISQUALIFIED},
        Stage.RECYCLED: {Stage.DISQUALIFIED},
        Stage.ACCEPTED: {Stage.SQL, Stage.DISQUALIFIED},
        Stage.SQL: {Stage.CUSTOMER, Stage.RECYCLED},
        Stage.DISQUALIFIED: {Stage.LEAD},
    }
    if stage not in allowed.get(lead.stage, set()):
        raise invalid(
            "stage",
            f"A lead cannot go from {lead.get_stage_display().lower()} to "
            f"{dict(Stage.choices).get(stage, 'that stage').lower()}.",
        )
    if lead.stage in (Stage.ACCEPTED, Stage.SQL):
        _check_worker(actor, lead)
    else:
        require(actor, Action.CHANGE, lead.contact)
    why = (why or "").strip()[:300]
    if not why:
        raise invalid("why", "Say why.")
    now = timezone.now()
    with transaction.atomic():
        from_stage = lead.stage
        if not Lead.objects.filter(pk=lead.pk, stage=from_stage).update(
            stage=stage, stage_changed_at=now
        ):
            raise DomainError(ErrorCode.CONFLICT, "The lead moved on meanwhile; reload it.")
        lead.refresh_from_db()
        _event(lead, from_stage, stage, actor=actor, why=why, at=now)
        record_event("lead.stage_changed", subject=lead.contact, data={"stage": stage})
    return lead


# --- SLA clock ---------------------------------------------------------------------------
def detect_breaches(now: datetime | None = None) -> int:
    """Notify each missed SLA clock once: the rep when it is missed, the head when it is
    still not done one more SLA window later. A breach is a row with a unique key, so a
    second run, a concurrent run or a run after a worker restart notifies nobody twice;
    and leads already told about are left out by the query, so a backlog of overdue
    leads costs nothing minute after minute."""
    now = now or timezone.now()
    _pick_up_follow_ups()
    tiers = {t.tier: t for t in _policy_tiers()}
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
            name = _lead_name(lead)
            if level == SlaBreach.Level.REP and lead.rep_id:
                recipients: list[Any] = [lead.rep]
                text = f"SLA missed: {what} {name} was due {due:%a %d %b %H:%M} UTC"
            else:
                recipients = _heads_of(lead.team_id)
                owner = f"{lead.rep}" if lead.rep_id else "nobody"
                text = f"SLA missed by {owner}: {what} {name} (due {due:%a %d %b %H:%M} UTC)"
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
            follow_up_hours=_hours(lead.assigned_at, lead.first, lead.team_id),
        )
    return len(found)


# --- Erasure -----------------------------------------------------------------------------
def erase_lead(contact_id: int, text: str) -> None:
    """Part of erasing a contact (``crm.services.erase_contact``): the notes sales wrote
    about the person and the notifications that named them. Stages, scores and reasons
    stay, so the funnel's numbers still add up."""
    Lead.objects.filter(pk=contact_id).update(rejection_note="")
    LifecycleEvent.objects.filter(lead_id=contact_id).update(note="")
    url = reverse("handoff:lead", args=[contact_id])
    Notification.objects.filter(url=url).update(text=text)


# --- Settings the heads edit -------------------------------------------------------------
def save_rejection_reason(
    *, actor: User, code: str, label: str, active: bool = True, position: Any = 0
) -> RejectionReason:
    """Add a reason, or change the one with this code (given as typed: "No Budget" is
    the code no-budget). Reasons are retired, never deleted: past rejections keep them."""
    slug = slugify(code or "")[:40]
    if not (slug and re.search(REASON_CODE_PATTERN, code)):
        raise invalid("code", "Give the reason a short code (letters, digits, dashes).")
    reason = RejectionReason.objects.filter(code=slug).first() or RejectionReason(code=slug)
    require(actor, Action.CHANGE, reason)
    label = (label or "").strip()
    if not label or len(label) > 120:
        raise invalid("label", "Give the reason a label of at most 120 characters.")
    position = _whole(position, "position", low=0, high=1000)
    with transaction.atomic():
        reason.label, reason.active, reason.position = label, active, position
        reason.save()
        record_event("rejection_reason.saved", subject=reason)
    return reason


# --- Routing rules, capacity, business hours ---------------------------------------------
def save_routing_rule(
    *,
    actor: User,
    team: Team,
    name: str,
    region: str = "",
    segment: str = "",
    reps: list[User] | None = None,
    position: int = 0,
    active: bool = True,
    rule: RoutingRule | None = None,
) -> RoutingRule:
    """Add or change a rule: the heads of the team it routes to (or an administrator).
    Every rep it names must be in that team."""
    rule = rule or RoutingRule()
    if rule.pk:
        require(actor, Action.CHANGE, rule)  # the team it routed to so far
    if team.function != Team.Function.SALES:
        raise invalid("team", f"{team} is not a sales team.")
    rule.team = team
    require(actor, Action.CHANGE, rule)
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise invalid("name", "Give the rule a name of at most 120 characters.")
    reps = reps or []
    members = set(Membership.objects.filter(team=team).values_list("user_id", flat=True))
    outside = [r for r in reps if r.pk not in members or not r.is_active]
    if outside:
        raise invalid("reps", f"{outside[0]} is not in {team}.")
    if not 0 <= position <= 1000:
        raise invalid("position", "Use a position from 0 to 1000.")
    with transaction.atomic():
        rule.name, rule.position, rule.active = name, position, active
        rule.region, rule.segment = (region or "").strip()[:100], (segment or "").strip()[:100]
        rule.save()
        rule.reps.set(reps)
        record_event("routing_rule.saved", subject=rule)
    return rule


def set_business_hours(
    *, actor: User, team: Team, time_zone: str, opens_at: Any, closes_at: Any, weekdays: str
) -> BusinessHours:
    """When the team's SLA clocks run (its heads or an administrator)."""
    require(actor, Action.CHANGE, team)
    time_zone = clean_time_zone(time_zone)
    opens_at = check_time_of_day(opens_at, "opens_at")
    closes_at = check_time_of_day(closes_at, "closes_at")
    if closes_at <= opens_at:
        raise invalid("closes_at", "The day must close after it opens.")
    days = "".join(sorted({d for d in str(weekdays) if d in "1234567"}))
    if not days:
        raise invalid("weekdays", "Choose at least one working day.")
    with transaction.atomic():
        hours, _ = BusinessHours.objects.update_or_create(
            team=team,
            defaults={
                "time_zone": time_zone,
                "opens_at": opens_at,
                "closes_at": closes_at,
                "weekdays": days,
            },
        )
        record_event("business_hours.saved", subject=team)
    return hours


def add_holiday(*, actor: User, team: Team, day: Any, name: str) -> Holiday:
    require(actor, Action.CHANGE, team)
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise invalid("name", "Name the holiday (at most 120 characters).")
    if day is None:
        raise invalid("day", "Give the date.")
    day = check_date(day, "day")
    try:
        with transaction.atomic():
            holiday = Holiday.objects.create(team=team, day=day, name=name)
            record_event("holiday.added", subject=team, data={"day": str(day)})
    except IntegrityError:  # the unique (team, day) constraint, also under a race
        raise DomainError(ErrorCode.CONFLICT, f"{day} is already a holiday.", field="day") from None
    return holiday


def remove_holiday(*, actor: User, holiday: Holiday) -> None:
    require(actor, Action.CHANGE, holiday.team)
    with transaction.atomic():
        holiday.delete()
        record_event("holiday.removed", subject=holiday.team, data={"day": str(holiday.day)})
