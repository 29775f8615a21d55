"""Attribution reports: every model over one scope, computed in the background and
cached per scope, so a page only ever reads a stored result."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tandem.attribution import engine
from tandem.attribution.engine import models as engine_models
from tandem.attribution.engine.paths import from_frame
from tandem.attribution.journeys import (
    BY_CAMPAIGN,
    NO_CAMPAIGN,
    PIPELINE,
    REVENUE,
    Scope,
    journeys,
)
from tandem.attribution.models import MODELS, AttributionReport, current_choice
from tandem.campaigns.models import Campaign, Channel
from tandem.core.jobs import Progress, register_job_kind
from tandem.core.models import Job
from tandem.core.money import to_penny
from tandem.core.services import start_job

HALF_LIFE_DAYS = 7.0
STALE_AFTER = timedelta(hours=6)  # a viewed report older than this is refreshed


def scope_key(scope: Scope) -> str:
    return hashlib.sha256(json.dumps(scope.as_dict(), sort_keys=True).encode()).hexdigest()


def report_for(scope: Scope, *, user: Any) -> AttributionReport:
    """The cached report of this scope. One never computed (or last computed long ago)
    is queued for the worker; the caller shows what is stored meanwhile."""
    now = timezone.now()
    report, created = AttributionReport.objects.get_or_create(
        key=scope_key(scope), defaults={"scope": scope.as_dict(), "viewed_at": now}
    )
    if not created and now - report.viewed_at > timedelta(minutes=10):
        AttributionReport.objects.filter(pk=report.pk).update(viewed_at=now)
    stale = report.computed_at is None or now - report.computed_at > STALE_AFTER
    if stale and not is_computing(report):
        refresh(report, user=user)
        report.refresh_from_db()  # a worker may have finished it already
    return report


def stored_report(scope: Scope) -> AttributionReport | None:
    """The cached report of this scope if one was ever asked for, else None; never queues
    anything (for a GET). Marked viewed, so the periodic refresh keeps it fresh."""
    report = AttributionReport.objects.filter(key=scope_key(scope)).select_related("job").first()
    now = timezone.now()
    if report is not None and now - report.viewed_at > timedelta(minutes=10):
        AttributionReport.objects.filter(pk=report.pk).update(viewed_at=now)
    return report


def is_computing(report: AttributionReport) -> bool:
    job = report.job
    return job is not None and job.status in (Job.Status.QUEUED, Job.Status.RUNNING)


def refresh(report: AttributionReport, *, user: Any) -> Job:
    """Queue a fresh computation (on demand, or because the stored one is old)."""
    with transaction.atomic():
        locked = AttributionReport.objects.select_for_update().get(pk=report.pk)
        if is_computing(locked):
            assert locked.job is not None
            return locked.job
        job = start_job(
            owner=user,
            kind="attribution.report",
            title="Attribution report",
            params={"report_id": report.pk},
        )
        AttributionReport.objects.filter(pk=report.pk).update(job=job)
    report.job = job
    return job


def refresh_viewed(days: int = 7) -> int:
    """Queue a refresh of every report viewed in the last ``days`` whose figures are
    older than ``STALE_AFTER``; returns how many were queued. The job belongs to the
    person who last asked for the report."""
    now = timezone.now()
    queued = 0
    recent = AttributionReport.objects.filter(viewed_at__gte=now - timedelta(days=days))
    stale = recent.filter(Q(computed_at__isnull=True) | Q(computed_at__lt=now - STALE_AFTER))
    for report in stale.select_related("job__owner"):
        if report.job is None or is_computing(report) or not report.job.owner.is_active:
            continue
        refresh(report, user=report.job.owner)
        queued += 1
    return queued


@register_job_kind("attribution.report", result_label="")
def compute_job(job: Job, progress: Progress) -> None:
    report = AttributionReport.objects.filter(pk=job.params["report_id"]).first()
    if report is None:
        return  # deleted since: nothing to do
    compute(report, progress)


def compute(report: AttributionReport, progress: Progress | None = None) -> None:
    step = progress or (lambda done, total=None, message="": None)
    began = time.monotonic()
    scope = Scope.from_dict(report.scope)
    step(0, 3, "Reading the journeys")
    found = journeys(scope)
    step(1, 3, "Attributing with every model")
    rows: list[list[Any]] = []
    skipped: list[str] = []
    if found.frame.height:
        paths = from_frame(found.frame, consume=True)
        names = [*engine_models.HEURISTICS, "markov"]
        if len(paths.channels) <= engine_models.MAX_SHAPLEY_CHANNELS:
            names.append("shapley")
        else:
            skipped.append(
                f"Shapley is computed exactly for up to {engine_models.MAX_SHAPLEY_CHANNELS} "
                f"channels or campaigns; this scope has {len(paths.channels)}."
            )
        labels = _labels(scope, paths.channels)
        for model, label, conversions, value in engine.attribute(
            paths, names, half_life=HALF_LIFE_DAYS
        ):
            # [model, label, conversions, value, code]: the code is the channel's, or the
            # campaign's id (names can repeat). Values are rounded only when shown.
            rows.append([model, labels[label], conversions, value, label])
        journeys_count = len(paths.lengths)
    else:
        journeys_count = 0
    step(2, 3, "Saving")
    totals = {
        "conversions": found.conversions,
        "value": str(found.value),
        "untouched": found.untouched,
        "untouched_value": str(found.untouched_value),
        "other_currency": found.other_currency,
        "journeys": journeys_count,
        "skipped": skipped,
        "seconds": round(time.monotonic() - began, 1),  # shown beside the figures
    }
    AttributionReport.objects.filter(pk=report.pk).update(
        rows=rows, totals=totals, computed_at=timezone.now()
    )


def _labels(scope: Scope, codes: list[str]) -> dict[str, str]:
    """Channel codes as their labels; campaign ids as the campaigns' names."""
    if scope.by != BY_CAMPAIGN:
        known = dict(Channel.choices)
        return {c: str(known.get(c, c)) for c in codes}
    ids = [int(c) for c in codes if c != NO_CAMPAIGN]
    names = dict(Campaign.objects.filter(pk__in=ids).values_list("pk", "name"))
    return {c: ("No campaign" if c == NO_CAMPAIGN else names.get(int(c), f"#{c}")) for c in codes}


