"""Return on one scale: marketing programmes and sales resources ranked together by what
each pound spent brought back.

A line funding campaigns gets the pipeline and revenue the organisation's attribution
model in force credits its campaigns with (the stored reports by campaign the campaign
pages and the calendar read; nothing is computed on a page view). A sales line gets the
pipeline (opportunities created in the period) and revenue (won, closed in the period)
of the deals owned by the people it funds. Every figure is converted into the budget's
currency by today's rates; a currency without a rate is left out and named.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum
from django.utils import timezone

from tandem.attribution import reports
from tandem.attribution.journeys import NO_CAMPAIGN, PIPELINE, REVENUE
from tandem.attribution.models import MODELS, current_choice
from tandem.budget.models import ZERO, BudgetLine
from tandem.core.exchange_rates import rates_on
from tandem.crm.models import Opportunity
from tandem.planning.models import PlanPeriod


def attributed(currencies: set[str]) -> dict[str, dict[int, Decimal]]:
    """{"pipeline"|"revenue": {campaign id: credit}} by the model in force, from the
    stored by-campaign reports of each currency (in that currency)."""
    model, lookback = current_choice()
    found: dict[str, dict[int, Decimal]] = {
        PIPELINE: defaultdict(Decimal),
        REVENUE: defaultdict(Decimal),
    }
    for conversion in (PIPELINE, REVENUE):
        for currency in sorted(currencies):
            report = reports.stored_report(reports.campaign_scope(conversion, currency, lookback))
            if report is None or report.computed_at is None:
                continue
            for name, _label, _conversions, value, *code in report.rows:
                if name == model and code and code[0] not in (NO_CAMPAIGN, ""):
                    try:
                        found[conversion][int(code[0])] += Decimal(str(value))
                    except ValueError:
                        continue
    return found


def campaign_reports(currencies: set[str], *, queue: bool = False, user: Any = None) -> str:
    """The state of the by-campaign reports the campaign lines' return is read from:
    "ready", "computing" or "missing". With ``queue`` (a POST), those never computed (or
    old) are queued for the worker, as the campaign page's *Compute the return now*."""
    _model, lookback = current_choice()
    state = "ready"
    for conversion in (PIPELINE, REVENUE):
        for currency in sorted(currencies):
            scope = reports.campaign_scope(conversion, currency, lookback)
            report = reports.report_for(scope, user=user) if queue else reports.stored_report(scope)
            if report is not None and reports.is_computing(report):
                state = "computing"
            elif (report is None or report.computed_at is None) and state == "ready":
                state = "missing"
    return state


def ranking(period: PlanPeriod, user: Any) -> dict[str, Any]:
    """Every line of the period with spend, pipeline, revenue and both per pound, ranked
    by revenue per pound (lines with no spend last)."""
    lines = list(BudgetLine.objects.visible_to(user).of_period(period.pk).select_related("team"))
    into, rates = period.currency, rates_on(timezone.localdate())
    missing: set[str] = set()

    def convert(amount: Decimal, currency: str) -> Decimal:
        value = rates.convert(amount, currency, into)
        if value is None:
            missing.add(currency)
            return ZERO
        return value

    ids = [line.pk for line in lines]
    campaign_links = list(
        BudgetLine.campaigns.through.objects.filter(budgetline_id__in=ids).values_list(
            "budgetline_id", "campaign_id", "campaign__currency"
        )
    )
    credit = attributed({c for _, _, c in campaign_links})
    funded = list(
        BudgetLine.funds.through.objects.filter(budgetline_id__in=ids).values_list(
            "budgetline_id", "user_id"
        )
    )
    start = timezone.make_aware(datetime.combine(period.starts_on, time.min))
    end = timezone.make_aware(datetime.combine(period.ends_on, time.max))
    deals = (
        Opportunity.objects.filter(owner_id__in={u for _, u in funded})
        .values("owner_id", "currency")
        .annotate(
            pipeline=Sum("amount", filter=Q(created_at__range=(start, end))),
            revenue=Sum("amount", filter=Q(stage="won", closed_at__range=(start, end))),
        )
        .order_by()
    )
    by_owner: dict[int, list[tuple[Decimal, Decimal]]] = defaultdict(list)
    for d in deals:
        by_owner[d["owner_id"]].append(
            (
                convert(d["pipeline"] or ZERO, d["currency"]),
                convert(d["revenue"] or ZERO, d["currency"]),
            )
        )
    back: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for line_id, campaign_id, currency in campaign_links:
        back[line_id][0] += convert(credit[PIPELINE].get(campaign_id, ZERO), currency)
        back[line_id][1] += convert(credit[REVENUE].get(campaign_id, ZERO), currency)
    for line_id, user_id in funded:
        for pipeline, revenue in by_owner.get(user_id, []):
            back[line_id][0] += pipeline
            back[line_id][1] += revenue
    rows = []
    for line in lines:
        spent = convert(line.actual, line.currency)
        pipeline, revenue = (v.quantize(Decimal("0.01")) for v in back[line.pk])
        rows.append(
            {
                "line": line,
                "kind": "Sales resource"
                if line.team.function == "sales"
                else "Marketing programme",
                "spent": spent.quantize(Decimal("0.01")),
                "pipeline": pipeline,
                "revenue": revenue,
                "revenue_per_pound": (revenue / spent).quantize(Decimal("0.01")) if spent else None,
                "pipeline_per_pound": (pipeline / spent).quantize(Decimal("0.01"))
                if spent
                else None,
            }
        )
    rows.sort(key=lambda r: (r["revenue_per_pound"] is None, -(r["revenue_per_pound"] or 0)))
    return {
        "rows": rows,
        "currency": into,
        "model": MODELS[current_choice()[0]][0],
        "missing_rates": sorted(missing),
        "campaign_currencies": sorted({c for _, _, c in campaign_links}),
        "reports": campaign_reports({c for _, _, c in campaign_links}) if campaign_links else "",
    }
