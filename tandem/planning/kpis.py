"""The scorecard's KPI catalogue: each KPI computed from the data per month of a period,
as a numerator and a denominator per month (one grouped query each), so a month's value,
the year-to-date value and a trend are the same arithmetic: sum(num) / sum(den).

A KPI is marketing's, sales' or shared; the shared ones are the only ones an incentive
pool may pay on. A higher app adds KPIs it can compute (the budget's cost per
opportunity) with ``register_kpi`` in its ``AppConfig.ready``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import numpy as np
from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Sum, Value, When
from django.utils import timezone

from tandem.core import exchange_rates
from tandem.planning import fiscal
from tandem.planning.models import PlanPeriod


@dataclass
class Span:
    """The months a KPI is computed over (first days), their bounds in the zone, and the
    monthly reads already made for this scorecard (several KPIs share one)."""

    period: PlanPeriod
    months: list[date]
    memo: dict[str, Any] = field(default_factory=dict)

    @property
    def edges(self) -> list[datetime]:
        return [_aware(m) for m in self.months] + [_aware(fiscal.add_months(self.months[-1], 1))]

    def month_of(self, column: str) -> Case:
        """The month index (0, 1, ...) of ``column``, as the database computes it: one
        CASE of the month boundaries (in the organisation's zone) per row."""
        edges = self.edges
        return Case(
            *(
                When(**{f"{column}__lt": edges[i + 1]}, then=Value(i))
                for i in range(len(self.months))
            ),
            output_field=IntegerField(),
        )

    def spanned(self, queryset: Any, column: str) -> Any:
        edges = self.edges
        return queryset.filter(**{f"{column}__gte": edges[0], f"{column}__lt": edges[-1]})

    def monthly(
        self, key: str, queryset: Any, column: str, measures: dict[str, tuple[Any, Q]]
    ) -> dict[str, np.ndarray]:
        """One grouped query: each measure (an aggregate taking ``filter=``, and a
        condition) per month of the span, read along ``column``'s index; never a row per
        month or per lead."""
        if key not in self.memo:
            rows = (
                self.spanned(queryset, column)
                .order_by()
                .annotate(month_index=self.month_of(column))
                .values("month_index")
                .annotate(
                    **{
                        name: Count(column, filter=cond) if agg == COUNT else agg(filter=cond)
                        for name, (agg, cond) in measures.items()
                    }
                )
            )
            found = {name: np.zeros(len(self.months)) for name in measures}
            for row in rows:
                for name in measures:
                    found[name][row["month_index"]] = float(row[name] or 0)
            self.memo[key] = found
        result: dict[str, np.ndarray] = self.memo[key]
        return result

    def money(
        self, key: str, queryset: Any, column: str, kinds: dict[str, Q]
    ) -> dict[str, np.ndarray]:
        """Amounts per month for each kind, per currency from the database (one grouped
        query), converted into the period's currency by the rates in force."""
        if key not in self.memo:
            rows = (
                self.spanned(queryset, column)
                .order_by()
                .annotate(month_index=self.month_of(column))
                .values("month_index", "currency")
                .annotate(**{name: Sum("amount", filter=cond) for name, cond in kinds.items()})
            )
            rates = exchange_rates.rates_on(min(timezone.localdate(), self.period.ends_on))
            totals = {name: np.zeros(len(self.months)) for name in kinds}
            for row in rows:
                rate = rates.convert(Decimal(1), row["currency"], self.period.currency)
                if rate is None:
                    continue  # no rate: left out, as every converted figure does
                for name in kinds:
                    totals[name][row["month_index"]] += float(row[name] or 0) * float(rate)
            self.memo[key] = totals
        found: dict[str, np.ndarray] = self.memo[key]
        return found


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


# A measure counting the rows: of the span's own column, which its index holds, not of
# the key (a lead's, contact_id, is not SQLite's rowid: counting it read every row).
COUNT = "count"


def opportunities() -> Any:
    """Opportunities with ``from_lead``: whether a marketing lead became it (an SQL)."""
    from tandem.crm.models import Opportunity
    from tandem.handoff.models import Lead

    return Opportunity.objects.annotate(
        from_lead=Exists(Lead.objects.filter(opportunity=OuterRef("pk")))
    )


def _pipeline(span: Span) -> dict[str, np.ndarray]:
    return span.money(
        "pipeline",
        opportunities(),
        "created_at",
        {"marketing": Q(from_lead=True), "sales": Q(from_lead=False)},
    )


def marketing_pipeline(span: Span) -> Monthly:
    return _pipeline(span)["marketing"], None


def sales_pipeline(span: Span) -> Monthly:
    return _pipeline(span)["sales"], None


def _mqls(span: Span) -> dict[str, np.ndarray]:
    """The month's MQLs, and those of them that became an opportunity."""
    from tandem.handoff.models import Lead

    return span.monthly(
        "mqls",
        Lead.objects.all(),
        "mql_at",
        {"all": (COUNT, Q()), "converted": (COUNT, Q(opportunity__isnull=False))},
    )


def mql_sql_rate(span: Span) -> Monthly:
    mqls = _mqls(span)
    return mqls["converted"] * 100, mqls["all"]


def marketing_sla(span: Span) -> Monthly:
    """MQLs delivered against the SLA's promise in force (100 % = the promise kept)."""
    from tandem.handoff.models import SlaPolicy

    policy = SlaPolicy.objects.in_force()
    promised = np.full(len(span.months), float(policy.mqls_per_month) if policy else 0.0)
    return _mqls(span)["all"] * 100, promised


def sales_sla(span: Span) -> Monthly:
    """MQLs accepted or rejected within their clock, of the MQLs handed over."""
    from tandem.handoff.models import SlaBreach

    handed = _mqls(span)["all"]
    late = span.monthly(
        "late",
        SlaBreach.objects.filter(clock=SlaBreach.Clock.ACCEPT, level=SlaBreach.Level.REP),
        "due_at",
        {"late": (COUNT, Q())},
    )["late"]
    return np.maximum(handed - late, 0) * 100, handed


def _closed(span: Span) -> dict[str, np.ndarray]:
    """The month's closed deals, those won, and the days the won ones took."""
    from tandem.crm.models import Opportunity
    from tandem.handoff.scoring import DaysBetween

    def days(**kwargs: Any) -> Any:
        return Sum(DaysBetween(F("closed_at"), F("created_at")), **kwargs)

    return span.monthly(
        "closed",
        Opportunity.objects.filter(stage__in=("won", "lost")),
        "closed_at",
        {
            "closed": (COUNT, Q()),
            "won": (COUNT, Q(stage="won")),
            "days": (days, Q(stage="won")),
        },
    )


def win_rate(span: Span) -> Monthly:
    closed = _closed(span)
    return closed["won"] * 100, closed["closed"]


def cycle_time(span: Span) -> Monthly:
    closed = _closed(span)
    return closed["days"], closed["won"]


def revenue_vs_target(span: Span) -> Monthly:
    from tandem.crm.models import Opportunity
    from tandem.planning.funnel import monthly_revenue
    from tandem.planning.models import RevenueTarget

    target = RevenueTarget.objects.filter(period=span.period).prefetch_related("amounts")
    months = monthly_revenue(span.period, target.in_force())
    wanted = np.array([float(months.get(m, 0)) for m in span.months])
    won = span.money("revenue", Opportunity.objects.filter(stage="won"), "closed_at", {"won": Q()})[
        "won"
    ]
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
    found = span.monthly(
        "signoff",
        Asset.objects.filter(published_at__isnull=False).annotate(signed=Exists(signed)),
        "published_at",
        {"all": (COUNT, Q()), "signed": (COUNT, Q(signed=True))},
    )
    return found["signed"] * 100, found["all"]


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