@dataclass
class Table:
    """A computed report as the page shows it: one row per channel, a column per model."""

    models: list[tuple[str, str, str]]  # code, name, explanation
    rows: list[tuple[str, list[tuple[float, Decimal]]]]  # label, (conversions, value) per model


def table(report: AttributionReport) -> Table:
    present = [m for m in MODELS if any(r[0] == m for r in report.rows)]
    names: dict[str, str] = {}
    credit: dict[str, dict[str, tuple[float, float]]] = {}
    for model, label, conversions, value, code in report.rows:
        names[code] = label
        credit.setdefault(code, {})[model] = (conversions, value)
    order = sorted(credit, key=lambda code: -credit[code].get("linear", (0.0, 0.0))[1])
    rows = []
    for code in order:
        cells = [credit[code].get(m, (0.0, 0.0)) for m in present]
        rows.append((names[code], [(c, Decimal(str(v))) for c, v in cells]))
    return Table(models=[(m, *MODELS[m]) for m in present], rows=rows)


# The models a chart shows until the reader asks for more: the two single-touch views,
# the even split, and the data-driven one. Ten bars per channel read as noise.
CHARTED_FIRST = ("first_touch", "last_touch", "linear", "markov_1")


def chart(report: AttributionReport, in_force: str = "") -> dict[str, Any]:
    """Credited value per channel (or campaign), a bar per model: the grouped bar chart
    beside the table (the twelve largest by the linear model). Four models are drawn
    (``CHARTED_FIRST``, with the model in force in place of the last when it is not
    among them); the others are in the legend, one click away."""
    shown = table(report)
    rows = shown.rows[:12]
    first = list(CHARTED_FIRST)
    if in_force and in_force not in first:
        first[-1] = in_force
    return {
        "type": "bar",
        "labels": [label for label, _ in rows],
        "money": report.scope.get("currency") or "GBP",
        "datasets": [
            {
                "label": name,
                "values": [float(cells[i][1]) for _, cells in rows],
                "hidden": code not in first,
            }
            for i, (code, name, _) in enumerate(shown.models)
        ],
    }


def campaign_scope(conversion: str, currency: str, lookback: int) -> Scope:
    """The scope every campaign's return is read from: pipeline or revenue by campaign in
    one currency, over the twelve months to the end of this month (the campaign page's
    panel and the calendar's performance page and kill criteria share it)."""
    today = timezone.localdate()
    end = (today.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    start = (end.replace(day=1) - timedelta(days=335)).replace(day=1)
    return Scope(
        conversion=conversion, start=start, end=end, lookback_days=lookback,
        currency=currency, by=BY_CAMPAIGN, time_zone=timezone.get_current_timezone_name(),
    )  # fmt: skip


def fresh_report(scope: Scope) -> AttributionReport:
    """For background work (a task, not a page): the report of this scope, computed here
    and now when it was never computed or is older than ``STALE_AFTER``."""
    now = timezone.now()
    report, _ = AttributionReport.objects.get_or_create(
        key=scope_key(scope), defaults={"scope": scope.as_dict(), "viewed_at": now}
    )
    if report.computed_at is None or now - report.computed_at > STALE_AFTER:
        compute(report)
        report.refresh_from_db()
    return report


@dataclass
class CampaignReturn:
    """A campaign's attributed pipeline and revenue over the last twelve months by the
    model in force, against what it cost; figures are None until computed."""

    model: str
    start: date
    end: date
    pipeline: Decimal | None
    revenue: Decimal | None
    cost: Decimal
    computing: bool
    # A figure was never computed and nothing is computing it: the page offers to queue
    # it (one already stored is kept fresh by the periodic refresh of viewed reports).
    can_queue: bool = False

    @property
    def roi_percent(self) -> Decimal | None:
        if self.revenue is None or not self.cost:
            return None
        return ((self.revenue - self.cost) / self.cost * 100).quantize(Decimal("0.1"))


def campaign_return(
    campaign: Campaign, *, user: Any, cost: Decimal, queue: bool = False
) -> CampaignReturn:
    """Reads two reports every campaign page shares (pipeline and revenue by campaign,
    the twelve months to the end of this month). Only with ``queue`` (a POST) are those
    missing or old queued for the worker; a page view reads what is stored."""
    model, lookback = current_choice()
    credit: dict[str, Decimal | None] = {}
    computing = can_queue = False
    for conversion in (PIPELINE, REVENUE):
        scope = campaign_scope(conversion, campaign.currency, lookback)
        start, end = scope.start, scope.end
        report = report_for(scope, user=user) if queue else stored_report(scope)
        if report is None:
            credit[conversion], can_queue = None, True
            continue
        computing = computing or is_computing(report)
        can_queue = can_queue or (report.computed_at is None and not is_computing(report))
        if report.computed_at is None:
            credit[conversion] = None
            continue
        code = str(campaign.pk)
        mine = [r[3] for r in report.rows if r[0] == model and r[4:] == [code]]
        credit[conversion] = to_penny(sum(mine))
    return CampaignReturn(
        model=MODELS[model][0], start=start, end=end, pipeline=credit[PIPELINE],
        revenue=credit[REVENUE], cost=cost, computing=computing, can_queue=can_queue,
    )  # fmt: skip
