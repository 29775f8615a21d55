"""What happened per month of a period, stage by stage, for plan against actual: one
grouped count per stage (TruncMonth in the organisation's zone), never a row per lead."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from tandem.core import exchange_rates
from tandem.crm.models import Opportunity
from tandem.handoff.models import Lead
from tandem.planning import fiscal
from tandem.planning.models import PlanPeriod


def _span(period: PlanPeriod) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(period.starts_on, time.min), tz)
    end = timezone.make_aware(
        datetime.combine(fiscal.add_months(period.starts_on, 12), time.min), tz
    )
    return start, end


def _by_month(queryset: Any, column: str) -> dict[date, int]:
    rows = (
        queryset.order_by()
        .annotate(month=TruncMonth(column))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    return {_first(month): n for month, n in rows}


def _first(month: Any) -> date:
    day = month.date() if isinstance(month, datetime) else month
    return date(day.year, day.month, 1)


def actuals(period: PlanPeriod) -> dict[str, dict[date, Any]]:
    """stage -> {month: count} for the period's months, and "revenue" -> {month: amount
    in the period's currency} (deals in a currency without a rate are left out)."""
    span = _span(period)
    found: dict[str, dict[date, Any]] = {
        "leads": _by_month(
            Lead.objects.filter(contact__created_at__range=span), "contact__created_at"
        ),
        "mqls": _by_month(Lead.objects.filter(mql_at__range=span), "mql_at"),
        "accepted": _by_month(Lead.objects.filter(accepted_at__range=span), "accepted_at"),
        "sqls": _by_month(
            Opportunity.objects.filter(
                Exists(Lead.objects.filter(opportunity=OuterRef("pk"))), created_at__range=span
            ),
            "created_at",
        ),
        "opportunities": _by_month(
            Opportunity.objects.filter(created_at__range=span), "created_at"
        ),
        "wins": _by_month(
            Opportunity.objects.filter(closed_at__range=span, stage="won"), "closed_at"
        ),
    }
    revenue: dict[date, Decimal] = {}
    rates = exchange_rates.rates_on(min(timezone.localdate(), period.ends_on))
    rows = (
        Opportunity.objects.filter(closed_at__range=span, stage="won")
        .order_by()
        .annotate(month=TruncMonth("closed_at"))
        .values("month", "currency")
        .annotate(total=Sum("amount"))
        .values_list("month", "currency", "total")
    )
    per_month: dict[date, list[tuple[str, Decimal]]] = {}
    for month, currency, total in rows:
        per_month.setdefault(_first(month), []).append((currency, total))
    for month, amounts in per_month.items():
        revenue[month] = exchange_rates.add_up(amounts, period.currency, rates).amount
    found["revenue"] = revenue
    return found
