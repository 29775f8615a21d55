"""What happened per month of a period, stage by stage, for plan against actual: read
through the scorecard's monthly reads (``kpis.Span``), one grouped query per source and
one CASE of the zone's month boundaries per row, never a row per lead."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Q

from tandem.crm.models import Opportunity
from tandem.handoff.models import Lead
from tandem.planning.kpis import COUNT, Span, opportunities
from tandem.planning.models import PlanPeriod


def actuals(period: PlanPeriod) -> dict[str, dict[date, Any]]:
    """stage -> {month: count} for the period's months, and "revenue" -> {month: amount
    in the period's currency} (deals in a currency without a rate are left out)."""
    span = Span(period, period.months)
    every = {"n": (COUNT, Q())}
    counts = {
        "leads": span.monthly("arrived", Lead.objects.all(), "contact__created_at", every)["n"],
        "mqls": span.monthly("mql", Lead.objects.all(), "mql_at", every)["n"],
        "accepted": span.monthly("accepted", Lead.objects.all(), "accepted_at", every)["n"],
    }
    opened = span.monthly(
        "opened",
        opportunities(),
        "created_at",
        {"all": (COUNT, Q()), "sql": (COUNT, Q(from_lead=True))},
    )
    counts["sqls"], counts["opportunities"] = opened["sql"], opened["all"]
    won = Opportunity.objects.filter(stage="won")
    counts["wins"] = span.monthly("won", won, "closed_at", every)["n"]
    revenue = span.money("revenue", won, "closed_at", {"won": Q()})["won"]
    found: dict[str, dict[date, Any]] = {
        stage: {m: int(v) for m, v in zip(span.months, values, strict=True) if v}
        for stage, values in counts.items()
    }
    found["revenue"] = {
        m: Decimal(str(v)).quantize(Decimal("0.01"))
        for m, v in zip(span.months, revenue, strict=True)
        if v
    }
    return found
