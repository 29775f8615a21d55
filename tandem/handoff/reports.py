"""The SLA report: both halves of the contract side by side, for one month.

Marketing's half: MQLs delivered against the number promised, and the share sales
accepted against the minimum promised. Sales' half, per rep and tier: leads handed over,
accepted, rejected, average business hours to accept and to first follow-up, breaches.
And what marketing needs to act on: rejection reasons per campaign and per source.
Every figure is one aggregate query over an indexed range (no row is loaded per lead).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Q
from django.utils import timezone

from tandem.campaigns.models import Campaign
from tandem.core.dates import in_range
from tandem.handoff.models import (
    NURTURE_STAGES,
    Lead,
    LifecycleEvent,
    RejectionReason,
    SlaBreach,
    SlaPolicy,
    Stage,
)
from tandem.handoff.models.leads import source_label
from tandem.people.models import User


def month_bounds(month: str, zone: Any = None) -> tuple[date, datetime, datetime]:
    """("2026-11") -> (first day, start, end) in the current time zone; this month when
    the text is not a month Tandem accepts (see core.dates)."""
    zone = zone or timezone.get_current_timezone()
    try:
        year, number = (int(part) for part in month[:7].split("-", 1))
        first = date(year, number, 1)
    except (ValueError, TypeError):
        first = timezone.localdate().replace(day=1)
    if not in_range(first):  # the dates Tandem accepts anywhere
        first = timezone.localdate().replace(day=1)
    days = calendar.monthrange(first.year, first.month)[1]
    start = datetime.combine(first, time(), tzinfo=zone)
    end = datetime.combine(first + timedelta(days=days), time(), tzinfo=zone)
    return first, start, end


@dataclass
class SlaReport:
    month: date
    policy: SlaPolicy | None
    mqls: int = 0
    accepted: int = 0
    rejected: int = 0
    reps: list[dict[str, Any]] = field(default_factory=list)
    by_campaign: list[dict[str, Any]] = field(default_factory=list)
    by_source: list[dict[str, Any]] = field(default_factory=list)
    breaches: int = 0

    @property
    def acceptance_rate(self) -> Decimal | None:
        decided = self.accepted + self.rejected
        return Decimal(100 * self.accepted / decided).quantize(Decimal("0.1")) if decided else None

    @property
    def mqls_short(self) -> int:
        return max(0, self.policy.mqls_per_month - self.mqls) if self.policy else 0

    @property
    def mqls_met(self) -> bool | None:
        return None if self.policy is None else self.mqls >= self.policy.mqls_per_month

    @property
    def acceptance_met(self) -> bool | None:
        rate = self.acceptance_rate
        if self.policy is None or rate is None:
            return None
        return rate >= self.policy.min_acceptance_rate

    @property
    def previous(self) -> str:
        return (self.month - timedelta(days=1)).strftime("%Y-%m")

    @property
    def next(self) -> str:
        return (self.month + timedelta(days=32)).replace(day=1).strftime("%Y-%m")


def sla_report(month: str = "") -> SlaReport:
    first, start, end = month_bounds(month)
    report = SlaReport(month=first, policy=SlaPolicy.objects.in_force())
    events = LifecycleEvent.objects.filter(at__gte=start, at__lt=end)
    # The stages named as well, so that the count walks the (stage, time) index.
    counts = events.filter(to_stage__in=[Stage.MQL, Stage.ACCEPTED, Stage.RECYCLED]).aggregate(
        mqls=Count("id", filter=Q(to_stage=Stage.MQL, from_stage__in=NURTURE_STAGES)),
        accepted=Count("id", filter=Q(to_stage=Stage.ACCEPTED, from_stage=Stage.MQL)),
        rejected=Count("id", filter=Q(to_stage=Stage.RECYCLED, reason__isnull=False)),
    )
    report.mqls, report.accepted, report.rejected = (
        counts["mqls"],
        counts["accepted"],
        counts["rejected"],
    )
    report.reps = _per_rep(start, end)
    report.breaches = SlaBreach.objects.filter(
        level=SlaBreach.Level.REP, due_at__gte=start, due_at__lt=end
    ).count()
    rejections = events.filter(to_stage=Stage.RECYCLED, reason__isnull=False)
    reasons = dict(RejectionReason.objects.values_list("id", "label"))
    campaign_rows = list(
        rejections.values("campaign", "reason").annotate(n=Count("id")).order_by("-n")[:50]
    )
    names = dict(
        Campaign.objects.filter(pk__in={r["campaign"] for r in campaign_rows}).values_list(
            "id", "name"
        )
    )
    report.by_campaign = [
        {
            "campaign_id": r["campaign"],
            "campaign": names.get(r["campaign"], "No campaign"),
            "reason": reasons.get(r["reason"], ""),
            "count": r["n"],
        }
        for r in campaign_rows
    ]
    report.by_source = [
        {
            "source": source_label(r["source"]) if r["source"] else "Unknown",
            "reason": reasons.get(r["reason"], ""),
            "count": r["n"],
        }
        for r in rejections.values("source", "reason").annotate(n=Count("id")).order_by("-n")[:50]
    ]
    return report


def _per_rep(start: datetime, end: datetime) -> list[dict[str, Any]]:
    rows = list(
        Lead.objects.filter(mql_at__gte=start, mql_at__lt=end)
        .values("rep", "tier")
        .annotate(
            # COUNT of a column counts its non-null values: all read from the index.
            handed=Count("*"),
            accepted=Count("accepted_at"),
            rejected=Count("rejection_reason"),
            accept_hours=Avg("accept_hours"),
            follow_up_hours=Avg("follow_up_hours"),
        )
        .order_by("rep", "tier")
    )
    breaches = {
        (b["rep"], b["tier"], b["clock"]): b["n"]
        for b in SlaBreach.objects.filter(
            level=SlaBreach.Level.REP, due_at__gte=start, due_at__lt=end
        )
        .values("rep", "tier", "clock")
        .annotate(n=Count("id"))
    }
    people = User.objects.in_bulk({r["rep"] for r in rows if r["rep"]})
    for row in rows:
        row["rep_name"] = str(people[row["rep"]]) if row["rep"] in people else "Not assigned"
        row["accept_breaches"] = breaches.get((row["rep"], row["tier"], "accept"), 0)
        row["follow_up_breaches"] = breaches.get((row["rep"], row["tier"], "follow_up"), 0)
    return rows
