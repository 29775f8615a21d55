"""The measured curves of capacity's inflow (``calendar.capacity``): for each campaign type
with at least ``SAMPLE_MIN`` finished campaigns, the MQLs its latest ``SAMPLE_MOST``
brought in each week after their start, averaged, with their mean audience. Three
grouped reads whatever the number of campaigns or MQLs."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber

from tandem.calendar.capacity_rows import CURVE_WEEKS, SAMPLE_MIN, SAMPLE_MOST, Curve, DaysSince
from tandem.campaigns.models import Campaign, CampaignMember
from tandem.handoff.models import LifecycleEvent, Stage


def measured_curves() -> dict[str, Curve]:
    """Campaign type -> its measured weekly curve (types with too few finished: none)."""
    ranked = (
        Campaign.objects.filter(status=Campaign.Status.FINISHED)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("type")],
                order_by=[F("ends_on").desc(), F("id").desc()],
            )
        )
        .filter(rank__lte=SAMPLE_MOST)
        .values_list("id", "type", "starts_on")
    )
    by_type: dict[str, list[tuple[int, date]]] = defaultdict(list)
    for pk, kind, starts_on in ranked:
        by_type[kind].append((pk, starts_on))
    sample = {k: v for k, v in by_type.items() if len(v) >= SAMPLE_MIN}
    labels = dict(Campaign.Type.choices)
    if not sample:
        return {}
    ids = [pk for rows in sample.values() for pk, _ in rows]
    audience = dict(
        CampaignMember.objects.filter(campaign_id__in=ids)
        .order_by()
        .values_list("campaign_id")
        .annotate(n=Count("pk"))
    )
    starts = [s for rows in sample.values() for _, s in rows]
    since = datetime.combine(min(starts), time.min, tzinfo=UTC)
    until = datetime.combine(max(starts) + timedelta(weeks=CURVE_WEEKS), time.min, tzinfo=UTC)
    mqls = (
        LifecycleEvent.objects.filter(
            to_stage=Stage.MQL, campaign_id__in=ids, at__gte=since, at__lt=until
        )
        .order_by()
        .annotate(days=DaysSince(F("at"), F("campaign__starts_on")))
        .filter(days__gte=0, days__lt=7 * CURVE_WEEKS)
        .annotate(week=F("days") / 7)
        .values_list("campaign__type", "week")
        .annotate(n=Count("pk"))
    )
    totals = {k: np.zeros(CURVE_WEEKS) for k in sample}
    for kind, week, n in mqls:
        totals[kind][int(week)] += n
    return {
        kind: Curve(
            type=kind,
            label=str(labels.get(kind, kind)),
            sample=len(rows),
            mean_members=sum(audience.get(pk, 0) for pk, _ in rows) / len(rows),
            weekly=totals[kind] / len(rows),
        )
        for kind, rows in sample.items()
    }
