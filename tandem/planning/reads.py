"""What the plan page shows, assembled once: the target, the figures with where each
came from, the reverse funnel per month (marketing's part beside sales'), plan against
actual with its variance, and the charts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from tandem.approvals.contracts import contract_sides
from tandem.approvals.reads import with_cards
from tandem.core.permissions import Action, can
from tandem.planning import fiscal
from tandem.planning.actuals import actuals
from tandem.planning.funnel import MARKETING_STAGES, SALES_STAGES, STAGE_LABELS, plan_for
from tandem.planning.models import Assumption, PlanPeriod, RevenueTarget

COMPARED = ("leads", "mqls", "sqls", "wins")

# Pages of a higher app about a period (the budget), linked from the plan's tabs:
# (label, url name taking the period's id), filled in that app's AppConfig.ready.
PERIOD_LINKS: list[tuple[str, str]] = []


def register_period_link(label: str, url_name: str) -> None:
    if (label, url_name) not in PERIOD_LINKS:
        PERIOD_LINKS.append((label, url_name))


def period_links(period: PlanPeriod) -> list[dict[str, str]]:
    from django.urls import reverse

    return [
        {"label": label, "url": reverse(name, args=[period.pk])} for label, name in PERIOD_LINKS
    ]


def plan_context(period: PlanPeriod, user: Any) -> dict[str, Any]:
    targets = RevenueTarget.objects.filter(period=period).prefetch_related("amounts")
    target = targets.in_force()
    funnel = plan_for(period)
    rows = funnel.rows()
    happened = actuals(period)
    compared = []
    for row in rows:
        if row["before"]:
            continue
        month = row["month"]
        cells = []
        for stage in COMPARED:
            actual = happened[stage].get(month, 0)
            cells.append({"plan": row[stage], "actual": actual, "variance": actual - row[stage]})
        revenue = happened["revenue"].get(month, Decimal("0"))
        target_month = row["revenue"] or Decimal("0")
        compared.append(
            {
                "month": month,
                "cells": cells,
                "revenue": revenue,
                "target": target_month,
                "variance": revenue - target_month,
                "met": revenue >= target_month,
                "future": month > timezone.localdate(),
            }
        )
    labels = [fiscal.month_label(r["month"]) for r in compared]
    return {
        "period": period,
        "period_links": period_links(period),
        "target": target,
        "quarters": _quarters(period, target),
        "waiting": with_cards(targets.waiting().select_related("proposed_by")[:5], user),
        "funnel": funnel,
        "rows": rows,
        "totals": funnel.totals(),
        "target_total": sum(funnel.revenue.values(), Decimal("0")),
        "marketing_stages": [(s, STAGE_LABELS[s]) for s in MARKETING_STAGES],
        "sales_stages": [(s, STAGE_LABELS[s]) for s in SALES_STAGES],
        "by_when": _by_when(funnel),
        "figures": [
            {"figure": f, "shown": f.shown(period.currency), "side": f.spec.side}
            for f in funnel.figures
        ],
        "mqls_per_month": -(-funnel.totals()["mqls"] // 12),
        "compared": compared,
        "compared_labels": [STAGE_LABELS[s] for s in COMPARED],
        "revenue_chart": {
            "labels": labels,
            "datasets": [
                {"label": "Revenue target", "values": [float(r["target"]) for r in compared]},
                {"label": "Revenue won", "values": [float(r["revenue"]) for r in compared]},
            ],
        },
        "mql_chart": {
            "type": "line",
            "labels": labels,
            "datasets": [
                {"label": "MQLs needed", "values": [r["cells"][1]["plan"] for r in compared]},
                {"label": "MQLs delivered", "values": [r["cells"][1]["actual"] for r in compared]},
            ],
        },
        "may_set_target": can(user, Action.APPROVE, RevenueTarget(period=period)),
        "may_change_figures": can(user, Action.CHANGE, Assumption(period=period)),
        "may_close": can(user, Action.CHANGE, period),
        "may_propose_sla": bool(contract_sides(user)),
    }


def _quarters(period: PlanPeriod, target: RevenueTarget | None) -> list[dict[str, Any]]:
    amounts = list(target.amounts.all()) if target else []
    result = []
    for quarter in range(1, 5):
        months = fiscal.quarter_months(period.starts_on, quarter)
        mine = [a for a in amounts if a.quarter == quarter]
        result.append(
            {
                "quarter": quarter,
                "months": f"{months[0]:%b} to {months[-1]:%b %Y}",
                "total": next((a.amount for a in mine if not a.key), Decimal("0")),
                "parts": [a for a in mine if a.key],
            }
        )
    return result


def _by_when(funnel: Any) -> list[dict[str, Any]]:
    """For each month with revenue to close: each stage's count and the date it is due."""
    found = []
    for month, steps in funnel.steps.items():
        revenue = funnel.revenue[month]
        if not revenue:
            continue
        found.append({"month": month, "revenue": revenue, "steps": steps})
    return found
