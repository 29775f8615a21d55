"""Scoring runs: lead rows and their scores, for a few contacts (speed to lead) or
for everyone (a rule change, the nightly refresh), then the hand-off of those who qualify.

The rules themselves and the SQL of their points are in ``scoring``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, Value
from django.utils import timezone

from tandem.campaigns.models import Touchpoint
from tandem.core.bulk import insert_selected, update_rows
from tandem.core.jobs import Progress, register_job_kind
from tandem.core.models import Job
from tandem.crm.models import Contact
from tandem.handoff import scoring
from tandem.handoff.models import (
    NURTURE_STAGES,
    Lead,
    ScoringModel,
    Stage,
)
from tandem.handoff.routing import hand_off


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
    per lead, which PostgreSQL runs as a sub-plan per row, were several times slower
    for a million leads (figures in bench/README.md).
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
    the whole table twenty times over (figures in bench/README.md). One pass, which
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
    """PostgreSQL compiles a large statement's expressions first (JIT): a good part of
    each range of a rescore, never won back (figures in bench/README.md). Off for this
    transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


def _refresh_statistics() -> None:
    """PostgreSQL: after lead rows or scores changed wholesale, refresh the planner's
    statistics now rather than when autovacuum gets round to it. At 1M, with stale
    statistics My leads was many times slower, and the first scoring's join, planned for
    an empty table, ran far longer per chunk (figures in bench/README.md)."""
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
