"""The scorecard's KPI catalogue: each KPI computed from the data per month of a period,
as a numerator and a denominator per month (one grouped query each), so a month's value,
the year-to-date value and a trend are the same arithmetic: sum(num) / sum(den).

A KPI is marketing's, sales' or shared; the shared ones are the only ones an incentive
pool may pay on. A higher app adds KPIs it can compute (the budget's cost per
opportunity) with ``register_kpi`` in its ``AppConfig.ready``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import numpy as np
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, F, OuterRef, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from tandem.core import exchange_rates
from tandem.planning import fiscal
from tandem.planning.models import PlanPeriod


@dataclass(frozen=True)
class Span:
    """The months a KPI is computed over (first days), and their bounds in the zone."""

    period: PlanPeriod
    months: list[date]

    @property
    def start(self) -> datetime:
        return _aware(self.months[0])

    @property
    def end(self) -> datetime:
        return _aware(fiscal.add_months(self.months[-1], 1))

    def slot(self, month: Any) -> int | None:
        day = month.date() if isinstance(month, datetime) else month
        first = date(day.year, day.month, 1)
        return self.months.index(first) if first in self.months else None

    def array(self, pairs: Any) -> np.ndarray:
        """(month, value) pairs into one value per month of the span."""
        values = np.zeros(len(self.months))
        for month, value in pairs:
            slot = self.slot(month)
            if slot is not None:
                values[slot] += float(value or 0)
        return values


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


Monthly = tuple[np.ndarray, np.ndarray | None]  # numerator, denominator (None: a sum)


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    side: str  # "marketing", "sales" or "shared"
    unit: str  # "money", "percent", "days"
    better: str  # "higher" or "lower"
    compute: Callable[[Span], Monthly]
    explain: str = ""
    default_target: float | None = None  # used until a target is set (100 % of plan)

    @property
    def summed(self) -> bool:
        """A total over the months (pipeline), not a rate: its target is for the year."""
        return self.unit == "money" and self.key.endswith("pipeline")


CATALOGUE: dict[str, Kpi] = {}


def register_kpi(kpi: Kpi) -> None:
    CATALOGUE[kpi.key] = kpi


def _counts(queryset: Any, column: str, span: Span, **aggregate: Any) -> np.ndarray:
    rows = (
        queryset.filter(**{f"{column}__gte": span.start, f"{column}__lt": span.end})
        .order_by()
        .annotate(month=TruncMonth(column))
        .values("month")
        .annotate(value=aggregate.get("value", Count("pk")))
        .values_list("month", "value")
    )
    return span.array(rows)


def _money(queryset: Any, column: str, span: Span) -> np.ndarray:
    """Amounts per month, each currency converted into the period's."""
    rows = (
        queryset.filter(**{f"{column}__gte": span.start, f"{column}__lt": span.end})
        .order_by()
        .annotate(month=TruncMonth(column))
        .values("month", "currency")
        .annotate(total=Sum("amount"))
        .values_list("month", "currency", "total")
    )
    rates = exchange_rates.rates_on(min(timezone.localdate(), span.period.ends_on))
    converted = []
    for month, currency, total in rows:
        value = rates.convert(Decimal(total or 0), currency, span.period.currency)
        if value is not None:
            converted.append((month, value))
    return span.array(converted)


def _opportunities() -> Any:
    from tandem.crm.models import Opportunity
    from tandem.handoff.models import Lead

    return Opportunity.objects.annotate(
        from_lead=Exists(Lead.objects.filter(opportunity=OuterRef("pk")))
    )


def marketing_pipeline(span: Span) -> Monthly:
    return _money(_opportunities().filter(from_lead=True), "created_at", span), None


def sales_pipeline(span: Span) -> Monthly:
    return _money(_opportunities().filter(from_lead=False), "created_at", span), None


def mql_sql_rate(span: Span) -> Monthly:
    from tandem.handoff.models import Lead

    converted = _counts(Lead.objects.filter(opportunity__isnull=False), "mql_at", span)
    return converted * 100, _counts(Lead.objects.all(), "mql_at", span)


