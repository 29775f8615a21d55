"""The budget's KPI for the joint scorecard (``planning.kpis``): cost per opportunity,
the shared budget's actual spend of a month over the opportunities opened in it."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
from django.db.models import Q, Sum
from django.utils import timezone

from tandem.core import exchange_rates
from tandem.planning.kpis import COUNT, Kpi, Monthly, Span


def cost_per_opportunity(span: Span) -> Monthly:
    from tandem.budget.models import LineMonth
    from tandem.crm.models import Opportunity

    rows = (
        LineMonth.objects.filter(line__budget__period=span.period, month__in=span.months)
        .values("month", "line__currency")
        .annotate(actual=Sum("actual"))
        .order_by()
    )
    rates = exchange_rates.rates_on(min(timezone.localdate(), span.period.ends_on))
    spent = np.zeros(len(span.months))
    for row in rows:
        value = rates.convert(
            Decimal(row["actual"] or 0), row["line__currency"], span.period.currency
        )
        if value is not None:  # no rate: left out, as every converted figure does
            spent[span.months.index(row["month"])] += float(value)
    opened = span.monthly("opened", Opportunity.objects.all(), "created_at", {"all": (COUNT, Q())})[
        "all"
    ]
    return spent, opened


COST_PER_OPPORTUNITY = Kpi(
    "cost_per_opportunity",
    "Cost per opportunity",
    "shared",
    "money",
    "lower",
    cost_per_opportunity,
    "The shared budget's spend over the opportunities opened.",
)
