"""Capacity warnings before a schedule is saved: the weeks and regions a campaign (saved
or not) at new dates would leave over capacity, with its own leads in each. The schedule
check (``capacity_gate``) shows them and asks a head of sales when people go ahead."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from tandem.calendar.capacity import (
    CURVE_WEEKS,
    MOST_WEEKS,
    Draft,
    Forecast,
    WeekLoad,
    monday_of,
)
from tandem.campaigns.models import Campaign


def draft_of(campaign: Campaign, starts_on: date, ends_on: date) -> Draft:
    """``campaign`` (saved or not) at these dates, its members counted if saved."""
    members = campaign.members.count() if campaign.pk else 0
    return Draft(
        campaign.pk,
        campaign.name,
        campaign.type,
        campaign.region,
        campaign.expected_leads_per_week or 0,
        members,
        starts_on,
        ends_on,
    )


def warnings_for(
    campaign: Campaign, starts_on: date, ends_on: date, *, today: date | None = None
) -> list[WeekLoad]:
    """The weeks and regions this schedule of ``campaign`` (saved or not) would leave over
    capacity with its leads in them: each with its figures, the campaign among the
    causes. Empty when it brings no leads or every week it touches has room."""
    from django.utils import timezone

    today = today or timezone.localdate()
    first = monday_of(today)
    # Followed to its end, or as long as a measured curve follows it.
    last = max(ends_on, starts_on + timedelta(weeks=CURVE_WEEKS))
    weeks = (monday_of(last) - first).days // 7 + 1
    if weeks < 1 or monday_of(starts_on) > first + timedelta(weeks=MOST_WEEKS - 1):
        return []
    found = Forecast(first, min(weeks, MOST_WEEKS), today=today, exclude=campaign.pk)
    draft = draft_of(campaign, starts_on, ends_on)
    extra, extra_measured = found.weigh([draft])
    if not extra.any():
        return []
    drafts = [draft, *found.drafts]
    inflow = np.concatenate([extra, found.inflow])
    measured = np.concatenate([extra_measured, found.measured])
    warned = []
    for key in found.buckets:
        touched = extra[0, found.index[key]] >= 0.05
        if not touched.any():
            continue
        for week in found.loads(drafts, inflow, measured, key, only=touched):
            if week.over and week.sunday >= today:
                w = (week.monday - found.first).days // 7
                week.own = round(float(extra[0, found.index[key], w]), 1)
                warned.append(week)
    return sorted(warned, key=lambda w: (w.monday, w.label))