def marketing_sla(span: Span) -> Monthly:
    """MQLs delivered against the SLA's promise in force (100 % = the promise kept)."""
    from tandem.handoff.models import Lead, SlaPolicy

    policy = SlaPolicy.objects.in_force()
    promised = np.full(len(span.months), float(policy.mqls_per_month) if policy else 0.0)
    return _counts(Lead.objects.all(), "mql_at", span) * 100, promised


def sales_sla(span: Span) -> Monthly:
    """MQLs accepted or rejected within their clock, of the MQLs handed over."""
    from tandem.handoff.models import Lead, SlaBreach

    handed = _counts(Lead.objects.all(), "mql_at", span)
    late = _counts(
        SlaBreach.objects.filter(clock=SlaBreach.Clock.ACCEPT, level=SlaBreach.Level.REP),
        "due_at",
        span,
    )
    return np.maximum(handed - late, 0) * 100, handed


def win_rate(span: Span) -> Monthly:
    from tandem.crm.models import Opportunity

    closed = Opportunity.objects.filter(stage__in=("won", "lost"))
    won = _counts(closed.filter(stage="won"), "closed_at", span)
    return won * 100, _counts(closed, "closed_at", span)


def cycle_time(span: Span) -> Monthly:
    from tandem.crm.models import Opportunity
    from tandem.handoff.scoring import DaysBetween

    won = Opportunity.objects.filter(stage="won")
    days = _counts(won, "closed_at", span, value=Sum(DaysBetween(F("closed_at"), F("created_at"))))
    return days, _counts(won, "closed_at", span)


def revenue_vs_target(span: Span) -> Monthly:
    from tandem.crm.models import Opportunity
    from tandem.planning.funnel import monthly_revenue
    from tandem.planning.models import RevenueTarget

    target = RevenueTarget.objects.filter(period=span.period).prefetch_related("amounts")
    months = monthly_revenue(span.period, target.in_force())
    wanted = np.array([float(months.get(m, 0)) for m in span.months])
    won = _money(Opportunity.objects.filter(stage="won"), "closed_at", span)
    return won * 100, wanted


def signoff_coverage(span: Span) -> Monthly:
    """Of the collateral published in the month, the share its reviewers signed off
    (not let through by an override)."""
    from tandem.approvals.models import ApprovalRequest
    from tandem.collateral.models import Asset
    from tandem.collateral.signoff import SIGN_OFF

    signed = ApprovalRequest.objects.filter(
        kind=SIGN_OFF,
        subject_type=ContentType.objects.get_for_model(Asset),
        subject_id=OuterRef("pk"),
        status=ApprovalRequest.Status.APPROVED,
    )
    published = Asset.objects.filter(published_at__isnull=False)
    covered = _counts(published.filter(Exists(signed)), "published_at", span)
    return covered * 100, _counts(published, "published_at", span)


for _kpi in (
    Kpi("marketing_pipeline", "Pipeline sourced by marketing", "marketing", "money", "higher",
        marketing_pipeline, "Opportunities opened from marketing's leads, by value."),
    Kpi("sales_pipeline", "Pipeline sourced by sales", "sales", "money", "higher",
        sales_pipeline, "Opportunities sales opened itself, by value."),
    Kpi("mql_sql_rate", "MQL → SQL rate", "shared", "percent", "higher", mql_sql_rate,
        "Of the month's MQLs, the share that became an opportunity."),
    Kpi("marketing_sla", "Marketing's SLA: MQLs delivered", "marketing", "percent", "higher",
        marketing_sla, "MQLs delivered against the SLA's monthly promise."),
    Kpi("sales_sla", "Sales' SLA: decided in time", "sales", "percent", "higher", sales_sla,
        "MQLs accepted or rejected within their clock."),
    Kpi("win_rate", "Win rate", "sales", "percent", "higher", win_rate,
        "Of the deals closed, the share won."),
    Kpi("cycle_time", "Sales cycle", "sales", "days", "lower", cycle_time,
        "Average days from opening a deal to winning it."),
    Kpi("revenue_vs_target", "Revenue against target", "shared", "percent", "higher",
        revenue_vs_target, "Revenue won against the plan's target.", 100),
    Kpi("signoff_coverage", "Collateral sign-off coverage", "shared", "percent", "higher",
        signoff_coverage, "Of the collateral published, the share its reviewers signed off."),
):  # fmt: skip
    register_kpi(_kpi)
